package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"observatory"
)

// BenchmarkArticlesPerDay measures what a source list page costs to read
// the weekly volumes of 150 sources over 16 weeks, from the per-day
// counters, against the baseline of scanning the articles for them. It
// prints the ratio.
func BenchmarkArticlesPerDay(b *testing.B) {
	ctx := context.Background()
	db, _ := openTemp(b)
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	const sources, perSource = 150, 200 // 30,000 articles over a year
	// Many writers at once, so that SaveArticle's batching keeps the
	// setup short.
	var wg sync.WaitGroup
	errs := make(chan error, sources)
	for s := range sources {
		wg.Go(func() {
			for i := range perSource {
				url := fmt.Sprintf("https://s%d.example/%d", s, i)
				a := &observatory.Article{ID: observatory.ArticleID(url), URL: url, SourceID: fmt.Sprintf("cr-s%d", s),
					Title: "Título de prueba", Text: "Texto de una nota de extensión realista. ", Published: now.Add(-time.Duration(i) * 44 * time.Hour)}
				if _, err := db.SaveArticle(ctx, a); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	since := now.AddDate(0, 0, -7*16)
	scan := func() int {
		n := 0
		err := db.ForEachArticle(ctx, 1000, func(page []observatory.Article) error {
			for i := range page {
				if !page[i].Published.Before(since) {
					n++
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		return n
	}
	counters := func() int {
		days, err := db.ArticlesPerDay(ctx, since)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for _, d := range days {
			for _, c := range d {
				n += c
			}
		}
		return n
	}
	if a, c := scan(), counters(); a != c {
		b.Fatalf("the counters say %d articles since %s, the scan %d", c, since.Format(time.DateOnly), a)
	}
	timeIt := func(f func() int) time.Duration {
		start := time.Now()
		const rounds = 5
		for range rounds {
			f()
		}
		return time.Since(start) / rounds
	}
	base := timeIt(scan)
	b.ResetTimer()
	for b.Loop() {
		counters()
	}
	per := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(base.Microseconds()), "scan-µs/op")
	if per > 0 {
		b.ReportMetric(float64(base)/float64(per), "x-faster-than-scan")
	}
	b.Logf("counters %v per read, article scan %v: %.0f× faster", per, base, float64(base)/float64(per))
}
