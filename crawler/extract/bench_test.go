package extract

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"observatory/crawler/internal/evaldata"
)

// The extraction benchmarks measure each engine on the development part of
// two public benchmarks in ../shared/data, with their authors' metrics, and
// report precision, recall and F1 beside the time per page:
//
//	go test -run '^$' -bench Extraction -benchtime 1x ./crawler/extract/
//
// Published figures for comparison: on the article-extraction benchmark
// (AEB, whole set) go-trafilatura F1 0.960, go-readability 0.934; the
// trafilatura project holds itself to F1 ≈ 0.92–0.93 on its own set.

var engines = []Engine{Trafilatura, TrafilaturaFallback, Readability}

func readGz(tb testing.TB, path string) []byte {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

type aebPage struct {
	id, url, body string
	html          []byte
}

func loadAEB(tb testing.TB) []aebPage {
	dir := evaldata.Dir(tb, "extraction-aeb")
	raw, err := os.ReadFile(filepath.Join(dir, "ground-truth.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var gt map[string]struct {
		ArticleBody string `json:"articleBody"`
		URL         string `json:"url"`
	}
	if err := json.Unmarshal(raw, &gt); err != nil {
		tb.Fatal(err)
	}
	rows := readTSV(tb, filepath.Join(dir, "index.tsv"))
	var pages []aebPage
	for _, r := range rows {
		if r["split"] != "dev" {
			continue
		}
		g, ok := gt[r["id"]]
		if !ok {
			continue
		}
		pages = append(pages, aebPage{id: r["id"], url: g.URL, body: g.ArticleBody,
			html: readGz(tb, filepath.Join(dir, "html", r["id"]+".html.gz"))})
	}
	if len(pages) == 0 {
		tb.Skip("no AEB development pages")
	}
	return pages
}

func readTSV(tb testing.TB, path string) []map[string]string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = '\t'
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		m := make(map[string]string)
		for i, h := range recs[0] {
			if i < len(rec) {
				m[h] = rec[i]
			}
		}
		out = append(out, m)
	}
	return out
}

var tokenRE = regexp.MustCompile(`[\p{L}\p{N}\p{M}_]+`)

// shingleMatch is AEB's string_shingle_matching: 4-token shingles counted
// as multisets, tp/fp/fn normalised by their sum.
func shingleMatch(truth, pred string) (tp, fp, fn float64) {
	count := func(s string) map[string]int {
		toks := tokenRE.FindAllString(s, -1)
		m := make(map[string]int)
		for i := 0; i < max(1, len(toks)-3); i++ {
			if i >= len(toks) {
				break
			}
			m[strings.Join(toks[i:min(i+4, len(toks))], "\x00")]++
		}
		return m
	}
	t, p := count(truth), count(pred)
	for k, tc := range t {
		pc := p[k]
		tp += float64(min(tc, pc))
		fn += float64(max(0, tc-pc))
	}
	for k, pc := range p {
		fp += float64(max(0, pc-t[k]))
	}
	if s := tp + fp + fn; s > 0 {
		tp, fp, fn = tp/s, fp/s, fn/s
	}
	return
}

// aebScore averages per-page precision and recall as AEB's evaluate.py does.
func aebScore(tfn [][3]float64) (p, r, f1 float64) {
	var np, nr int
	for _, x := range tfn {
		tp, fp, fn := x[0], x[1], x[2]
		if tp+fp > 0 {
			np++
			if fp == 0 && fn == 0 {
				p++
			} else {
				p += tp / (tp + fp)
			}
		}
		if tp+fn > 0 {
			nr++
			if fp == 0 && fn == 0 {
				r++
			} else {
				r += tp / (tp + fn)
			}
		}
	}
	p, r = p/float64(max(np, 1)), r/float64(max(nr, 1))
	if p+r > 0 {
		f1 = 2 * p * r / (p + r)
	}
	return
}

func BenchmarkExtractionAEB(b *testing.B) {
	pages := loadAEB(b)
	for _, e := range engines {
		b.Run(e.String(), func(b *testing.B) {
			var p, r, f1 float64
			for b.Loop() {
				tfn := make([][3]float64, len(pages))
				for i, pg := range pages {
					res, _ := Extract(bytes.NewReader(pg.html), pg.url, WithEngine(e))
					tp, fp, fn := shingleMatch(pg.body, res.Text)
					tfn[i] = [3]float64{tp, fp, fn}
				}
				p, r, f1 = aebScore(tfn)
			}
			b.ReportMetric(p, "precision")
			b.ReportMetric(r, "recall")
			b.ReportMetric(f1, "F1")
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N*len(pages)), "ms/page")
			b.Logf("%s on AEB dev (%d pages): precision %.3f recall %.3f F1 %.3f (published, whole set: go-trafilatura 0.960, go-readability 0.934)",
				e, len(pages), p, r, f1)
		})
	}
}

