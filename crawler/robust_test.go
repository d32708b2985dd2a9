package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"observatory"
)

var (
	bombOnce sync.Once
	bomb     []byte
)

// gzipBomb is 64 MiB of zeros compressed to about 64 KiB.
func gzipBomb() []byte {
	bombOnce.Do(func() {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zero := make([]byte, 1<<20)
		for range 64 {
			zw.Write(zero)
		}
		zw.Close()
		bomb = buf.Bytes()
	})
	return bomb
}

// hostile outlets: each breaks one rule of the web; a good outlet crawled
// in the same cycle must be unaffected and nothing stored may be lost.
type hostileCase struct {
	name  string
	dir   string // testdata folder the outlet serves; "" serves nothing but its handlers
	setup func(o *outlet)
	// check runs after each of two cycles (run is 1 or 2).
	check func(t *testing.T, run int, o *outlet, sum Summary, h observatory.SourceHealth)
}

func hostileCases() []hostileCase {
	wantFailure := func(words string) func(t *testing.T, run int, o *outlet, sum Summary, h observatory.SourceHealth) {
		return func(t *testing.T, run int, o *outlet, sum Summary, h observatory.SourceHealth) {
			if sum.New != 0 || !strings.Contains(h.LastError, words) || h.ConsecutiveFailures != run {
				t.Errorf("run %d: got new %d, failures %d, error %q; want 0 new, %d failures, an error saying %q",
					run, sum.New, h.ConsecutiveFailures, h.LastError, run, words)
			}
		}
	}
	return []hostileCase{
		{
			name: "feed that hangs",
			setup: func(o *outlet) {
				o.handle("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
					<-r.Context().Done() // never answers
				})

			},
			check: wantFailure("did not answer in time"),
		},
		{
			name: "500",
			setup: func(o *outlet) {
				o.handle("/feed.xml", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) })
			},
			check: func(t *testing.T, run int, o *outlet, sum Summary, h observatory.SourceHealth) {
				wantFailure("HTTP 500")(t, run, o, sum, h)
				// Exponential backoff: 15 min after one failure, 30 after two.
				want := time.Duration(run) * 15 * time.Minute
				if got := h.NextAttempt.Sub(h.LastAttempt); got < want-time.Second || got > want+time.Second {
					t.Errorf("run %d: backoff %v, want %v", run, got, want)
				}
			},
		},
		{
			name: "429 with Retry-After",
			setup: func(o *outlet) {
				o.handle("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Retry-After", "3600")
					http.Error(w, "slow down", http.StatusTooManyRequests)
				})
			},
			check: func(t *testing.T, run int, o *outlet, sum Summary, h observatory.SourceHealth) {
				wantFailure("HTTP 429")(t, run, o, sum, h)
				if got := h.NextAttempt.Sub(h.LastAttempt); got < time.Hour-time.Second || got > time.Hour+time.Second {
					t.Errorf("run %d: next attempt in %v, want the hour Retry-After asked", run, got)
				}
			},
		},
		{
			name: "redirect loop",
			setup: func(o *outlet) {
				o.handle("/feed.xml", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
				o.handle("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/feed.xml", http.StatusFound) })
			},
			check: func(t *testing.T, run int, o *outlet, sum Summary, h observatory.SourceHealth) {
				wantFailure("too many redirects")(t, run, o, sum, h)
				if n := o.count("/feed.xml") + o.count("/loop"); n != 6*run {
					t.Errorf("run %d: %d requests in the loop, want %d (the first and 5 redirects per run)", run, n, 6*run)
				}
			},
		},
		{
			name: "1 GiB body",
			setup: func(o *outlet) {
				o.handle("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/rss+xml")
					chunk := bytes.Repeat([]byte("<item>"), 64<<10/6)
					for sent := 0; sent < 1<<30; sent += len(chunk) {
						if _, err := w.Write(chunk); err != nil {
							return // the client gave up: good
						}
					}
				})
			},
			check: wantFailure("too large"),
		},
		{
			name: "gzip bomb",
			setup: func(o *outlet) {
				gzipBomb() // compress before the clock runs
				o.handle("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/rss+xml")
					w.Header().Set("Content-Encoding", "gzip")
					w.Write(gzipBomb())
				})
			},
			check: wantFailure("too large"),
		},
		{
			name: "malformed XML",
			setup: func(o *outlet) {
				o.handle("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/rss+xml")
					w.Write([]byte("<<<this is <not xml & never was"))
				})
			},
			check: wantFailure("not a valid RSS/Atom feed"),
		},
		{
			name: "Windows-1252 feed and page",
			dir:  "testdata/win1252",
			check: func(t *testing.T, run int, o *outlet, sum Summary, h observatory.SourceHealth) {
				if run == 1 && sum.New != 1 {
					t.Errorf("run 1: got %d new, want 1 (%s)", sum.New, sum.Err)
				}
			},
		},
		{
			name: "robots.txt disallows",
			dir:  "testdata/outlet",
			setup: func(o *outlet) {
				o.handle("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
					fmt.Fprint(w, "User-agent: *\nDisallow: /\n")
				})
			},
			check: func(t *testing.T, run int, o *outlet, sum Summary, h observatory.SourceHealth) {
				wantFailure("robots.txt")(t, run, o, sum, h)
				if n := o.count("/feed.xml"); n != 0 {
					t.Errorf("run %d: the disallowed feed was fetched %d times", run, n)
				}
				if n := o.count("/robots.txt"); n != 1 {
					t.Errorf("run %d: robots.txt fetched %d times, want once (cached)", run, n)
				}
			},
		},
		{
			name: "GUIDs change on every fetch",
			dir:  "testdata/outlet",
			setup: func(o *outlet) {
				var n atomic.Int64
				feed := readFile(o.t, "testdata/outlet/feed.xml")
				o.handle("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
					v := n.Add(1)
					body := strings.ReplaceAll(feed, "{{BASE}}/?p=", fmt.Sprintf("{{BASE}}/?fetch=%d&p=", v))
					w.Header().Set("Content-Type", "application/rss+xml")
					w.Write([]byte(strings.ReplaceAll(body, "{{BASE}}", o.URL)))
				})
			},
			check: func(t *testing.T, run int, o *outlet, sum Summary, h observatory.SourceHealth) {
				if want := map[int]int{1: 3, 2: 0}[run]; sum.New != want || sum.Err != "" {
					t.Errorf("run %d: got %d new (%s), want %d", run, sum.New, sum.Err, want)
				}
				if n := o.count("/deportes/clasico-saprissa-alajuelense"); n != 1 {
					t.Errorf("run %d: a page was fetched %d times, want once", run, n)
				}
			},
		},
		{
			name: "unchanged feed answered 304",
			dir:  "testdata/outlet",
			setup: func(o *outlet) {
				feed := readFile(o.t, "testdata/outlet/feed.xml")
				o.handle("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
					if r.Header.Get("If-None-Match") == `"v1"` {
						w.WriteHeader(http.StatusNotModified)
						o.mu.Lock()
						o.hits["304"]++
						o.mu.Unlock()
						return
					}
					w.Header().Set("ETag", `"v1"`)
					w.Header().Set("Content-Type", "application/rss+xml")
					w.Write([]byte(strings.ReplaceAll(feed, "{{BASE}}", o.URL)))
				})
			},
			check: func(t *testing.T, run int, o *outlet, sum Summary, h observatory.SourceHealth) {
				if want := map[int]int{1: 3, 2: 0}[run]; sum.New != want || sum.Err != "" || h.ConsecutiveFailures != 0 {
					t.Errorf("run %d: got %d new, failures %d (%s), want %d and none", run, sum.New, h.ConsecutiveFailures, sum.Err, want)
				}
				if got := o.count("304"); got != run-1 {
					t.Errorf("run %d: got %d answers 304, want %d", run, got, run-1)
				}
				if o.count("/sucesos/banda-venezolanos-asaltos") != 1 {
					t.Errorf("run %d: page fetched again", run)
				}
			},
		},
	}
}

