package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"

	"observatory"
	"observatory/store"
)

// TestServeLeavesNoGoroutines runs serve with scheduled crawls of a fake
// outlet, stops it while a crawl is under way, and checks that every
// goroutine it started has ended: shutdown waits for its work.
func TestServeLeavesNoGoroutines(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	outlet := fakeOutlet(t)
	target, _ := url.Parse(outlet.URL)
	fed := make(chan struct{}, 1)
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/feed.xml" {
			select {
			case fed <- struct{}{}:
			default:
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	defer front.Close()
	data := filepath.Join(t.TempDir(), "data")
	g := []string{"--data", data, "--allow-private-networks"}
	if code, _, errs := run(t, context.Background(), append(g, "sources", "add", "--name", "Diario de Prueba", "--country", "CR",
		"--medium", "print", "--homepage", front.URL+"/", "--feed", front.URL+"/feed.xml")...); code != 0 {
		t.Fatalf("sources add: exit %d, stderr %s", code, errs)
	}
	onlyFakeOutlet(t, data)
	base, stop := serverWith(t, g, "--crawl-schedule", "@every 1s", "--host-delay", "0")
	resp, err := http.Get(base + "/api/v1/search?q=migrantes")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	<-fed // a crawl has started
	if code := stop(); code != 0 {
		t.Fatalf("serve exit code %d", code)
	}
	// The fake outlets' own connections are the test's, not serve's.
	front.Close()
	outlet.Close()
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	goleak.VerifyNone(t, ignore)
}

// onlyFakeOutlet deactivates the seeded outlets of a data directory, so
// that a serve with crawls reads only the test's fake outlet and never
// the internet.
func onlyFakeOutlet(t *testing.T, data string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(filepath.Join(data, "observatory.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	srcs, err := db.Sources(ctx, observatory.SourceFilter{ActiveOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range srcs {
		if s.CreatedBy != "seed" {
			continue
		}
		s.Active = false
		if err := db.UpdateSource(ctx, &s, "test"); err != nil {
			t.Fatal(err)
		}
	}
}
