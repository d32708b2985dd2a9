package crawler

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"observatory"
	"observatory/store"
)

// outlet is a fake news site: an httptest server serving the files of a
// testdata folder, with {{BASE}} replaced by its own URL, and handlers
// that tests add for special paths. It counts requests per path.
type outlet struct {
	*httptest.Server
	t        testing.TB
	dir      string
	mu       sync.Mutex
	hits     map[string]int
	handlers map[string]http.HandlerFunc
}

func newOutlet(t testing.TB, dir string) *outlet {
	t.Helper()
	o := &outlet{t: t, dir: dir, hits: make(map[string]int), handlers: make(map[string]http.HandlerFunc)}
	o.Server = httptest.NewServer(http.HandlerFunc(o.serve))
	t.Cleanup(o.Close)
	return o
}

func (o *outlet) handle(p string, h http.HandlerFunc) {
	o.mu.Lock()
	o.handlers[p] = h
	o.mu.Unlock()
}

func (o *outlet) count(p string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.hits[p]
}

func (o *outlet) serve(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	o.hits[r.URL.Path]++
	h := o.handlers[r.URL.Path]
	if h == nil {
		for p, ph := range o.handlers { // "/art/" handles every path below it
			if strings.HasSuffix(p, "/") && strings.HasPrefix(r.URL.Path, p) {
				h = ph
			}
		}
	}
	o.mu.Unlock()
	if h != nil {
		h(w, r)
		return
	}
	if o.dir == "" {
		http.NotFound(w, r)
		return
	}
	name := path.Base(r.URL.Path)
	if name == "/" || name == "." {
		name = "index.html"
	}
	file := filepath.Join(o.dir, name)
	if _, err := os.Stat(file); err != nil {
		file += ".html"
	}
	b, err := os.ReadFile(file)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	b = []byte(strings.ReplaceAll(string(b), "{{BASE}}", o.URL))
	switch {
	case strings.HasSuffix(file, ".xml"):
		w.Header().Set("Content-Type", "application/rss+xml")
	case strings.HasSuffix(file, ".html"):
		w.Header().Set("Content-Type", "text/html")
	}
	w.Write(b)
}

// openStore opens a real store in a temporary directory.
func openStore(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "observatory.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// addSource registers a source reading the given feeds. The homepage is
// made up from the name: the store wants one per outlet, and all fake
// outlets share 127.0.0.1.
func addSource(t testing.TB, db *store.DB, name string, feeds ...string) *observatory.Source {
	t.Helper()
	home := "https://" + observatory.Slug(name) + ".example/"
	s := &observatory.Source{Name: name, Country: "CR", Medium: observatory.MediumOnline, Homepage: home,
		Feeds: feeds, Active: true, Languages: []string{"es"}}
	if err := db.CreateSource(context.Background(), s, "test"); err != nil {
		t.Fatal(err)
	}
	return s
}

// testConfig is a Config for tests: private networks allowed, no host
// delay, short timeouts.
func testConfig(db Store) Config {
	return Config{
		Store:                db,
		AllowPrivateNetworks: true,
		HostDelay:            -1,
		ConnectTimeout:       2 * time.Second,
		HeaderTimeout:        2 * time.Second,
		FetchTimeout:         3 * time.Second,
	}
}

func newCrawler(t testing.TB, cfg Config) *Crawler {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