func readFile(t testing.TB, name string) string {
	t.Helper()
	return string(mustRead(t, name))
}

// TestHostileOutlets crawls a good outlet alongside outlets that hang,
// fail, throttle, loop, flood, bomb, garble, forbid, churn or stay
// unchanged, twice, and checks each outcome and that nothing is lost.
func TestHostileOutlets(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	good := newOutlet(t, "testdata/outlet")
	goodSrc := addSource(t, db, "Buen Diario", good.URL+"/feed.xml")
	cases := hostileCases()
	outlets := make([]*outlet, len(cases))
	srcs := make([]*observatory.Source, len(cases))
	for i, tc := range cases {
		o := newOutlet(t, tc.dir)
		if tc.setup != nil {
			tc.setup(o)
		}
		outlets[i] = o
		srcs[i] = addSource(t, db, tc.name, o.URL+"/feed.xml")
	}
	cfg := testConfig(db)
	// Short enough to keep the test quick, long enough for 10 MiB bodies
	// under the race detector on a loaded machine.
	cfg.HeaderTimeout = time.Second
	cfg.FetchTimeout = 4 * time.Second
	cfg.Concurrency = len(cases) + 1
	c := newCrawler(t, cfg)

	var before []observatory.Article
	for run := 1; run <= 2; run++ {
		start := time.Now()
		sums, err := c.RunOnce(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("run %d took %v: a hostile outlet held up the cycle", run, d)
		}
		byID := make(map[string]Summary)
		for _, s := range sums {
			byID[s.SourceID] = s
		}
		if g := byID[goodSrc.ID]; g.New != map[int]int{1: 3, 2: 0}[run] || g.Err != "" {
			t.Errorf("run %d: good outlet got %+v, want its articles collected", run, g)
		}
		for i, tc := range cases {
			h, err := db.Health(ctx, srcs[i].ID)
			if err != nil {
				t.Fatal(err)
			}
			t.Run(fmt.Sprintf("%s/run%d", tc.name, run), func(t *testing.T) {
				tc.check(t, run, outlets[i], byID[srcs[i].ID], h)
			})
		}
		var all []observatory.Article
		db.ForEachArticle(ctx, 100, func(a []observatory.Article) error { all = append(all, a...); return nil })
		if run == 2 && len(all) != len(before) {
			t.Errorf("articles: %d after the second run, %d after the first: want none lost or added", len(all), len(before))
		}
		before = all
	}

	// The Windows-1252 page and feed came out as UTF-8, accents intact.
	var latin *observatory.Article
	for i := range before {
		if before[i].SourceName == "Windows-1252 feed and page" {
			latin = &before[i]
		}
	}
	if latin == nil {
		t.Fatal("the Windows-1252 article was not stored")
	}
	for _, want := range []string{"¿Qué pasa con la niñez migrante en la frontera?"} {
		if latin.Title != want {
			t.Errorf("title: got %q, want %q", latin.Title, want)
		}
	}
	for _, want := range []string{"“Salen huyendo de la violencia y de la pobreza”", "niñas y niños salvadoreños", "¿Quién los protege"} {
		if !strings.Contains(latin.Text, want) {
			t.Errorf("text: got %q, want it to contain %q", latin.Text, want)
		}
	}
	if latin.Summary != "Cientos de niñas y niños viajan solos hacia el norte." || strings.Join(latin.Authors, ",") != "José Peña" {
		t.Errorf("summary %q, authors %q: want the Latin-1 feed's description and the page's author decoded", latin.Summary, latin.Authors)
	}
}

