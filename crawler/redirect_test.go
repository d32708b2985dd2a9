package crawler

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
)

// redirectTo makes o answer p with a redirect to target.
func redirectTo(o *outlet, p, target string) {
	o.handle(p, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target, http.StatusFound)
	})
}

// robotsTxt makes o serve body as its robots.txt.
func robotsTxt(o *outlet, body string) {
	o.handle("/robots.txt", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, body) })
}

// A redirect to another host is checked against that host's robots.txt,
// fetched then if it is not cached, before anything there is requested.
func TestRedirectToAnotherHostHonoursItsRobots(t *testing.T) {
	a, b := newOutlet(t, ""), newOutlet(t, "")
	robotsTxt(b, "User-agent: *\nDisallow: /privado/\n")
	redirectTo(a, "/feed.xml", b.URL+"/privado/feed.xml")
	redirectTo(a, "/abierto.xml", b.URL+"/feed.xml")
	b.handle("/feed.xml", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<rss/>") })
	c := newCrawler(t, testConfig(openStore(t)))
	ctx := context.Background()

	_, err := c.fetch(ctx, a.URL+"/feed.xml", nil, "")
	if !errors.Is(err, ErrRobots) {
		t.Fatalf("redirect to a disallowed path: got %v, want ErrRobots", err)
	}
	if n := b.count("/privado/feed.xml"); n != 0 {
		t.Errorf("the disallowed path was requested %d times", n)
	}

	p, err := c.fetch(ctx, a.URL+"/abierto.xml", nil, "")
	if err != nil {
		t.Fatalf("redirect to an allowed path: %v", err)
	}
	if p.URL != b.URL+"/feed.xml" || string(p.Body) != "<rss/>" {
		t.Errorf("got %s %q, want the target's feed", p.URL, p.Body)
	}
	if n := b.count("/robots.txt"); n != 1 {
		t.Errorf("the target's robots.txt was fetched %d times, want once (cached)", n)
	}
}

// Redirects that bounce between hosts count toward one limit, however
// many times fetch had to follow them itself.
func TestRedirectLoopAcrossHosts(t *testing.T) {
	a, b := newOutlet(t, ""), newOutlet(t, "")
	redirectTo(a, "/feed.xml", b.URL+"/feed.xml")
	redirectTo(b, "/feed.xml", a.URL+"/feed.xml")
	c := newCrawler(t, testConfig(openStore(t)))
	_, err := c.fetch(context.Background(), a.URL+"/feed.xml", nil, "")
	if !errors.Is(err, ErrTooManyRedirects) {
		t.Fatalf("got %v, want ErrTooManyRedirects", err)
	}
	if n := a.count("/feed.xml") + b.count("/feed.xml"); n != c.cfg.MaxRedirects+1 {
		t.Errorf("%d requests, want %d (the first and %d redirects)", n, c.cfg.MaxRedirects+1, c.cfg.MaxRedirects)
	}
}

// A robots.txt that itself redirects to a third host is followed there
// (RFC 9309 §2.3.1.2), also when a page's redirect led to it.
func TestRobotsRedirectDuringPageRedirect(t *testing.T) {
	a, b, r := newOutlet(t, ""), newOutlet(t, ""), newOutlet(t, "")
	redirectTo(a, "/feed.xml", b.URL+"/x/feed.xml")
	redirectTo(b, "/robots.txt", r.URL+"/robots.txt")
	robotsTxt(r, "User-agent: *\nDisallow: /x/\n")
	c := newCrawler(t, testConfig(openStore(t)))
	_, err := c.fetch(context.Background(), a.URL+"/feed.xml", nil, "")
	if !errors.Is(err, ErrRobots) {
		t.Fatalf("got %v, want ErrRobots from the redirected robots.txt", err)
	}
	if n := b.count("/x/feed.xml"); n != 0 {
		t.Errorf("the disallowed path was requested %d times", n)
	}
}
