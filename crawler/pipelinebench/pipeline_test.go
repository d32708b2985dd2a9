package pipelinebench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"observatory"
	"observatory/classify"
	"observatory/crawler"
	"observatory/index"
	"observatory/store"
)

const (
	nOutlets = 500
	nItems   = 20
)

// fakeOutlet serves a feed of nItems items of the current generation and
// their pages; each benchmark iteration moves to a new generation, so all
// items are new to the store.
type fakeOutlet struct {
	*httptest.Server
	id  int
	gen *atomic.Int64
}

func (o *fakeOutlet) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g := o.gen.Load()
	switch {
	case r.URL.Path == "/feed.xml":
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Medio %d</title><link>%s/</link><language>es</language>`, o.id, o.URL)
		for k := range nItems {
			fmt.Fprintf(w, `<item><title>Nota %d-%d</title><link>%s/g%d/art/%d?utm_source=rss</link><pubDate>%s</pubDate><description>Resumen de la nota %d.</description></item>`,
				o.id, k, o.URL, g, k, time.Date(2026, 11, 20, 10, k, 0, 0, time.UTC).Format(time.RFC1123Z), k)
		}
		fmt.Fprint(w, `</channel></rss>`)
	case strings.Contains(r.URL.Path, "/art/"):
		k, _ := strconv.Atoi(r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:])
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page(o.URL+r.URL.Path, o.id*nItems+k+int(g)*nOutlets*nItems))
	default:
		http.NotFound(w, r)
	}
}

var vocabulary = strings.Fields(`migrantes mujeres frontera trabajo salud escuela cosecha albergue familia
retorno remesas empleo derechos comunidad vivienda transporte mercado lluvia ministerio municipio
organización defensoría censo elecciones puerto carretera hospital universidad juventud agricultura
xenofobia refugiadas deportación violencia igualdad salario temporada café banano turismo`)

// page is a news page of about 350 words, different for every n.
func page(canon string, n int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `<!DOCTYPE html><html lang="es"><head><meta charset="utf-8"><title>Nota %d | Medio</title>
<link rel="canonical" href="%s"><meta property="article:published_time" content="2026-11-20T10:00:00-06:00">
<meta name="author" content="Redacción"></head><body><header><nav><a href="/">Portada</a> <a href="/pais">País</a> <a href="/mundo">Mundo</a></nav></header>
<aside><h3>Lo más leído</h3><ul><li><a href="/a">Sube el arroz</a></li><li><a href="/b">Lluvias</a></li></ul></aside><article><h1>Nota %d</h1>`,
		n, canon, n)
	x := uint32(n)*2654435761 + 12345
	for range 7 {
		b.WriteString("<p>")
		for range 50 {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			b.WriteString(vocabulary[x%uint32(len(vocabulary))])
			b.WriteByte(' ')
		}
		b.WriteString("fin.</p>\n")
	}
	b.WriteString(`</article><footer>Todos los derechos reservados</footer></body></html>`)
	return []byte(b.String())
}

func startOutlets(b *testing.B, gen *atomic.Int64) []*fakeOutlet {
	outlets := make([]*fakeOutlet, nOutlets)
	for i := range outlets {
		o := &fakeOutlet{id: i, gen: gen}
		o.Server = httptest.NewServer(o)
		outlets[i] = o
	}
	b.Cleanup(func() {
		for _, o := range outlets {
			o.Close()
		}
	})
	return outlets
}

func openStore(b *testing.B, outlets []*fakeOutlet) *store.DB {
	db, err := store.Open(filepath.Join(b.TempDir(), "observatory.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	for _, o := range outlets {
		s := &observatory.Source{Name: fmt.Sprintf("Medio %d", o.id), Country: "CR", Medium: observatory.MediumOnline,
			Homepage: fmt.Sprintf("https://medio-%d.example/", o.id), Feeds: []string{o.URL + "/feed.xml"}, Active: true}
		if err := db.CreateSource(context.Background(), s, "bench"); err != nil {
			b.Fatal(err)
		}
	}
	return db
}

// peakMemory samples the live heap every 10 ms until stop is closed.
type peakMemory struct {
	stop chan struct{}
	done chan struct{}
	peak uint64
}

func watchMemory() *peakMemory {
	p := &peakMemory{stop: make(chan struct{}), done: make(chan struct{})}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	go func() {
		defer close(p.done)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			p.peak = max(p.peak, sample[0].Value.Uint64())
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

func (p *peakMemory) end() float64 {
	close(p.stop)
	<-p.done
	return float64(p.peak) / (1 << 20)
}

// peakRSS is the process's resident-set high-water mark (VmHWM), in MiB.
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkPipeline reports articles per second through each stage set:
//
//   - baseline: a plain HTTP client GETs every feed and page (8 at a time):
//     the cost of the fake outlets and loopback HTTP alone;
//   - crawl: crawler.RunOnce (robots.txt, feed parsing, guarded fetch,
//     extraction, dedup, store), no classification or index;
//   - full: the same with classify.Classifier in Config.Process and the
//     bleve index caught up from the store's log as Saved fires, until the
//     index holds every article.
//
// The per-host delay is off (HostDelay -1): with the default 2 s, 20 items
// per outlet take at least 40 s per host whatever the pipeline costs.
func BenchmarkPipeline(b *testing.B) {
	var gen atomic.Int64
	outlets := startOutlets(b, &gen)
	var baseRate float64

	b.Run("baseline", func(b *testing.B) {
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
		mem := watchMemory()
		n := 0
		for b.Loop() {
			g := gen.Add(1)
			var wg sync.WaitGroup
			work := make(chan string)
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for u := range work {
						resp, err := client.Get(u)
						if err != nil {
							b.Error(err)
							continue
						}
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
					}
				}()
			}
			for _, o := range outlets {
				work <- o.URL + "/feed.xml"
				for k := range nItems {
					work <- fmt.Sprintf("%s/g%d/art/%d", o.URL, g, k)
				}
			}
			close(work)
			wg.Wait()
			n += nOutlets * nItems
		}
		baseRate = float64(n) / b.Elapsed().Seconds()
		b.ReportMetric(baseRate, "articles/s")
		b.ReportMetric(mem.end(), "peak-heap-MiB")
	})

	run := func(b *testing.B, full bool) {
		db := openStore(b, outlets)
		cfg := crawler.Config{Store: db, AllowPrivateNetworks: true, HostDelay: -1}
		var ix *index.Index
		wake := make(chan struct{}, 1)
		if full {
			cl, err := classify.New(classify.Config{})
			if err != nil {
				b.Fatal(err)
			}
			cfg.Process = func(_ context.Context, a *observatory.Article) {
				c := cl.Classify(a.Title, a.Text)
				a.Tags, a.LexiconVersion = c.Tags, c.LexiconVersion
			}
			if ix, err = index.Open(filepath.Join(b.TempDir(), "index"), index.Config{}); err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { ix.Close() })
			cfg.Saved = func(int) {
				select {
				case wake <- struct{}{}:
				default:
				}
			}
		}
		c, err := crawler.New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		mem := watchMemory()
		ctx := context.Background()
		stored, indexed := 0, 0
		for b.Loop() {
			gen.Add(1)
			var wg sync.WaitGroup
			stop := make(chan struct{})
			if full {
				wg.Add(1)
				go func() { // the indexer the wiring runs
					defer wg.Done()
					for {
						select {
						case <-wake:
							n, err := ix.CatchUp(ctx, db)
							if err != nil {
								b.Error(err)
							}
							indexed += n
						case <-stop:
							return
						}
					}
				}()
			}
			sums, err := c.RunOnce(ctx)
			if err != nil {
				b.Fatal(err)
			}
			close(stop)
			wg.Wait()
			for _, s := range sums {
				stored += s.New
				if s.Err != "" {
					b.Fatalf("%s: %s", s.SourceID, s.Err)
				}
			}
			if full {
				n, err := ix.CatchUp(ctx, db)
				if err != nil {
					b.Fatal(err)
				}
				indexed += n
			}
		}
		if want := b.N * nOutlets * nItems; stored != want || (full && indexed < want) {
			b.Fatalf("stored %d, indexed %d, want %d", stored, indexed, want)
		}
		rate := float64(stored) / b.Elapsed().Seconds()
		b.ReportMetric(rate, "articles/s")
		b.ReportMetric(mem.end(), "peak-heap-MiB")
		b.ReportMetric(peakRSS(), "peak-RSS-MiB")
		if baseRate > 0 {
			b.ReportMetric(baseRate/rate, "x-slower-than-baseline")
		}
	}
	b.Run("crawl", func(b *testing.B) { run(b, false) })
	b.Run("full", func(b *testing.B) { run(b, true) })
}
