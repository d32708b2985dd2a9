package index

// Benchmarks of issue 6, against plain bleve (default mapping, the
// articles indexed as they are) measured in the same run. The corpus is
// synthetic Spanish news from index/corpus.
//
//	OBS_BENCH_DOCS=100000 go test -run '^$' -bench . -benchtime 200x -timeout 0 ./index/
//
// OBS_BENCH_DOCS sets the corpus size (default 20,000). OBS_BENCH_DIR keeps
// the built indexes there, each with its build figures beside it, and
// reuses each one on later runs of the same size: ours and the
// unpartitioned one while mappingVersion is the same, plain bleve always,
// so query-only runs rebuild nothing. OBS_BENCH_SINGLE=1 adds an
// unpartitioned index (Config.Unpartitioned) to the comparison;
// OBS_BENCH_PLAIN=0 leaves plain bleve out (quick experiments only).
//
// BenchmarkCorpus reports build throughput, size on disk and the memory
// of a process serving our index (TestBenchServe, run as a child process
// with nothing else open): its anonymous memory and the pages of the
// mapped index files, separately. The BenchmarkQuery benchmarks report
// p50 and p99 latency per query kind for each index, after the same
// warm-up for all.

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
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

// buildStats is what building one index cost; it is kept beside the
// index in OBS_BENCH_DIR so that later runs reuse the index.
type buildStats struct {
	Docs      int     `json:"docs"`
	TextBytes int64   `json:"text_bytes"`
	Secs      float64 `json:"secs"`
	Bytes     int64   `json:"bytes"`
	Version   string  `json:"version,omitempty"` // mappingVersion, for ours
}

// servingStats is the memory of a process serving our index after the
// query mix (see TestBenchServe).
type servingStats struct {
	RSS      int64 `json:"rss"`
	Anon     int64 `json:"anon"`
	File     int64 `json:"file"`
	Segments int   `json:"segments"`
	// FileAfter is the mapped-file part of RSS after each query kind,
	// in the order of queryKinds: which queries read which share.
	FileAfter []int64 `json:"file_after"`
}

