package webui

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"observatory"
)

// apiSearch serves GET /api/v1/search.
func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, observatory.Read, observatory.ResArticle, "") {
		return
	}
	q, err := parseSearch(r.URL.Query())
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	res, err := s.search(r.Context(), q)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if res.Hits == nil {
		res.Hits = []observatory.SearchHit{}
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) search(ctx context.Context, q observatory.SearchQuery) (*observatory.SearchResult, error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	return s.cfg.Search.Search(ctx, q)
}

// searchView is what the search page template shows.
type searchView struct {
	Q       observatory.SearchQuery
	Params  url.Values
	Result  *observatory.SearchResult
	Error   string
	Facets  []facetView
	Sources map[string]string // source ID → name
	Prev    string
	Next    string
	Pages   int
	From    string
	To      string
}

type facetView struct {
	Name   string // "country", "tag", …
	Values []facetValue
}

type facetValue struct {
	Term   string
	Count  int
	Active bool
	Href   string // the search with this value toggled
}

// searchPage serves the search page: a query box, facets and hits. Without
// a query it lists the latest coverage.
func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, observatory.Read, observatory.ResArticle, "") {
		return
	}
	params := r.URL.Query()
	params.Del("lang")
	view := searchView{Params: params, From: params.Get("from"), To: params.Get("to")}
	q, err := parseSearch(params)
	status := http.StatusOK
	if err == nil {
		if q.Q == "" && q.Sort == "" {
			q.Sort = "date"
		}
		view.Result, err = s.search(r.Context(), q)
	}
	if err != nil {
		status = statusOf(err)
		if status == http.StatusInternalServerError {
			s.log.Error("search failed", "err", err)
			view.Error = defaultMessage(status)
		} else {
			view.Error = err.Error()
		}
	}
	view.Q = q
	view.Sources = s.sourceNames(r.Context())
	if view.Result != nil {
		view.Facets = facetViews(params, view.Result.Facets)
		view.Pages = int((view.Result.Total + uint64(q.Size) - 1) / uint64(q.Size))
		if q.Page > 1 {
			view.Prev = withParam(params, "page", strconv.Itoa(q.Page-1))
		}
		if q.Page < view.Pages && q.Page < maxPage {
			view.Next = withParam(params, "page", strconv.Itoa(q.Page+1))
		}
	}
	s.render(w, r, status, "search", view)
}

// facetOrder is the order facets appear in on the page.
var facetOrder = []string{"country", "tag", "subtag", "source", "medium", "kind", "language", "month"}

func facetViews(params url.Values, facets map[string]map[string]int) []facetView {
	var out []facetView
	for _, name := range facetOrder {
		terms, ok := facets[name]
		if !ok || len(terms) == 0 {
			continue
		}
		fv := facetView{Name: name}
		param := name
		if name == "subtag" {
			param = "tag" // the tag filter matches tags and sub-tags
		}
		for term, n := range terms {
			v := facetValue{Term: term, Count: n}
			if name == "month" {
				v.Href = monthRange(params, term)
			} else {
				v.Active = slices.Contains(params[param], term)
				v.Href = toggleParam(params, param, term)
			}
			fv.Values = append(fv.Values, v)
		}
		slices.SortFunc(fv.Values, func(a, b facetValue) int {
			if name == "month" {
				return cmp.Compare(b.Term, a.Term)
			}
			if c := cmp.Compare(b.Count, a.Count); c != 0 {
				return c
			}
			return cmp.Compare(a.Term, b.Term)
		})
		out = append(out, fv)
	}
	return out
}

// toggleParam returns the query string with value added to or removed
// from param, back on page 1.
func toggleParam(params url.Values, param, value string) string {
	v := cloneValues(params)
	v.Del("page")
	cur := v[param]
	if i := slices.Index(cur, value); i >= 0 {
		v[param] = slices.Delete(slices.Clone(cur), i, i+1)
	} else {
		v[param] = append(slices.Clone(cur), value)
	}
	return "?" + v.Encode()
}

// monthRange returns the query string restricted to one month ("2026-11").
func monthRange(params url.Values, month string) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return "?" + params.Encode()
	}
	v := cloneValues(params)
	v.Del("page")
	v.Set("from", t.Format("2006-01-02"))
	v.Set("to", t.AddDate(0, 1, -1).Format("2006-01-02"))
	return "?" + v.Encode()
}

func withParam(params url.Values, key, value string) string {
	v := cloneValues(params)
	v.Set(key, value)
	return "?" + v.Encode()
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// sourceNames maps source IDs to names for display; on error, IDs show.
func (s *Server) sourceNames(ctx context.Context) map[string]string {
	list, err := s.cfg.Store.Sources(ctx, observatory.SourceFilter{})
	if err != nil {
		s.log.Warn("listing sources for display", "err", err)
		return nil
	}
	m := make(map[string]string, len(list))
	for _, src := range list {
		m[src.ID] = src.Name
	}
	return m
}
