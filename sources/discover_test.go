package sources_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"observatory/sources"
)

// route is what a fake outlet answers at one address.
type route struct {
	file     string // under testdata/site
	body     string // when there is no file
	ctype    string
	status   int    // 200 when zero
	location string // for redirects
}

// fakeOutlet serves routes by request URI (path and query), then by path;
// anything else is 404. It records the paths asked for.
type fakeOutlet struct {
	*httptest.Server
	mu    sync.Mutex
	asked []string
}

func newOutlet(t *testing.T, routes map[string]route) *fakeOutlet {
	t.Helper()
	o := &fakeOutlet{}
	o.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		o.asked = append(o.asked, r.URL.RequestURI())
		o.mu.Unlock()
		rt, ok := routes[r.URL.RequestURI()]
		if !ok {
			rt, ok = routes[r.URL.Path]
		}
		if !ok {
			http.NotFound(w, r)
			return
		}
		body := []byte(rt.body)
		if rt.file != "" {
			var err error
			if body, err = os.ReadFile("testdata/site/" + rt.file); err != nil {
				t.Error(err)
			}
		}
		if rt.ctype != "" {
			w.Header().Set("Content-Type", rt.ctype)
		}
		if rt.location != "" {
			w.Header().Set("Location", rt.location)
		}
		if rt.status != 0 {
			w.WriteHeader(rt.status)
		}
		w.Write(body)
	}))
	t.Cleanup(o.Close)
	return o
}

func (o *fakeOutlet) requests() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.asked)
}

const (
	rssType  = "application/rss+xml; charset=utf-8"
	atomType = "application/atom+xml"
	htmlType = "text/html; charset=utf-8"
)

