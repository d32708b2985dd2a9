package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"golang.org/x/net/html"

	"observatory"
)

// hostileOutlet serves testdata/hostile: a feed and a page whose titles,
// authors and bodies carry script, event handlers and javascript: links.
func hostileOutlet(t *testing.T) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var name string
		switch r.URL.Path {
		case "/feed.xml":
			name = "feed.xml"
			w.Header().Set("Content-Type", "application/rss+xml")
		case "/nota-hostil":
			name = "nota-hostil.html"
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		default:
			http.NotFound(w, r)
			return
		}
		data, err := os.ReadFile(filepath.Join("testdata", "hostile", name))
		if err != nil {
			t.Error(err)
			return
		}
		_, _ = w.Write(bytes.ReplaceAll(data, []byte("{{BASE}}"), []byte(srv.URL)))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestHostileContentInert crawls an outlet whose feed and page try to
// inject script, then loads every page that shows the article in a real
// browser: no script may run, no element with an event handler may exist,
// and the HTML the server sends carries the payload only escaped.
func TestHostileContentInert(t *testing.T) {
	ctx := context.Background()
	outlet := hostileOutlet(t)
	data := filepath.Join(t.TempDir(), "data")
	g := []string{"--data", data, "--allow-private-networks"}
	if code, _, errs := run(t, ctx, append(g, "sources", "add", "--name", "Medio Hostil", "--country", "GT", "--medium", "online",
		"--homepage", outlet.URL+"/", "--feed", outlet.URL+"/feed.xml")...); code != 0 {
		t.Fatalf("sources add: %s", errs)
	}
	code, out, errs := run(t, ctx, append(g, "crawl", "--once", "--source", "gt-medio-hostil", "--host-delay", "0")...)
	if code != 0 || !strings.Contains(out, "indexed 1 articles") {
		t.Fatalf("crawl: exit %d\n%s\n%s", code, out, errs)
	}
	base, stop := server(t, g...)
	defer stop()

	id := observatory.ArticleID(outlet.URL + "/nota-hostil")
	pages := []string{"/?q=migrantes", "/?q=abusos&lang=en", "/articles/" + id, "/?q=" + "%3Cscript%3E"}
	for _, p := range pages {
		resp, err := http.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, bad := range activeContent(t, body) {
			t.Errorf("%s: the HTML has active content from the outlet: %s", p, bad)
		}
		if !strings.Contains(p, "%3C") && !bytes.Contains(body, []byte("&lt;script&gt;window.__xss=1&lt;/script&gt;")) {
			t.Errorf("%s: the payload should be shown escaped, as text", p)
		}
	}

	bctx := browser(t)
	for _, p := range pages {
		if err := chromedp.Do(bctx, chromedp.Navigate(base+p), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		xss, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`window.__xss !== undefined`))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		scripts, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll('script').length`))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		handlers, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll('[onerror],[onclick],[onload],img,iframe,a[href^="javascript"]').length`))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		text, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("main")))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if xss || scripts != 0 || handlers != 0 {
			t.Errorf("%s in the browser: payload ran %v, %d script elements, %d elements with handlers or javascript: links", p, xss, scripts, handlers)
		}
		if strings.HasPrefix(p, "/articles/") && !strings.Contains(text, "<script>window.__xss=1</script>") {
			t.Errorf("%s: the title's text should show the payload as inert text; main text: %.300s", p, text)
		}
	}
}

// activeContent parses a page and lists what could run: script, iframe,
// object and img elements, on* attributes, and javascript: URLs. The
// observatory's own pages have none of these.
func activeContent(t *testing.T, page []byte) []string {
	t.Helper()
	var found []string
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				t.Fatalf("parsing the page: %v", z.Err())
			}
			return found
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		switch tok.Data {
		case "script", "iframe", "object", "embed", "img":
			found = append(found, "<"+tok.Data+">")
		}
		for _, a := range tok.Attr {
			if strings.HasPrefix(a.Key, "on") || strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
				found = append(found, tok.Data+" "+a.Key+"="+a.Val)
			}
		}
	}
}
