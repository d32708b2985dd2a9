package crawler

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"observatory"
)

// Sitemaps and listing pages feed the same pipeline as feeds: a source
// with one of each stores the union of their articles once.
func TestSitemapAndListingSources(t *testing.T) {
	ctx := context.Background()
	o := newOutlet(t, "testdata/outlet")
	db := openStore(t)
	src := &observatory.Source{Name: "Sin feed", Country: "CR", Medium: observatory.MediumPrint, Homepage: "https://sin-feed.example/",
		Sitemaps: []string{o.URL + "/sitemap.xml"}, Listings: []observatory.Listing{{URL: o.URL + "/portada", LinkSelector: ".titular"}}, Active: true}
	if err := db.CreateSource(ctx, src, "test"); err != nil {
		t.Fatal(err)
	}
	c := newCrawler(t, testConfig(db))
	sums, err := c.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s := sums[0]; s.Items != 3 || s.New != 3 || s.Err != "" {
		t.Errorf("got %+v, want 3 items (2 from the sitemap, 1 more from the listing), all new", s)
	}
	a, err := db.Article(ctx, observatory.ArticleID(o.URL+"/nacionales/mujeres-migrantes-cafe"))
	if err != nil || !a.Published.Equal(time.Date(2026, 11, 16, 20, 0, 0, 0, time.UTC)) {
		t.Errorf("sitemap article: %v, published %v; want the news:publication_date", err, a.Published)
	}
}

// One connection per host at a time, and the per-host delay between
// requests, even when several sources share the host.
func TestOneConnectionPerHost(t *testing.T) {
	ctx := context.Background()
	o := newOutlet(t, "testdata/outlet")
	var mu sync.Mutex
	inFlight, most := 0, 0
	var starts []time.Time
	wrap := o.Config.Handler
	o.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inFlight++
		most = max(most, inFlight)
		starts = append(starts, time.Now())
		mu.Unlock()
		time.Sleep(5 * time.Millisecond) // hold the connection a little, as a real server would
		wrap.ServeHTTP(w, r)
		mu.Lock()
		inFlight--
		mu.Unlock()
	})
	db := openStore(t)
	for i := range 3 {
		addSource(t, db, fmt.Sprintf("Sección %d", i), o.URL+"/feed.xml?seccion="+fmt.Sprint(i))
	}
	cfg := testConfig(db)
	cfg.HostDelay = 20 * time.Millisecond
	c := newCrawler(t, cfg)
	if _, err := c.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if most != 1 {
		t.Errorf("got %d requests in flight to one host, want 1", most)
	}
	for i := 1; i < len(starts); i++ {
		if gap := starts[i].Sub(starts[i-1]); gap < 20*time.Millisecond {
			t.Errorf("requests %d and %d only %v apart, want ≥ the 20 ms host delay", i-1, i, gap)
		}
	}
	if len(starts) < 7 {
		t.Errorf("got %d requests, want robots.txt, 3 feeds and 3 pages", len(starts))
	}
}

// A robots.txt Crawl-delay larger than the default wins, within the cap.
func TestCrawlDelay(t *testing.T) {
	o := newOutlet(t, "")
	o.handle("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nCrawl-delay: 7\nDisallow: /privado/\n")
	})
	cfg := testConfig(openStore(t))
	cfg.HostDelay = time.Second
	c := newCrawler(t, cfg)
	u, _ := url.Parse(o.URL + "/nota")
	if ok, err := c.robots.allowed(context.Background(), u); !ok || err != nil {
		t.Fatalf("allowed(/nota): got %v, %v", ok, err)
	}
	if d := c.hosts.get(u.Host).delay; d != 7*time.Second {
		t.Errorf("host delay: got %v, want the Crawl-delay of 7s", d)
	}
	u2, _ := url.Parse(o.URL + "/privado/x")
	if ok, _ := c.robots.allowed(context.Background(), u2); ok {
		t.Error("a disallowed path was allowed")
	}
	if n := o.count("/robots.txt"); n != 1 {
		t.Errorf("robots.txt fetched %d times, want 1", n)
	}
}

// A host that answers 429 with Retry-After is left alone by every source
// on it, not only by the one that was told.
func TestRetryAfterHoldsTheHost(t *testing.T) {
	ctx := context.Background()
	o := newOutlet(t, "testdata/outlet")
	o.handle("/a.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		http.Error(w, "too many", http.StatusTooManyRequests)
	})
	db := openStore(t)
	a := addSource(t, db, "Sección A", o.URL+"/a.xml")
	b := addSource(t, db, "Sección B", o.URL+"/feed.xml")
	c := newCrawler(t, testConfig(db))
	if sums, _ := c.RunOnce(ctx, a.ID); !strings.Contains(sums[0].Err, "HTTP 429") {
		t.Fatalf("source A: got %+v, want a 429", sums[0])
	}
	sums, _ := c.RunOnce(ctx, b.ID)
	if sums[0].New != 0 || !strings.Contains(sums[0].Err, "asked to wait") {
		t.Errorf("source B on the same host: got %+v, want it held back", sums[0])
	}
	if n := o.count("/feed.xml"); n != 0 {
		t.Errorf("the held host got %d more requests, want 0", n)
	}
	h, _ := db.Health(ctx, b.ID)
	if wait := h.NextAttempt.Sub(h.LastAttempt); wait < 110*time.Second || wait > 121*time.Second {
		t.Errorf("source B waits %v, want about the 120 s the host asked", wait)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		v    string
		want time.Duration
	}{
		{"120", 2 * time.Minute},
		{"0", 0},
		{"Fri, 20 Nov 2026 10:05:00 GMT", 5 * time.Minute},
		{"Fri, 20 Nov 2026 09:00:00 GMT", 0},
		{"soon", 0},
		{"", 0},
	} {
		if got := parseRetryAfter(tc.v, now); got != tc.want {
			t.Errorf("parseRetryAfter(%q): got %v, want %v", tc.v, got, tc.want)
		}
	}
}
