package index

// Benchmarks of issue 6, against plain bleve (default mapping, the
// articles indexed as they are) measured in the same run. The corpus is
// synthetic Spanish news from index/corpus.
//
//	OBS_BENCH_DOCS=100000 go test -run '^$' -bench . -benchtime 200x -timeout 0 ./index/
//
// OBS_BENCH_DOCS sets the corpus size (default 20,000); OBS_BENCH_DIR keeps
// the built indexes there and reuses them on the next run with the same
// size; OBS_BENCH_SINGLE=1 adds an unpartitioned index (Config.Unpartitioned)
// to the comparison. BenchmarkCorpus reports build throughput, size on disk and the
// resident memory of a process serving the index; the BenchmarkQuery_*
// benchmarks report p50 and p99 latency per query kind for both indexes.

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"observatory"
	"observatory/index/corpus"
)

type buildStats struct {
	Docs        int     `json:"docs"`
	TextBytes   int64   `json:"text_bytes"`
	OursSecs    float64 `json:"ours_secs"`
	SingleSecs  float64 `json:"single_secs,omitempty"`
	PlainSecs   float64 `json:"plain_secs"`
	OursBytes   int64   `json:"ours_bytes"`
	PlainBytes  int64   `json:"plain_bytes"`
	ServingRSS  int64   `json:"serving_rss"`
	ServingAnon int64   `json:"serving_anon"`
}

type benchEnv struct {
	stats  buildStats
	ours   *Index
	single *Index // unpartitioned, with OBS_BENCH_SINGLE=1
	plain  bleve.Index
	err    error
}

var (
	envOnce sync.Once
	env     benchEnv
)

func benchDocs() int {
	if n, err := strconv.Atoi(os.Getenv("OBS_BENCH_DOCS")); err == nil && n > 0 {
		return n
	}
	return 20_000
}

func getEnv(b *testing.B) *benchEnv {
	envOnce.Do(func() { env.err = buildEnv(&env) })
	if env.err != nil {
		b.Fatal(env.err)
	}
	return &env
}

const benchBatch = 1000

func buildEnv(e *benchEnv) error {
	n := benchDocs()
	root := os.Getenv("OBS_BENCH_DIR")
	if root == "" {
		var err error
		if root, err = os.MkdirTemp("", "obs-bench-"); err != nil {
			return err
		}
	}
	root = filepath.Join(root, fmt.Sprintf("n%d", n))
	oursDir, plainDir := filepath.Join(root, "observatory"), filepath.Join(root, "plain")
	singleDir := filepath.Join(root, "unpartitioned")
	single := os.Getenv("OBS_BENCH_SINGLE") == "1"
	statsFile := filepath.Join(root, "stats.json")
	ctx := context.Background()

	if data, err := os.ReadFile(statsFile); err == nil && json.Unmarshal(data, &e.stats) == nil {
		fmt.Printf("reusing indexes in %s\n", root)
	} else {
		os.RemoveAll(root)
		gen := corpus.New(corpus.Options{Seed: 1})
		e.stats.Docs = n

		var err error
		if e.stats.OursSecs, e.stats.TextBytes, err = buildOurs(oursDir, Config{BatchSize: benchBatch}, gen, n); err != nil {
			return err
		}
		if single {
			if e.stats.SingleSecs, _, err = buildOurs(singleDir, Config{BatchSize: benchBatch, Unpartitioned: true}, gen, n); err != nil {
				return err
			}
		}

		pl, err := bleve.New(plainDir, bleve.NewIndexMapping())
		if err != nil {
			return err
		}
		var took time.Duration
		for start := 0; start < n; start += benchBatch {
			batch := pl.NewBatch()
			arts := make([]observatory.Article, 0, benchBatch)
			for i := start; i < min(start+benchBatch, n); i++ {
				arts = append(arts, gen.Article(i))
			}
			t0 := time.Now()
			for i := range arts {
				if err := batch.Index(arts[i].ID, arts[i]); err != nil {
					return err
				}
			}
			if err := pl.Batch(batch); err != nil {
				return err
			}
			took += time.Since(t0)
			if start%(50*benchBatch) == 0 {
				fmt.Printf("plain: %d docs, %.0f docs/s\n", start+len(arts), float64(start+len(arts))/took.Seconds())
			}
		}
		t0 := time.Now()
		if err := pl.Close(); err != nil {
			return err
		}
		e.stats.PlainSecs = (took + time.Since(t0)).Seconds()
		e.stats.OursBytes, e.stats.PlainBytes = dirSize(oursDir), dirSize(plainDir)
	}

	// the serving process: only our index open, after some queries
	runtime.GC()
	debug.FreeOSMemory()
	ix, err := Open(oursDir, Config{})
	if err != nil {
		return err
	}
	e.ours = ix
	for _, qk := range queryKinds {
		for i := range 20 {
			if _, err := ix.Search(ctx, qk.ours(i)); err != nil {
				return fmt.Errorf("%s: %w", qk.name, err)
			}
		}
	}
	runtime.GC()
	debug.FreeOSMemory()
	e.stats.ServingRSS, e.stats.ServingAnon = rss()
	if data, err := json.Marshal(e.stats); err == nil {
		os.WriteFile(statsFile, data, 0o644)
	}
	if single {
		if e.single, err = Open(singleDir, Config{Unpartitioned: true}); err != nil {
			return err
		}
	}
	pl, err := bleve.Open(plainDir)
	if err != nil {
		return err
	}
	e.plain = pl
	return nil
}

