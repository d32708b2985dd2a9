package webui_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"observatory"
	"observatory/index"
	"observatory/store"
	"observatory/webui"
)

// env is a server on real HTTP over a real store and a real index.
type env struct {
	t   *testing.T
	db  *store.DB
	ix  *index.Index
	srv *httptest.Server
	clk *clock
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

const testPassword = "a long test password"

func newEnv(t *testing.T, policy observatory.Policy) *env {
	t.Helper()
	return newEnvWith(t, policy, nil)
}

// newEnvWith is newEnv with a chance to change the server's configuration.
func newEnvWith(t *testing.T, policy observatory.Policy, change func(*webui.Config)) *env {
	t.Helper()
	dir := t.TempDir()
	clk := &clock{t: time.Now().UTC()}
	db, err := store.Open(filepath.Join(dir, "observatory.db"), store.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.Open(filepath.Join(dir, "index"), index.Config{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := webui.Config{Search: ix, Store: db, Accounts: db, Policy: policy,
		Logger: slog.New(slog.DiscardHandler), Now: clk.Now, SessionIdle: 2 * time.Hour, SessionTTL: 24 * time.Hour,
		// The fake outlets are on loopback: a plain client here, the
		// crawler's guarded one in production.
		HTTPClient: &http.Client{Timeout: 10 * time.Second}}
	if change != nil {
		change(&cfg)
	}
	s, err := webui.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		srv.Close()
		ix.Close()
		db.Close()
	})
	e := &env{t: t, db: db, ix: ix, srv: srv, clk: clk}
	ctx := context.Background()
	for _, u := range []observatory.User{
		{Name: "admin", Role: observatory.RoleAdmin},
		{Name: "analyst", Role: observatory.RoleAnalyst},
		{Name: "coord-cr", Role: observatory.RoleCoordinator, Countries: []string{"CR"}},
		{Name: "coord-ni", Role: observatory.RoleCoordinator, Countries: []string{"NI"}},
	} {
		if err := db.CreateUser(ctx, &u, testPassword); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// addArticle stores and indexes an article.
func (e *env) addArticle(a observatory.Article) observatory.Article {
	e.t.Helper()
	a.ID = observatory.ArticleID(a.URL)
	ctx := context.Background()
	if _, err := e.db.SaveArticle(ctx, &a); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.ix.CatchUp(ctx, e.db); err != nil {
		e.t.Fatal(err)
	}
	return a
}

// client returns an HTTP client with its own cookie jar that does not
// follow redirects, so tests see them.
func (e *env) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// login signs name in and returns the client holding the session.
func (e *env) login(name string) *http.Client {
	e.t.Helper()
	c := e.client()
	resp := e.postForm(c, "/login", url.Values{"name": {name}, "password": {testPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("login %s: status %d, want 303", name, resp.StatusCode)
	}
	return c
}

func (e *env) postForm(c *http.Client, path string, v url.Values) *http.Response {
	e.t.Helper()
	resp, err := c.PostForm(e.srv.URL+path, v)
	if err != nil {
		e.t.Fatal(err)
	}
	drain(resp)
	return resp
}

// do sends a request and returns the response with its body read.
func (e *env) do(c *http.Client, method, path, body string, header ...string) (*http.Response, string) {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

func decode(t *testing.T, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("decoding %q: %v", body, err)
	}
}