func TestDiscover(t *testing.T) {
	tests := []struct {
		name   string
		routes map[string]route
		want   []sources.Feed // URLs relative to the outlet
		// noProbe: the usual paths must not be tried
		noProbe bool
	}{
		{
			name: "link tags, comment feed and oEmbed left out",
			routes: map[string]route{
				"/":               {file: "index.html", ctype: htmlType},
				"/feed/":          {file: "feed.xml", ctype: rssType},
				"/comments/feed/": {file: "feed.xml", ctype: rssType},
				"/atom.xml":       {file: "atom.xml", ctype: atomType},
				"/rss.xml":        {file: "feed.xml", ctype: rssType},
			},
			want: []sources.Feed{
				{URL: "/feed/", Title: "Diario de Prueba", Kind: "rss", Items: 3, Found: "link"},
				{URL: "/atom.xml", Title: "Diario de Prueba (Atom)", Kind: "atom", Items: 1, Found: "link"},
			},
			noProbe: true,
		},
		{
			name: "no link tags: usual paths, a soft 404 page is not a feed",
			routes: map[string]route{
				"/":        {file: "plain.html", ctype: "text/html"},
				"/feed/":   {file: "notfeed.html", ctype: htmlType},
				"/rss.xml": {file: "latin1.xml", ctype: "text/xml"},
			},
			want: []sources.Feed{{URL: "/rss.xml", Title: "Radio de Prueba: información", Kind: "rss", Items: 2, Found: "path"}},
		},
		{
			name: "announced feed gone, Arc XP feed found, redirect followed and not repeated",
			routes: map[string]route{
				"/":                                      {file: "broken-link.html", ctype: htmlType},
				"/arc/outboundfeeds/rss/?outputType=xml": {file: "feed.xml", ctype: rssType},
				"/feed":                                  {status: http.StatusMovedPermanently, location: "/arc/outboundfeeds/rss/?outputType=xml"},
			},
			want: []sources.Feed{{URL: "/arc/outboundfeeds/rss/?outputType=xml", Title: "Diario de Prueba", Kind: "rss", Items: 3, Found: "path"}},
		},
		{
			name:   "no feed anywhere",
			routes: map[string]route{"/": {file: "notfeed.html", ctype: htmlType}},
			want:   []sources.Feed{},
		},
		{
			name:   "the homepage given is a feed",
			routes: map[string]route{"/": {file: "atom.xml", ctype: atomType}},
			want:   []sources.Feed{{URL: "/", Title: "Diario de Prueba (Atom)", Kind: "atom", Items: 1, Found: "homepage"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newOutlet(t, tt.routes)
			got, err := sources.Discover(context.Background(), o.Client(), o.URL+"/")
			if err != nil {
				t.Fatalf("Discover: %v", err)
			}
			want := slices.Clone(tt.want)
			for i := range want {
				want[i].URL = o.URL + want[i].URL
			}
			if !slices.Equal(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
			if got == nil {
				t.Errorf("got nil, want an empty list")
			}
			if tt.noProbe {
				for _, p := range o.requests() {
					if p == "/rss.xml" || p == "/comments/feed/" {
						t.Errorf("asked for %s although the homepage announced its feeds", p)
					}
				}
			}
			if n := len(o.requests()); n > 13 {
				t.Errorf("%d requests to one site, want at most 13", n)
			}
		})
	}
}

func TestDiscoverHomepageFails(t *testing.T) {
	o := newOutlet(t, map[string]route{"/": {status: http.StatusForbidden, body: "denied"}})
	_, err := sources.Discover(context.Background(), o.Client(), o.URL+"/")
	var fe *sources.FetchError
	if !errors.As(err, &fe) || fe.Status != http.StatusForbidden || !strings.HasPrefix(fe.Reason, "acceso denegado") {
		t.Errorf("Discover = %v, want a FetchError for 403 in Spanish first", err)
	}
}

func TestFeedPreview(t *testing.T) {
	o := newOutlet(t, map[string]route{
		"/feed/":               {file: "feed.xml", ctype: rssType},
		"/old":                 {status: http.StatusMovedPermanently, location: "/feed/"},
		"/latin1":              {file: "latin1.xml", ctype: "application/rss+xml; charset=ISO-8859-1"},
		"/latin1-undeclared":   {file: "latin1.xml", ctype: "application/xml"},
		"/latin1-declared":     {file: "latin1-declared.xml", ctype: "text/xml"},
		"/latin1-lying-header": {file: "latin1.xml", ctype: "text/xml; charset=utf-8"},
		"/utf16":               {file: "utf16.xml", ctype: "text/xml"},
		"/empty-feed":          {body: `<rss version="2.0"><channel><title>Vacío</title></channel></rss>`, ctype: rssType},
	})
	ctx := context.Background()

	p, err := sources.TestFeed(ctx, o.Client(), o.URL+"/feed/")
	if err != nil {
		t.Fatal(err)
	}
	wantItems := []sources.PreviewItem{
		{Title: "Mujeres migrantes sostienen la cosecha de café", URL: "https://diario.example/2026/11/mujeres-migrantes-cafe/", Published: time.Date(2026, 11, 16, 20, 0, 0, 0, time.UTC)},
		{Title: "Niñez migrante en la frontera sur", URL: "https://diario.example/2026/11/ninez-migrante/", Published: time.Date(2026, 11, 17, 15, 30, 0, 0, time.UTC)},
		{Title: "Resultados de la jornada de fútbol", URL: "https://diario.example/2026/11/futbol/", Published: time.Date(2026, 11, 16, 2, 0, 0, 0, time.UTC)},
	}
	if !slices.Equal(p.Items, wantItems) {
		t.Errorf("items\n got %+v\nwant %+v", p.Items, wantItems)
	}
	if p.Title != "Diario de Prueba" || p.Kind != "rss" || !p.Newest.Equal(wantItems[1].Published) || len(p.Warnings) != 0 {
		t.Errorf("preview = %q %q newest %v warnings %q", p.Title, p.Kind, p.Newest, p.Warnings)
	}

	p, err = sources.TestFeed(ctx, o.Client(), o.URL+"/old")
	if err != nil {
		t.Fatal(err)
	}
	if p.FinalURL != o.URL+"/feed/" || len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "redirige") {
		t.Errorf("redirected feed: final %q, warnings %q", p.FinalURL, p.Warnings)
	}

	for _, path := range []string{"/latin1", "/latin1-undeclared", "/latin1-declared", "/latin1-lying-header", "/utf16"} {
		p, err := sources.TestFeed(ctx, o.Client(), o.URL+path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if len(p.Items) != 2 || p.Title != "Radio de Prueba: información" || p.Items[0].Title != "Niñez migrante retornada a Honduras" {
			t.Errorf("%s: title %q, items %+v; want the accents decoded", path, p.Title, p.Items)
		}
		if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "fecha") {
			t.Errorf("%s: warnings %q, want one about missing dates", path, p.Warnings)
		}
	}

	p, err = sources.TestFeed(ctx, o.Client(), o.URL+"/empty-feed")
	if err != nil || len(p.Items) != 0 || len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "no tiene artículos") {
		t.Errorf("empty feed: %v, %+v", err, p)
	}
}