// genArticles serves the generator's first n articles as the store would
// to Rebuild.
type genArticles struct {
	gen  *corpus.Generator
	n    int
	text *int64
	gen0 *time.Duration // time spent generating, not indexing
}

func (g genArticles) ForEachArticle(ctx context.Context, batch int, fn func([]observatory.Article) error) error {
	for start := 0; start < g.n; start += batch {
		t0 := time.Now()
		arts := make([]observatory.Article, 0, batch)
		for i := start; i < min(start+batch, g.n); i++ {
			a := g.gen.Article(i)
			*g.text += int64(len(a.Title) + len(a.Text))
			arts = append(arts, a)
		}
		*g.gen0 += time.Since(t0)
		if err := fn(arts); err != nil {
			return err
		}
	}
	return nil
}

// buildOurs indexes articles 0…n-1 of gen into a new index in dir the way
// `observatory reindex` does, and returns the time indexing took (the
// generator's excluded) and the text bytes indexed.
func buildOurs(dir string, cfg Config, gen *corpus.Generator, n int) (float64, int64, error) {
	ix, err := Open(dir, cfg)
	if err != nil {
		return 0, 0, err
	}
	var text int64
	var genTime time.Duration
	t0 := time.Now()
	err = ix.Rebuild(context.Background(), genArticles{gen: gen, n: n, text: &text, gen0: &genTime}, func(done int) {
		if done%50_000 < cfg.BatchSize*8 {
			fmt.Printf("%s: %d docs, %.0f docs/s\n", filepath.Base(dir), done, float64(done)/(time.Since(t0)-genTime).Seconds())
		}
	})
	if err != nil {
		return 0, 0, err
	}
	if err := ix.Close(); err != nil { // waits for the last merges
		return 0, 0, err
	}
	return (time.Since(t0) - genTime).Seconds(), text, nil
}

func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// rss returns the resident set size of this process, from /proc, and
// the part of it that is anonymous memory (heap, stacks) rather than
// pages of the index files bleve maps, which the kernel can drop.
func rss() (total, anon int64) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	kb := func(v string) int64 {
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		return n * 1024
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			total = kb(v)
		}
		if v, ok := strings.CutPrefix(line, "RssAnon:"); ok {
			anon = kb(v)
		}
	}
	return total, anon
}

