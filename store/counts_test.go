package store

import (
	"context"
	"maps"
	"path/filepath"
	"testing"
	"time"

	"observatory"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestArticlesPerDay(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "observatory.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	save := func(src, url string, published, fetched time.Time) *observatory.Article {
		a := &observatory.Article{ID: observatory.ArticleID(url), URL: url, SourceID: src, Published: published, Fetched: fetched}
		if _, err := db.SaveArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	save("cr-a", "https://a/1", day("2026-03-02").Add(23*time.Hour), time.Time{})
	save("cr-a", "https://a/2", day("2026-03-02"), time.Time{})
	save("cr-a", "https://a/2", day("2026-03-02"), time.Time{}) // saved twice, counted once
	save("cr-a", "https://a/old", day("2025-01-01"), time.Time{})
	save("cr-a-2", "https://a2/1", time.Time{}, day("2026-03-05")) // no date: the fetch day
	moved := save("ni-b", "https://b/1", day("2026-03-03"), time.Time{})
	save("ni-b", "https://b/none", time.Time{}, time.Time{}) // no date at all: not counted

	// A rewrite that changes the date moves the count.
	moved.Published = day("2026-03-04")
	if err := db.UpdateArticles(ctx, []observatory.Article{*moved}); err != nil {
		t.Fatal(err)
	}
	want := map[string]map[time.Time]int{
		"cr-a":   {day("2026-03-02"): 2},
		"cr-a-2": {day("2026-03-05"): 1},
		"ni-b":   {day("2026-03-04"): 1},
	}
	check := func(when string) {
		t.Helper()
		got, err := db.ArticlesPerDay(ctx, day("2026-01-01"))
		if err != nil {
			t.Fatal(err)
		}
		if !maps.EqualFunc(got, want, func(a, b map[time.Time]int) bool { return maps.Equal(a, b) }) {
			t.Errorf("%s: got %v, want %v", when, got, want)
		}
	}
	check("kept on write")
	all, _ := db.ArticlesPerDay(ctx, time.Time{})
	if all["cr-a"][day("2025-01-01")] != 1 {
		t.Errorf("since the beginning: %v", all)
	}

	// A store written by schema 1 had no counters: opening it builds them.
	db = reopenAsSchema(t, db, path, 1, bucketArticleDays)
	check("after the upgrade from schema 1")
}