func TestFeedPreviewErrors(t *testing.T) {
	big := strings.Repeat("<!-- relleno -->", sources.MaxFeedSize/16+1)
	release := make(chan struct{})
	o := newOutlet(t, map[string]route{
		"/gone":      {status: http.StatusNotFound},
		"/denied":    {status: http.StatusForbidden},
		"/busy":      {status: http.StatusTooManyRequests},
		"/broken":    {status: http.StatusBadGateway},
		"/page":      {file: "notfeed.html", ctype: htmlType},
		"/empty":     {body: "", ctype: rssType},
		"/garbage":   {body: "{{{ not a feed", ctype: "text/plain"},
		"/too-big":   {body: `<?xml version="1.0"?><rss version="2.0"><channel>` + big, ctype: rssType},
		"/soft-page": {file: "notfeed.html", ctype: rssType},
	})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(release) })
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()

	impatient := slow.Client()
	impatient.Timeout = 50 * time.Millisecond

	tests := []struct {
		name   string
		client *http.Client
		url    string
		status int
		reason string // the start of the Spanish reason
	}{
		{"not found", o.Client(), o.URL + "/gone", 404, "no existe (HTTP 404)"},
		{"forbidden", o.Client(), o.URL + "/denied", 403, "acceso denegado"},
		{"rate limited", o.Client(), o.URL + "/busy", 429, "demasiadas solicitudes"},
		{"server error", o.Client(), o.URL + "/broken", 502, "error del servidor del medio"},
		{"web page", o.Client(), o.URL + "/page", 200, "la dirección devuelve una página web"},
		{"web page sent as rss", o.Client(), o.URL + "/soft-page", 200, "la dirección devuelve una página web"},
		{"empty body", o.Client(), o.URL + "/empty", 200, "el servidor respondió sin contenido"},
		{"not a feed", o.Client(), o.URL + "/garbage", 200, "el contenido no es un feed"},
		{"too big", o.Client(), o.URL + "/too-big", 200, "la respuesta supera 8 MiB"},
		{"timeout", impatient, slow.URL + "/feed", 0, "el sitio tardó demasiado"},
		{"refused", o.Client(), closedURL + "/feed", 0, "el servidor rechazó la conexión"},
		{"not a web address", o.Client(), "ftp://diario.example/feed", 0, "la URL debe empezar por http"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sources.TestFeed(context.Background(), tt.client, tt.url)
			var fe *sources.FetchError
			if !errors.As(err, &fe) {
				t.Fatalf("TestFeed = %v, want a *FetchError", err)
			}
			if fe.Status != tt.status || !strings.HasPrefix(fe.Reason, tt.reason) {
				t.Errorf("got status %d reason %q, want %d %q…", fe.Status, fe.Reason, tt.status, tt.reason)
			}
			if !strings.Contains(fe.Reason, " / ") {
				t.Errorf("reason %q has no English part", fe.Reason)
			}
		})
	}
}
