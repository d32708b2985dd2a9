package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"observatory"
)

// fakeOutlet serves testdata/outlet with {{BASE}} replaced by its own URL.
func fakeOutlet(t *testing.T) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.Trim(r.URL.Path, "/")
		switch {
		case name == "feed.xml":
			w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		case name == "robots.txt":
			http.NotFound(w, r)
			return
		case name != "":
			name = filepath.Base(name) + ".html"
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		}
		data, err := os.ReadFile(filepath.Join("testdata", "outlet", name))
		if err != nil || name == "" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(bytes.ReplaceAll(data, []byte("{{BASE}}"), []byte(srv.URL)))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// run runs the command line and returns its exit code, stdout and stderr.
func run(t *testing.T, ctx context.Context, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(ctx, args, Stdio{In: strings.NewReader(""), Out: &out, Err: &errb}, func(string) string { return "" })
	return code, out.String(), errb.String()
}

// server runs "serve --no-crawl" in the background and returns its base
// URL and a function that stops it and returns its exit code.
func server(t *testing.T, args ...string) (string, func() int) {
	t.Helper()
	return serverWith(t, args, "--no-crawl")
}

// serverWith is server with the global flags and serve's own flags given.
func serverWith(t *testing.T, global []string, serveArgs ...string) (string, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var errb syncBuffer
	done := make(chan int, 1)
	args := append(slices.Clone(global), "serve", "--addr", "127.0.0.1:0")
	args = append(args, serveArgs...)
	go func() {
		code := Run(ctx, args,
			Stdio{In: strings.NewReader(""), Out: pw, Err: &errb}, func(string) string { return "" })
		pw.Close()
		done <- code
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("serve did not start: %v (exit code %d); stderr:\n%s", err, <-done, errb.String())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	m := regexp.MustCompile(`http://\S+`).FindString(line)
	if m == "" {
		cancel()
		t.Fatalf("serve printed %q, want its address", line)
	}
	stop := func() int {
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(20 * time.Second):
			t.Fatal("serve did not stop within 20s of its context ending")
			return -1
		}
	}
	return m, stop
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type searchResponse struct {
	Total uint64 `json:"total"`
	Hits  []struct {
		ID         string `json:"id"`
		Kind       string `json:"kind"`
		Title      string `json:"title"`
		URL        string `json:"url"`
		Source     string `json:"source"`
		Country    string `json:"country"`
		Published  string `json:"published"`
		Tags       []observatory.TagScore
		Highlights []string `json:"highlights"`
	} `json:"hits"`
	Facets map[string]map[string]int `json:"facets"`
}

func getJSON(t *testing.T, url string, status int, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		t.Fatalf("GET %s: got status %d, want %d; body %s", url, resp.StatusCode, status, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("GET %s: Content-Type %q, want JSON", url, ct)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v in %s", url, err, body)
	}
}

func tagNames(tags []observatory.TagScore) []string {
	var out []string
	for _, t := range tags {
		out = append(out, t.Tag)
	}
	slices.Sort(out)
	return out
}

// TestEndToEnd registers a fake outlet, crawls it, and searches the result
// over real HTTP: the foundation's acceptance test.
func TestEndToEnd(t *testing.T) {
	ctx := context.Background()
	outlet := fakeOutlet(t)
	data := filepath.Join(t.TempDir(), "data")
	g := []string{"--data", data}

	code, out, errs := run(t, ctx, append(g, "sources", "add", "--name", "Diario de Prueba", "--country", "CR",
		"--medium", "print", "--homepage", outlet.URL+"/", "--feed", outlet.URL+"/feed.xml")...)
	if code != 0 {
		t.Fatalf("sources add: exit %d, stderr %s", code, errs)
	}
	if !strings.Contains(out, "cr-diario-de-prueba") {
		t.Fatalf("sources add printed %q, want the new ID", out)
	}

	// The fetcher refuses the loopback outlet unless allowed.
	code, out, _ = run(t, ctx, append(g, "crawl", "--once", "--source", "cr-diario-de-prueba")...)
	if code != 0 || !strings.Contains(out, "private or local network") || !strings.Contains(out, "indexed 0 articles") {
		t.Errorf("crawl without --allow-private-networks: exit %d, stdout %q; want the source's error to name the private network and nothing indexed", code, out)
	}
	code, out, errs = run(t, ctx, append(g, "crawl", "--once", "--source", "cr-diario-de-prueba", "--allow-private-networks", "--host-delay", "0")...)
	if code != 0 {
		t.Fatalf("crawl: exit %d\nstdout %s\nstderr %s", code, out, errs)
	}
	if !strings.Contains(out, "cr-diario-de-prueba") {
		t.Errorf("crawl summary %q does not name the source", out)
	}
	// A second cycle stores nothing new.
	code, out, errs = run(t, ctx, append(g, "--allow-private-networks", "crawl", "--once", "--source", "cr-diario-de-prueba")...)
	if code != 0 {
		t.Fatalf("second crawl: exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, "indexed 0 articles") {
		t.Errorf("second crawl: got %q, want nothing new indexed", out)
	}

	base, stop := server(t, g...)

	// A second server on the same data directory refuses within seconds.
	start := time.Now()
	code, _, errs = run(t, ctx, append(g, "serve", "--addr", "127.0.0.1:0")...)
	if code == 0 || !strings.Contains(errs, "in use by another observatory process") {
		t.Errorf("second serve: exit %d, stderr %q; want a refusal naming the lock", code, errs)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("second serve took %v to refuse", d)
	}

	var health map[string]string
	getJSON(t, base+"/healthz", http.StatusOK, &health)
	if health["status"] != "ok" {
		t.Errorf("healthz: got %v", health)
	}

	var res searchResponse
	getJSON(t, base+"/api/v1/search?q=migrantes", http.StatusOK, &res)
	if res.Total != 2 || len(res.Hits) != 2 {
		t.Fatalf("search migrantes: got %d hits (total %d), want 2: %+v", len(res.Hits), res.Total, res.Hits)
	}
	want := map[string][]string{
		outlet.URL + "/nacionales/mujeres-migrantes-cafe": {"gender", "migration"},
		outlet.URL + "/sucesos/banda-venezolanos-asaltos": {"migration", "xenophobia"},
	}
	for _, h := range res.Hits {
		tags, ok := want[h.URL]
		if !ok {
			t.Errorf("unexpected hit %s (%s)", h.URL, h.Title)
			continue
		}
		if got := tagNames(h.Tags); !slices.Equal(got, tags) {
			t.Errorf("hit %s: tags %v, want %v", h.URL, got, tags)
		}
		if len(h.Highlights) == 0 || !strings.Contains(strings.Join(h.Highlights, " "), "<mark>") {
			t.Errorf("hit %s: highlights %q, want a <mark>", h.URL, h.Highlights)
		}
		if h.Kind != "article" || h.Country != "CR" || h.Source != "cr-diario-de-prueba" {
			t.Errorf("hit %s: kind %q country %q source %q", h.URL, h.Kind, h.Country, h.Source)
		}
		if h.ID != observatory.ArticleID(h.URL) {
			t.Errorf("hit %s: id %q, want %q", h.URL, h.ID, observatory.ArticleID(h.URL))
		}
	}
	wantFacets := map[string]map[string]int{
		"country": {"CR": 2},
		"tag":     {"migration": 2, "gender": 1, "xenophobia": 1},
		"source":  {"cr-diario-de-prueba": 2},
		"month":   {"2026-11": 2},
	}
	for name, terms := range wantFacets {
		for term, n := range terms {
			if got := res.Facets[name][term]; got != n {
				t.Errorf("facet %s[%s]: got %d, want %d (all: %v)", name, term, got, n, res.Facets[name])
			}
		}
	}

	// Everything: the football match is stored and carries no tag.
	getJSON(t, base+"/api/v1/search", http.StatusOK, &res)
	if res.Total != 3 {
		t.Errorf("empty query: total %d, want 3", res.Total)
	}
	for _, h := range res.Hits {
		if strings.Contains(h.URL, "clasico") && len(h.Tags) != 0 {
			t.Errorf("football match tagged %v, want no tags", tagNames(h.Tags))
		}
	}

	// Filters, and a malformed query answered 400 in JSON.
	getJSON(t, base+"/api/v1/search?q=migrantes&tag=xenophobia", http.StatusOK, &res)
	if res.Total != 1 {
		t.Errorf("tag filter: total %d, want 1", res.Total)
	}
	var apiErr map[string]any
	getJSON(t, base+"/api/v1/search?q=%22unterminated", http.StatusBadRequest, &apiErr)
	if apiErr["error"] == "" {
		t.Errorf("malformed query: got %v, want an error message", apiErr)
	}
	getJSON(t, base+"/api/v1/search?country=MX&page=0", http.StatusBadRequest, &apiErr)

	// The search page shows the hits, their tags and highlights.
	resp, err := http.Get(base + "/?q=migrantes")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, s := range []string{"Mujeres migrantes nicaragüenses", "Capturan a banda", "<mark>", "Xenofobia", "Diario de Prueba"} {
		if !bytes.Contains(page, []byte(s)) {
			t.Errorf("search page lacks %q", s)
		}
	}

	// The help page documents the query syntax in Spanish, rendered.
	resp, err = http.Get(base + "/ayuda")
	if err != nil {
		t.Fatal(err)
	}
	help, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, s := range []string{"Cómo buscar", "<table>", "<code>&quot;trata de personas&quot;</code>", "pais:CR"} {
		if !bytes.Contains(help, []byte(s)) {
			t.Errorf("/ayuda lacks %q", s)
		}
	}

	// Prometheus metrics: what the store holds and the requests served.
	resp, err = http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, s := range []string{"observatory_articles 3", "observatory_index_pending 0", "observatory_index_documents 3",
		`observatory_http_requests_total{code="200",route="GET /api/v1/search"}`, `observatory_http_requests_total{code="400",route="GET /api/v1/search"}`} {
		if !bytes.Contains(metrics, []byte(s)) {
			t.Errorf("/metrics lacks %q", s)
		}
	}

	if code := stop(); code != 0 {
		t.Errorf("serve exit code after shutdown: got %d, want 0", code)
	}
}