// BenchmarkCorpus reports what building the corpus cost: build
// throughput, size on disk per article and against the text held, and the
// serving process's resident memory.
func BenchmarkCorpus(b *testing.B) {
	e := getEnv(b)
	s := e.stats
	for b.Loop() {
		if _, err := e.ours.Count(); err != nil {
			b.Fatal(err)
		}
	}
	oursRate, plainRate := float64(s.Docs)/s.OursSecs, float64(s.Docs)/s.PlainSecs
	b.ReportMetric(oursRate, "docs/s")
	b.ReportMetric(plainRate, "plain-docs/s")
	b.ReportMetric(float64(s.OursBytes)/float64(s.Docs), "disk-B/doc")
	b.ReportMetric(float64(s.OursBytes)/float64(s.TextBytes), "disk/text")
	b.ReportMetric(float64(s.PlainBytes)/float64(s.TextBytes), "plain-disk/text")
	b.ReportMetric(float64(s.ServingRSS)/(1<<20), "serving-RSS-MiB")
	b.ReportMetric(float64(s.ServingAnon)/(1<<20), "serving-anon-MiB")
	if s.SingleSecs > 0 {
		b.ReportMetric(float64(s.Docs)/s.SingleSecs, "unpartitioned-docs/s")
	}
	b.Logf("%d docs, %.0f MB of text: indexing %.0f docs/s vs plain %.0f (ratio %.2f); disk %.2f× text vs plain %.2f×; serving RSS %d MiB (%d MiB anonymous)",
		s.Docs, float64(s.TextBytes)/1e6, oursRate, plainRate, oursRate/plainRate,
		float64(s.OursBytes)/float64(s.TextBytes), float64(s.PlainBytes)/float64(s.TextBytes), s.ServingRSS>>20, s.ServingAnon>>20)
}

// BenchmarkIndexing measures Apply on batches of fresh articles into a
// growing index, against plain bleve's Batch.
func BenchmarkIndexing(b *testing.B) {
	gen := corpus.New(corpus.Options{Seed: 2})
	next := 0
	batch := func() []observatory.Article {
		arts := make([]observatory.Article, 100)
		for i := range arts {
			arts[i] = gen.Article(next)
			next++
		}
		return arts
	}
	var rates [2]float64
	b.Run("observatory", func(b *testing.B) {
		ix, err := Open(b.TempDir(), Config{})
		if err != nil {
			b.Fatal(err)
		}
		defer ix.Close()
		docs := 0
		for b.Loop() {
			b.StopTimer()
			arts := batch()
			b.StartTimer()
			if err := ix.Apply(context.Background(), observatory.IndexBatch{Upsert: arts}); err != nil {
				b.Fatal(err)
			}
			docs += len(arts)
		}
		rates[0] = float64(docs) / b.Elapsed().Seconds()
		b.ReportMetric(rates[0], "docs/s")
	})
	b.Run("plain", func(b *testing.B) {
		pl, err := bleve.New(filepath.Join(b.TempDir(), "plain"), bleve.NewIndexMapping())
		if err != nil {
			b.Fatal(err)
		}
		defer pl.Close()
		docs := 0
		for b.Loop() {
			b.StopTimer()
			arts := batch()
			b.StartTimer()
			bb := pl.NewBatch()
			for i := range arts {
				bb.Index(arts[i].ID, arts[i])
			}
			if err := pl.Batch(bb); err != nil {
				b.Fatal(err)
			}
			docs += len(arts)
		}
		rates[1] = float64(docs) / b.Elapsed().Seconds()
		b.ReportMetric(rates[1], "docs/s")
	})
	if rates[1] > 0 {
		b.Logf("indexing: observatory/plain = %.2f", rates[0]/rates[1])
	}
}

var (
	benchTerms   = []string{"migrantes", "frontera", "mujeres", "elecciones", "salud", "fútbol", "remesas", "deportación", "violencia", "economía"}
	benchPhrases = []string{"trata de personas", "violencia de género", "caravana migrante", "mujeres migrantes", "situación irregular", "banco central"}
	benchCountry = []string{"GT", "HN", "SV", "NI", "CR", "PA", "CO", "DO"}
	benchTags    = []string{"migration", "gender", "xenophobia"}
)

type queryKind struct {
	name  string
	ours  func(i int) observatory.SearchQuery
	plain func(i int) *bleve.SearchRequest
}

// plainRequest is what a plain-bleve application would send for the same
// page: the query on _all, the same facets, highlights, 20 hits.
func plainRequest(q query.Query, from int, sortBy []string) *bleve.SearchRequest {
	req := bleve.NewSearchRequestOptions(q, 20, from, false)
	for name, field := range map[string]string{"country": "country", "tag": "tags.tag", "subtag": "tags.subtags",
		"source": "source", "medium": "medium", "language": "language", "kind": "lexicon_version"} {
		req.AddFacet(name, bleve.NewFacetRequest(field, 20))
	}
	req.Highlight = bleve.NewHighlightWithStyle("html")
	req.Fields = []string{"title", "url", "source", "source_name", "country", "medium", "published"}
	if sortBy != nil {
		req.SortBy(sortBy)
	}
	return req
}

