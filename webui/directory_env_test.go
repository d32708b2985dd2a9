package webui_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"observatory"
)

// fakeOutlet serves testdata/outlets/<site>: "/" is index.html, any other
// path the file of that name; .xml files as RSS unless the site is
// "broken", whose feed is a web page.
func fakeOutlet(t *testing.T, site string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.Trim(r.URL.Path, "/")
		if name == "" {
			name = "index.html"
		}
		if strings.Contains(name, "/") {
			http.NotFound(w, r)
			return
		}
		data, err := os.ReadFile(filepath.Join("testdata", "outlets", site, name))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		switch {
		case path.Ext(name) == ".xml" && site != "broken":
			w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		default:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		}
		_, _ = w.Write(data)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// page GETs path and returns the status and body.
func (e *env) page(c *http.Client, p string) (int, string) {
	e.t.Helper()
	resp, body := e.do(c, "GET", p, "")
	return resp.StatusCode, body
}

// post sends a form and returns the response and its body.
func (e *env) post(c *http.Client, p string, v url.Values) (*http.Response, string) {
	e.t.Helper()
	req, err := http.NewRequest("POST", e.srv.URL+p, strings.NewReader(v.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return e.send(c, req)
}

// upload posts a file in a multipart form with the other fields.
func (e *env) upload(c *http.Client, p, filename string, data []byte, fields url.Values) (*http.Response, string) {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		e.t.Fatal(err)
	}
	_, _ = fw.Write(data)
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	mw.Close()
	req, err := http.NewRequest("POST", e.srv.URL+p, &buf)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return e.send(c, req)
}

func (e *env) send(c *http.Client, req *http.Request) (*http.Response, string) {
	e.t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return resp, b.String()
}

// addSource stores a source directly.
func (e *env) addSource(s observatory.Source) observatory.Source {
	e.t.Helper()
	if err := e.db.CreateSource(context.Background(), &s, "test"); err != nil {
		e.t.Fatal(err)
	}
	return s
}

// addActor stores an actor directly.
func (e *env) addActor(a observatory.Actor) observatory.Actor {
	e.t.Helper()
	if err := e.db.CreateActor(context.Background(), &a, "test"); err != nil {
		e.t.Fatal(err)
	}
	return a
}

// sourceForm is a complete, valid source form.
func sourceForm(name, country, home string) url.Values {
	return url.Values{"name": {name}, "country": {country}, "medium": {"online"}, "homepage": {home},
		"feeds": {home + "feed/"}, "languages": {"es"}, "active": {"1"}}
}