type benchEnv struct {
	docs    int
	ours    *Index
	single  *Index // unpartitioned, with OBS_BENCH_SINGLE=1
	plain   bleve.Index
	stats   map[string]buildStats // by index name
	serving servingStats
	err     error
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

// Index names in OBS_BENCH_DIR/n<docs>/.
const (
	benchOurs   = "observatory"
	benchSingle = "unpartitioned"
	benchPlain  = "plain"
)

// buildEnv builds, or reuses from OBS_BENCH_DIR, each index of the
// comparison on its own: an index whose stats file is there and, for
// ours, whose mapping version is current, is reused, so that query-only
// runs and changes to our index alone do not rebuild plain bleve.
func buildEnv(e *benchEnv) error {
	n := benchDocs()
	e.docs = n
	e.stats = map[string]buildStats{}
	root := os.Getenv("OBS_BENCH_DIR")
	if root == "" {
		var err error
		if root, err = os.MkdirTemp("", "obs-bench-"); err != nil {
			return err
		}
	}
	root = filepath.Join(root, fmt.Sprintf("n%d", n))
	if err := os.MkdirAll(root, 0o755); err != nil {
		return err
	}
	single := os.Getenv("OBS_BENCH_SINGLE") == "1"
	withPlain := os.Getenv("OBS_BENCH_PLAIN") != "0"
	builds := []struct {
		name    string
		version string
		build   func(dir string) (float64, int64, error)
	}{
		{benchOurs, mappingVersion, func(dir string) (float64, int64, error) {
			return buildOurs(dir, Config{BatchSize: benchBatch}, n)
		}},
		{benchSingle, mappingVersion, func(dir string) (float64, int64, error) {
			return buildOurs(dir, Config{BatchSize: benchBatch, Unpartitioned: true}, n)
		}},
		{benchPlain, "", func(dir string) (float64, int64, error) { return buildPlain(dir, n) }},
	}
	for _, b := range builds {
		if b.name == benchSingle && !single || b.name == benchPlain && !withPlain {
			continue
		}
		dir := filepath.Join(root, b.name)
		statsFile := dir + ".json"
		var st buildStats
		if data, err := os.ReadFile(statsFile); err == nil && json.Unmarshal(data, &st) == nil && st.Version == b.version {
			fmt.Printf("reusing %s\n", dir)
			e.stats[b.name] = st
			continue
		}
		os.Remove(statsFile)
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
		secs, text, err := b.build(dir)
		if err != nil {
			return fmt.Errorf("build %s: %w", b.name, err)
		}
		st = buildStats{Docs: n, TextBytes: text, Secs: secs, Bytes: dirSize(dir), Version: b.version}
		data, _ := json.Marshal(st)
		if err := os.WriteFile(statsFile, data, 0o644); err != nil {
			return err
		}
		e.stats[b.name] = st
	}

	// the serving process: a process of its own with only our index open
	serving, err := measureServing(filepath.Join(root, benchOurs))
	if err != nil {
		return fmt.Errorf("serving process: %w", err)
	}
	e.serving = serving

	if e.ours, err = Open(filepath.Join(root, benchOurs), Config{}); err != nil {
		return err
	}
	if single {
		if e.single, err = Open(filepath.Join(root, benchSingle), Config{Unpartitioned: true}); err != nil {
			return err
		}
	}
	if withPlain {
		if e.plain, err = bleve.Open(filepath.Join(root, benchPlain)); err != nil {
			return err
		}
	}
	// every index gets the warm-up the serving process had
	ctx := context.Background()
	for _, qk := range queryKinds {
		for i := range 20 {
			if _, err := e.ours.Search(ctx, qk.ours(i)); err != nil {
				return fmt.Errorf("%s: %w", qk.name, err)
			}
			if e.single != nil {
				if _, err := e.single.Search(ctx, qk.ours(i)); err != nil {
					return fmt.Errorf("%s: %w", qk.name, err)
				}
			}
			if e.plain != nil {
				if _, err := e.plain.SearchInContext(ctx, qk.plain(i)); err != nil {
					return fmt.Errorf("%s: %w", qk.name, err)
				}
			}
		}
	}
	return nil
}

// buildPlain indexes articles 0…n-1 into a plain bleve index with the
// default mapping and returns the time indexing took and the text bytes.
func buildPlain(dir string, n int) (float64, int64, error) {
	gen := corpus.New(corpus.Options{Seed: 1})
	pl, err := bleve.New(dir, bleve.NewIndexMapping())
	if err != nil {
		return 0, 0, err
	}
	var took time.Duration
	var text int64
	for start := 0; start < n; start += benchBatch {
		batch := pl.NewBatch()
		arts := make([]observatory.Article, 0, benchBatch)
		for i := start; i < min(start+benchBatch, n); i++ {
			a := gen.Article(i)
			text += int64(len(a.Title) + len(a.Text))
			arts = append(arts, a)
		}
		t0 := time.Now()
		for i := range arts {
			if err := batch.Index(arts[i].ID, arts[i]); err != nil {
				return 0, 0, err
			}
		}
		if err := pl.Batch(batch); err != nil {
			return 0, 0, err
		}
		took += time.Since(t0)
		if start%(50*benchBatch) == 0 {
			fmt.Printf("plain: %d docs, %.0f docs/s\n", start+len(arts), float64(start+len(arts))/took.Seconds())
		}
	}
	t0 := time.Now()
	if err := pl.Close(); err != nil {
		return 0, 0, err
	}
	return (took + time.Since(t0)).Seconds(), text, nil
}

// serveEnv names the index TestBenchServe serves.
const serveEnv = "OBS_BENCH_SERVE"

// measureServing runs TestBenchServe in a child process (this test
// binary) on the index in dir and returns what it measured: the memory of
// a process that opened the index and ran the query mix, and nothing else.
func measureServing(dir string) (servingStats, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchServe$", "-test.count=1")
	cmd.Env = append(os.Environ(), serveEnv+"="+dir)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return servingStats{}, fmt.Errorf("%w: %s", err, out)
	}
	for line := range strings.SplitSeq(string(out), "\n") {
		if js, ok := strings.CutPrefix(line, "SERVING "); ok {
			var st servingStats
			err := json.Unmarshal([]byte(js), &st)
			return st, err
		}
	}
	return servingStats{}, fmt.Errorf("no measurement in %q", out)
}