func qs(s string) query.Query { return query.NewQueryStringQuery(s) }

func yearRange(i int) (time.Time, time.Time) {
	from := time.Date(2017+i%10, 1, 1, 0, 0, 0, 0, time.UTC)
	return from, from.AddDate(1, 0, 0)
}

var queryKinds = []queryKind{
	{
		name: "term",
		ours: func(i int) observatory.SearchQuery {
			return observatory.SearchQuery{Q: benchTerms[i%len(benchTerms)]}
		},
		plain: func(i int) *bleve.SearchRequest { return plainRequest(qs(benchTerms[i%len(benchTerms)]), 0, nil) },
	},
	{
		name: "phrase",
		ours: func(i int) observatory.SearchQuery {
			return observatory.SearchQuery{Q: `"` + benchPhrases[i%len(benchPhrases)] + `"`}
		},
		plain: func(i int) *bleve.SearchRequest {
			return plainRequest(qs(`"`+benchPhrases[i%len(benchPhrases)]+`"`), 0, nil)
		},
	},
	{
		name: "term_country_tag_facets",
		ours: func(i int) observatory.SearchQuery {
			return observatory.SearchQuery{Q: benchTerms[i%len(benchTerms)],
				Country: []string{benchCountry[i%len(benchCountry)]}, Tag: []string{benchTags[i%len(benchTags)]}}
		},
		plain: func(i int) *bleve.SearchRequest {
			return plainRequest(qs(fmt.Sprintf("+%s +country:%s +tags.tag:%s", benchTerms[i%len(benchTerms)],
				strings.ToLower(benchCountry[i%len(benchCountry)]), benchTags[i%len(benchTags)])), 0, nil)
		},
	},
	{
		name: "daterange_sort_date",
		ours: func(i int) observatory.SearchQuery {
			from, to := yearRange(i)
			return observatory.SearchQuery{Q: benchTerms[i%len(benchTerms)], From: from, To: to.Add(-time.Second), Sort: "date"}
		},
		plain: func(i int) *bleve.SearchRequest {
			from, to := yearRange(i)
			t := true
			dr := query.NewDateRangeInclusiveQuery(from, to, &t, nil)
			dr.SetField("published")
			q := query.NewConjunctionQuery([]query.Query{qs(benchTerms[i%len(benchTerms)]), dr})
			return plainRequest(q, 0, []string{"-published", "_id"})
		},
	},
	{
		name: "deep_page_200",
		ours: func(i int) observatory.SearchQuery {
			return observatory.SearchQuery{Q: benchTerms[i%len(benchTerms)], Page: 200, Size: 20}
		},
		plain: func(i int) *bleve.SearchRequest {
			return plainRequest(qs(benchTerms[i%len(benchTerms)]), 199*20, nil)
		},
	},
}

func BenchmarkQuery(b *testing.B) {
	e := getEnv(b)
	ctx := context.Background()
	for _, qk := range queryKinds {
		var p99 [2]float64
		b.Run(qk.name+"/observatory", func(b *testing.B) {
			p99[0] = measure(b, func(i int) error {
				_, err := e.ours.Search(ctx, qk.ours(i))
				return err
			})
		})
		if e.single != nil {
			b.Run(qk.name+"/unpartitioned", func(b *testing.B) {
				measure(b, func(i int) error {
					_, err := e.single.Search(ctx, qk.ours(i))
					return err
				})
			})
		}
		b.Run(qk.name+"/plain", func(b *testing.B) {
			p99[1] = measure(b, func(i int) error {
				_, err := e.plain.SearchInContext(ctx, qk.plain(i))
				return err
			})
		})
		if p99[0] > 0 && p99[1] > 0 {
			fmt.Printf("%s at %d docs: p99 observatory %.1f ms, plain %.1f ms, ratio %.2f\n", qk.name, e.stats.Docs, p99[0], p99[1], p99[0]/p99[1])
		}
	}
}

// measure runs fn in b.Loop, varying its argument, and reports the p50
// and p99 latency in milliseconds; it returns the p99.
func measure(b *testing.B, fn func(i int) error) float64 {
	var lat []time.Duration
	i := rand.IntN(1000)
	for b.Loop() {
		t0 := time.Now()
		if err := fn(i); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
		i++
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	return pct(0.99)
}
