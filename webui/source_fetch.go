package webui

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"observatory"
	"observatory/sources"
)

// fetchBudget bounds a discovery or a test made while a person waits.
const fetchBudget = 45 * time.Second

// maxTestedFeeds bounds the feeds one test reads.
const maxTestedFeeds = 5

// feedTest is the outcome of reading one feed once, stored nowhere.
type feedTest struct {
	URL     string
	Preview *sources.FeedPreview
	Error   string // in plain words, Spanish first
}

// fetchProblem says in plain words why a page or feed could not be read.
func fetchProblem(err error) string {
	var fe *sources.FetchError
	switch {
	case errors.As(err, &fe):
		return fe.Reason
	case errors.Is(err, context.DeadlineExceeded):
		return "el sitio tardó demasiado en responder / the site took too long to answer"
	}
	return "no se pudo leer / could not be read: " + err.Error()
}

// testFeeds reads each feed once (at most maxTestedFeeds) within the
// budget.
func (s *Server) testFeeds(ctx context.Context, feeds []string) []feedTest {
	ctx, cancel := context.WithTimeout(ctx, fetchBudget)
	defer cancel()
	var out []feedTest
	for _, f := range feeds[:min(len(feeds), maxTestedFeeds)] {
		t := feedTest{URL: f}
		p, err := sources.TestFeed(ctx, s.cfg.HTTPClient, f)
		if err != nil {
			t.Error = fetchProblem(err)
		} else {
			if len(p.Items) > 20 {
				p.Items = p.Items[:20]
			}
			t.Preview = &p
		}
		out = append(out, t)
	}
	return out
}

// testNote explains a test that read no feed.
func testNote(src *observatory.Source) string {
	if len(src.Feeds) > 0 {
		return ""
	}
	if len(src.Sitemaps) > 0 || len(src.Listings) > 0 {
		return "Esta fuente no tiene feeds; sus sitemaps y páginas de portada los revisa el rastreador en cada ronda. / This source has no feeds; its sitemaps and listing pages are checked by the crawler on each run."
	}
	return "Esta fuente no tiene feeds que probar: busque sus feeds desde el formulario de edición. / This source has no feeds to test: discover its feeds from the edit form."
}

// sourceTest serves POST /sources/{id}/test: "test this source". It reads
// the source's feeds once, stores nothing, and shows on the source's page
// the items the crawler would collect, or what is wrong in plain words.
func (s *Server) sourceTest(w http.ResponseWriter, r *http.Request) {
	src := s.storedSource(w, r, observatory.Edit)
	if src == nil {
		return
	}
	if s.cfg.HTTPClient == nil {
		s.fail(w, r, http.StatusServiceUnavailable, "las pruebas de fuentes no están disponibles en este servidor / source tests are not available on this server")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.renderSource(w, r, http.StatusOK, s.testFeeds(r.Context(), src.Feeds), testNote(src))
}

// sourceFormFetch serves POST /sources/discover, /sources/preview and
// their /sources/{id}/… forms: the buttons "find feeds" and "test feeds"
// of the source form. It reads the homepage (discovery) or the feeds
// (preview) as typed, stores nothing, and shows the form again with the
// same values and what it found.
func (s *Server) sourceFormFetch(w http.ResponseWriter, r *http.Request) {
	var (
		v   sourceFormView
		src observatory.Source
	)
	if id := r.PathValue("id"); id != "" {
		old := s.storedSource(w, r, observatory.Edit)
		if old == nil || !parseForm(s, w, r) {
			return
		}
		src = sourceFromForm(r.PostForm, *old)
		src.ID = old.ID
		v = s.sourceForm(r, src, false)
		v.UpdatedAt = r.PostForm.Get("updated_at")
	} else {
		if !s.allowAny(w, r, observatory.Create, observatory.ResSource) || !parseForm(s, w, r) {
			return
		}
		src = sourceFromForm(r.PostForm, observatory.Source{})
		v = s.sourceForm(r, src, true)
	}
	if s.cfg.HTTPClient == nil {
		s.fail(w, r, http.StatusServiceUnavailable, "la búsqueda y prueba de feeds no están disponibles en este servidor / feed discovery and tests are not available on this server")
		return
	}
	src.Normalize()
	v.Src = src
	if strings.HasSuffix(r.URL.Path, "/discover") {
		found, msg := s.discover(r.Context(), src.Homepage)
		for _, f := range found {
			if !slices.Contains(src.Feeds, f.URL) {
				v.Found = append(v.Found, f)
			}
		}
		v.Discover = msg
		if msg == "" && len(v.Found) == 0 {
			v.Discover = "Los feeds encontrados ya están en la lista. / The feeds found are already listed."
		}
	} else {
		v.Tests = s.testFeeds(r.Context(), src.Feeds)
		v.TestNote = testNote(&src)
	}
	s.renderSourceForm(w, r, v, nil)
}

// discover finds the feeds of a homepage, with a message when it found
// none or could not read it.
func (s *Server) discover(ctx context.Context, homepage string) ([]sources.Feed, string) {
	if msg := observatory.CheckWebURL(homepage); msg != "" {
		return nil, "Página principal: " + msg
	}
	ctx, cancel := context.WithTimeout(ctx, fetchBudget)
	defer cancel()
	found, err := sources.Discover(ctx, s.cfg.HTTPClient, homepage)
	switch {
	case err != nil:
		return nil, fetchProblem(err)
	case len(found) == 0:
		return nil, "No se encontraron feeds: ni la página principal los anuncia ni están en las direcciones habituales (/feed, /rss…). Puede usar un sitemap de noticias o una página de portada con un selector. / No feeds found: the homepage announces none and none is at the usual addresses (/feed, /rss…). Use a news sitemap or a listing page with a selector instead."
	}
	return found, ""
}