// TestBenchServe is the serving process of the benchmarks: it runs only
// when OBS_BENCH_SERVE names an index, opens it, runs 20 queries of each
// kind and prints its memory, after a garbage collection.
func TestBenchServe(t *testing.T) {
	dir := os.Getenv(serveEnv)
	if dir == "" {
		t.Skip("run by the benchmarks")
	}
	ix, err := Open(dir, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	var st servingStats
	for _, qk := range queryKinds {
		for i := range 20 {
			if _, err := ix.Search(ctx, qk.ours(i)); err != nil {
				t.Fatalf("%s: %v", qk.name, err)
			}
		}
		_, _, file := rss()
		st.FileAfter = append(st.FileAfter, file)
	}
	runtime.GC()
	debug.FreeOSMemory()
	st.RSS, st.Anon, st.File = rss()
	st.Segments = ix.segments()
	data, _ := json.Marshal(st)
	fmt.Printf("SERVING %s\n", data)
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
func buildOurs(dir string, cfg Config, n int) (float64, int64, error) {
	gen := corpus.New(corpus.Options{Seed: 1})
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
// its parts: anonymous memory (heap, stacks) and pages of files mapped
// (the index files bleve maps), which the kernel can drop and read again.
func rss() (total, anon, file int64) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0, 0
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
		if v, ok := strings.CutPrefix(line, "RssFile:"); ok {
			file = kb(v)
		}
	}
	return total, anon, file
}

// segments returns how many segments the live generation's partitions
// hold in all.
func (ix *Index) segments() int {
	g, release, err := ix.acquire()
	if err != nil {
		return 0
	}
	defer release()
	n := 0
	for _, p := range g.indexes(nil) {
		if st, ok := p.StatsMap()["index"].(map[string]any); ok {
			if v, ok := st["num_root_filesegments"].(uint64); ok {
				n += int(v)
			}
		}
	}
	return n
}

// BenchmarkCorpus reports what building the corpus cost: build
// throughput, size on disk per article and against the text held, and the
// serving process's resident memory.
func BenchmarkCorpus(b *testing.B) {
	e := getEnv(b)
	for b.Loop() {
		if _, err := e.ours.Count(); err != nil {
			b.Fatal(err)
		}
	}
	ours, plain := e.stats[benchOurs], e.stats[benchPlain]
	oursRate, plainRate := float64(ours.Docs)/ours.Secs, 0.0
	if plain.Secs > 0 {
		plainRate = float64(plain.Docs) / plain.Secs
	}
	b.ReportMetric(oursRate, "docs/s")
	b.ReportMetric(plainRate, "plain-docs/s")
	b.ReportMetric(float64(ours.Bytes)/float64(ours.Docs), "disk-B/doc")
	b.ReportMetric(float64(ours.Bytes)/float64(ours.TextBytes), "disk/text")
	b.ReportMetric(float64(plain.Bytes)/float64(plain.TextBytes), "plain-disk/text")
	b.ReportMetric(float64(e.serving.RSS)/(1<<20), "serving-RSS-MiB")
	b.ReportMetric(float64(e.serving.Anon)/(1<<20), "serving-anon-MiB")
	b.ReportMetric(float64(e.serving.File)/(1<<20), "serving-file-MiB")
	b.ReportMetric(float64(e.serving.Segments), "segments")
	if s, ok := e.stats[benchSingle]; ok {
		b.ReportMetric(float64(s.Docs)/s.Secs, "unpartitioned-docs/s")
	}
	for i, qk := range queryKinds {
		if i < len(e.serving.FileAfter) {
			b.Logf("mapped index pages after the %s queries: %d MiB", qk.name, e.serving.FileAfter[i]>>20)
		}
	}
	b.Logf("%d docs, %.0f MB of text: indexing %.0f docs/s vs plain %.0f (ratio %.2f); disk %.2f× text vs plain %.2f×; serving RSS %d MiB (%d MiB anonymous, %d MiB mapped files), %d segments",
		ours.Docs, float64(ours.TextBytes)/1e6, oursRate, plainRate, oursRate/plainRate,
		float64(ours.Bytes)/float64(ours.TextBytes), float64(plain.Bytes)/float64(plain.TextBytes),
		e.serving.RSS>>20, e.serving.Anon>>20, e.serving.File>>20, e.serving.Segments)
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
		if e.plain == nil {
			continue
		}
		b.Run(qk.name+"/plain", func(b *testing.B) {
			p99[1] = measure(b, func(i int) error {
				_, err := e.plain.SearchInContext(ctx, qk.plain(i))
				return err
			})
		})
		if p99[0] > 0 && p99[1] > 0 {
			fmt.Printf("%s at %d docs: p99 observatory %.1f ms, plain %.1f ms, ratio %.2f\n", qk.name, e.docs, p99[0], p99[1], p99[0]/p99[1])
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