type trafPage struct {
	url, lang, group string
	with, without    []string
	html             []byte
}

func loadTrafilatura(tb testing.TB) []trafPage {
	dir := evaldata.Dir(tb, "extraction-trafilatura")
	raw, err := os.ReadFile(filepath.Join(dir, "evaldata.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var ev map[string]struct {
		File    string   `json:"file"`
		With    []string `json:"with"`
		Without []string `json:"without"`
	}
	if err := json.Unmarshal(raw, &ev); err != nil {
		tb.Fatal(err)
	}
	var pages []trafPage
	for _, r := range readTSV(tb, filepath.Join(dir, "index.tsv")) {
		e, ok := ev[r["key"]]
		if !ok || r["split"] != "dev" || r["annotated"] != "1" {
			continue
		}
		path := filepath.Join(dir, "html", e.File+".gz")
		if _, err := os.Stat(path); err != nil {
			continue
		}
		u := r["url"]
		if !strings.HasPrefix(u, "http") {
			u = "https://" + r["domain"] + "/"
		}
		pages = append(pages, trafPage{url: u, lang: r["lang_guess"], group: r["group"],
			with: e.With, without: e.Without, html: readGz(tb, path)})
	}
	if len(pages) == 0 {
		tb.Skip("no annotated trafilatura pages")
	}
	return pages
}

// snippetCounts is the trafilatura evaluation: snippets expected in the
// output (with) and expected absent (without), searched in the extracted
// title and text with white space normalised on both sides.
type snippetCounts struct{ tp, fn, fp, tn int }

func (c *snippetCounts) add(text string, p trafPage) {
	text = strings.Join(strings.Fields(text), " ")
	for _, s := range p.with {
		if strings.Contains(text, strings.Join(strings.Fields(s), " ")) {
			c.tp++
		} else {
			c.fn++
		}
	}
	for _, s := range p.without {
		if strings.Contains(text, strings.Join(strings.Fields(s), " ")) {
			c.fp++
		} else {
			c.tn++
		}
	}
}

func (c snippetCounts) prf() (p, r, f1 float64) {
	p = float64(c.tp) / float64(max(1, c.tp+c.fp))
	r = float64(c.tp) / float64(max(1, c.tp+c.fn))
	if p+r > 0 {
		f1 = 2 * p * r / (p + r)
	}
	return
}

func BenchmarkExtractionTrafilatura(b *testing.B) {
	pages := loadTrafilatura(b)
	for _, e := range engines {
		b.Run(e.String(), func(b *testing.B) {
			var all, es, latam, ca snippetCounts
			for b.Loop() {
				all, es, latam, ca = snippetCounts{}, snippetCounts{}, snippetCounts{}, snippetCounts{}
				for _, pg := range pages {
					res, _ := Extract(bytes.NewReader(pg.html), pg.url, WithEngine(e))
					text := res.Title + "\n" + res.Text
					all.add(text, pg)
					if pg.lang == "es" {
						es.add(text, pg)
					}
					if pg.group != "" {
						latam.add(text, pg)
					}
					if pg.group == "central_america" {
						ca.add(text, pg)
					}
				}
			}
			p, r, f1 := all.prf()
			b.ReportMetric(p, "precision")
			b.ReportMetric(r, "recall")
			b.ReportMetric(f1, "F1")
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N*len(pages)), "ms/page")
			line := func(name string, c snippetCounts) string {
				p, r, f := c.prf()
				return fmt.Sprintf("%s P %.3f R %.3f F1 %.3f (%d snippets)", name, p, r, f, c.tp+c.fn+c.fp+c.tn)
			}
			b.Logf("%s on trafilatura dev (%d pages): %s; %s; %s; %s (project's own target F1 ≈ 0.92–0.93)",
				e, len(pages), line("all", all), line("Spanish", es), line("Latin American outlets", latam), line("Central American", ca))
		})
	}
}