// A run that could not read every item keeps the feed's old validators:
// the next run gets the whole feed, not a 304 that hides the items left
// behind.
func TestValidatorsWaitForCompleteRun(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	o := newOutlet(t, "testdata/outlet")
	feed := readFile(t, "testdata/outlet/feed.xml")
	o.handle("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Write([]byte(strings.ReplaceAll(feed, "{{BASE}}", o.URL)))
	})
	var failing atomic.Bool
	failing.Store(true)
	page := readFile(t, "testdata/outlet/clasico-saprissa-alajuelense.html")
	o.handle("/deportes/clasico-saprissa-alajuelense", func(w http.ResponseWriter, r *http.Request) {
		if failing.Load() {
			http.Error(w, "temporarily broken", http.StatusInternalServerError)
			return
		}
		w.Write([]byte(strings.ReplaceAll(page, "{{BASE}}", o.URL)))
	})
	addSource(t, db, "Diario", o.URL+"/feed.xml")
	c := newCrawler(t, testConfig(db))
	sums, _ := c.RunOnce(ctx)
	if sums[0].New != 2 || sums[0].Failed != 1 {
		t.Fatalf("first run: got %+v, want 2 new and 1 failed", sums[0])
	}
	failing.Store(false)
	sums, _ = c.RunOnce(ctx)
	if sums[0].New != 1 {
		t.Fatalf("second run: got %+v, want the item left behind stored", sums[0])
	}
	h, _ := db.Health(ctx, sums[0].SourceID)
	if h.Feeds[o.URL+"/feed.xml"].ETag != `"v1"` {
		t.Errorf("after a complete run: ETag %q, want \"v1\"", h.Feeds[o.URL+"/feed.xml"].ETag)
	}
}

// A source announcing more new items than MaxItems gets them over several
// runs: each run fetches at most MaxItems pages and the known ones cost
// nothing the next time.
func TestMaxItemsCarriesOver(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	o := syntheticOutlet(t, 7, nil)
	addSource(t, db, "Muchas notas", o.URL+"/feed.xml")
	cfg := testConfig(db)
	cfg.MaxItems = 3
	c := newCrawler(t, cfg)
	for run, want := range []int{3, 3, 1, 0} {
		sums, err := c.RunOnce(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if sums[0].New != want || sums[0].Items != 7 {
			t.Errorf("run %d: got %d new of %d items, want %d of 7", run+1, sums[0].New, sums[0].Items, want)
		}
	}
	if n, _ := db.CountArticles(ctx); n != 7 {
		t.Errorf("got %d articles, want 7", n)
	}
}

// Conditional GET with Last-Modified alone (no ETag).
func TestLastModified(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	o := newOutlet(t, "testdata/outlet")
	feed := readFile(t, "testdata/outlet/feed.xml")
	const stamp = "Wed, 18 Nov 2026 21:15:00 GMT"
	var conditional atomic.Int64
	o.handle("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-Modified-Since") == stamp {
			conditional.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Last-Modified", stamp)
		w.Write([]byte(strings.ReplaceAll(feed, "{{BASE}}", o.URL)))
	})
	addSource(t, db, "Diario", o.URL+"/feed.xml")
	c := newCrawler(t, testConfig(db))
	for run := 1; run <= 2; run++ {
		if _, err := c.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := conditional.Load(); got != 1 {
		t.Errorf("got %d answers 304 to If-Modified-Since, want 1 (the second run)", got)
	}
}
