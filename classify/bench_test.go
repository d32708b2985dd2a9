package classify

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// corpus is the first dev set's titles and bodies: real Spanish news
// pages and written news texts.
func corpus(tb testing.TB) []Item {
	tb.Helper()
	return loadCorpus(tb, "devset.jsonl")
}

func loadCorpus(tb testing.TB, name string) []Item {
	tb.Helper()
	items, err := LoadDevSet(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return items
}

func corpusBytes(items []Item) int64 {
	var n int64
	for _, it := range items {
		n += int64(len(it.Title) + len(it.Body))
	}
	return n
}

var sink int

// rawScan is the machine's floor: one pass over every byte doing the least
// a tokenizer must (a table lookup per byte).
func rawScan(items []Item) int {
	var isSep [256]bool
	for _, c := range " \n\t.,;:!?\"'()" {
		isSep[c] = true
	}
	n := 0
	for _, it := range items {
		for _, s := range [2]string{it.Title, it.Body} {
			for i := 0; i < len(s); i++ {
				if isSep[s[i]] {
					n++
				}
			}
		}
	}
	return n
}

// BenchmarkClassify measures the classifier's throughput on plain text
// (issue 5 asks ≥ 50 MB/s per core) beside, in the same run, the raw
// single-pass scan and the raw automaton (folding, tokenising and the trie
// walk alone), and reports the ratios.
//
//	go test -run '^$' -bench BenchmarkClassify -cpu 1 ./classify/
func BenchmarkClassify(b *testing.B) { benchmarkClassify(b, corpus(b)) }

// BenchmarkClassifyNews is BenchmarkClassify on the full-length news
// articles (devset-news.jsonl): denser in lexicon words than most of what
// the crawler brings, so slower.
//
//	go test -run '^$' -bench BenchmarkClassifyNews -cpu 1 ./classify/
func BenchmarkClassifyNews(b *testing.B) { benchmarkClassify(b, loadCorpus(b, "devset-news.jsonl")) }

func benchmarkClassify(b *testing.B, items []Item) {
	c := newDefault(b)
	size := corpusBytes(items)
	// The baselines are timed in the same run (testing.Benchmark cannot be
	// nested in a benchmark): repeat each for at least half a second.
	mbps := func(pass func()) float64 {
		start, n := time.Now(), 0
		for time.Since(start) < 500*time.Millisecond {
			pass()
			n++
		}
		return float64(size) * float64(n) / time.Since(start).Seconds() / 1e6
	}
	raw := mbps(func() { sink += rawScan(items) })
	m := c.state.Load().m
	s := new(scratch)
	auto := mbps(func() {
		for _, it := range items {
			m.scan(it.Title, s)
			m.scan(it.Body, s)
			sink += len(s.hits)
		}
	})
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		for _, it := range items {
			sink += len(c.Analyze(it.Title, it.Body).Tags)
		}
	}
	got := float64(size) * float64(b.N) / b.Elapsed().Seconds() / 1e6
	b.ReportMetric(raw, "raw-scan-MB/s")
	b.ReportMetric(auto, "automaton-MB/s")
	b.ReportMetric(got/raw, "classify/raw")
	b.ReportMetric(got/auto, "classify/automaton")
}

// BenchmarkEval reports the evaluation figures (F1 per label of the
// classifier and of the naive baseline) on the dev set and, when
// ../shared/data is present, on hateval2019-es and StereoImmigrants.
//
//	go test -run '^$' -bench BenchmarkEval -benchtime 1x ./classify/
func BenchmarkEval(b *testing.B) {
	c := newDefault(b)
	dir := sharedData
	if _, err := os.Stat(dir); err != nil {
		b.Logf("skipping hateval and stereoimmigrants: %v", err)
		dir = ""
	}
	sets, err := LoadEvalSets(filepath.Join("testdata", "devset.jsonl"), dir)
	if err != nil {
		b.Fatal(err)
	}
	var reports []EvalReport
	for b.Loop() {
		reports = Evaluate(c, sets)
	}
	for _, r := range reports {
		set := strings.Fields(r.Set)[0]
		for _, l := range r.Labels {
			b.ReportMetric(r.Classifier[l].F1(), "F1-"+set+"-"+l)
			b.ReportMetric(r.Baseline[l].F1(), "baseF1-"+set+"-"+l)
		}
	}
}

// FuzzClassify: random bytes never panic the classifier, every piece of
// evidence points inside its field, sentences are valid UTF-8, and folding
// is idempotent.
func FuzzClassify(f *testing.F) {
	for _, s := range []string{"", "migrantes", "an\u0303o", "Mujeres migrantes. Violencia de género!", "\xff\xfe\x00", "…¿¡«»", strings.Repeat("a ", 100), "ñ\u0303\u0303n\u0303"} {
		f.Add(s, s)
	}
	for _, name := range []string{"mujeres-migrantes-cafe.txt", "banda-venezolanos-asaltos.txt"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		title, body, _ := strings.Cut(string(b), "\n")
		f.Add(title, body)
	}
	c := newDefault(f)
	f.Fuzz(func(t *testing.T, title, body string) {
		r := c.Analyze(title, body)
		for _, tag := range r.Tags {
			for _, e := range tag.Explanation {
				field := body
				if e.Field == "title" {
					field = title
				}
				if e.Position < 0 || e.Position >= len(field) {
					t.Fatalf("evidence %+v: position %d outside the %s (%d bytes)", e, e.Position, e.Field, len(field))
				}
				if !utf8.ValidString(e.Sentence) {
					t.Fatalf("evidence sentence %q is not valid UTF-8", e.Sentence)
				}
			}
		}
		if f1, f2 := Fold(body), Fold(Fold(body)); f1 != f2 {
			t.Fatalf("Fold not idempotent: %q → %q", f1, f2)
		}
	})
}
