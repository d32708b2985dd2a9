package index

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"observatory"
)

// Page sizes and limits of Search.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
	// MaxResultWindow bounds page×size: deeper pages cost memory in every
	// search; analysts narrow with filters instead.
	MaxResultWindow = 50_000
)

// Facet names of SearchResult.Facets, the keyword field each counts and
// how many values each returns.
var facetSizes = []struct {
	name, field string
	size        int
}{
	{"country", fieldCountry, 20},
	{"tag", fieldTag, 20},
	{"subtag", fieldSubtag, 100},
	{"source", fieldSource, 200},
	{"medium", fieldMedium, 10},
	{"kind", fieldKind, 5},
	{"language", fieldLang, 20},
	{"month", fieldMonth, 240},
}

// returned lists the stored fields a hit carries.
var returned = []string{fieldKind, fieldTitle, fieldURL, fieldSource, fieldSourceName, fieldCountry, fieldMedium, fieldPublishedAt, fieldTagScores}

// Search runs an analyst's query. A query that cannot be parsed, or bad
// paging, is an error wrapping observatory.ErrInvalid with a message for
// the analyst.
func (ix *Index) Search(ctx context.Context, q observatory.SearchQuery) (*observatory.SearchResult, error) {
	req, err := ix.request(q)
	if err != nil {
		return nil, err
	}
	res, err := ix.run(ctx, req, q.Country)
	if err != nil {
		return nil, err
	}
	return convertResult(res), nil
}

// run runs req on the live generation's partitions for countries (all
// when empty); a swap waits for it. See searchParts.
func (ix *Index) run(ctx context.Context, req *bleve.SearchRequest, countries []string) (*bleve.SearchResult, error) {
	g, release, err := ix.acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	parts := g.indexes(countries)
	if len(parts) == 0 {
		return &bleve.SearchResult{Status: &bleve.SearchStatus{}}, nil
	}
	g.advice.advise(parts)
	res, err := searchParts(ctx, parts, req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("index: search: %w", err)
	}
	return res, nil
}

// request builds the bleve request of a SearchQuery.
func (ix *Index) request(q observatory.SearchQuery) (*bleve.SearchRequest, error) {
	size := q.Size
	if size <= 0 {
		size = DefaultPageSize
	}
	if size > MaxPageSize {
		size = MaxPageSize
	}
	page := max(q.Page, 1)
	if page*size > MaxResultWindow {
		return nil, queryErr("página demasiado profunda: como mucho %d resultados; afine la búsqueda con filtros / page too deep: at most %d results; narrow the search with filters", MaxResultWindow, MaxResultWindow)
	}
	main, err := parseQuery(q.Q, ix.mapping)
	if err != nil {
		return nil, err
	}
	full, err := withFilters(main, q)
	if err != nil {
		return nil, err
	}
	req := bleve.NewSearchRequestOptions(full, size, (page-1)*size, false)
	req.Fields = returned
	sortBy, err := sortOrder(q.Sort, q.Q)
	if err != nil {
		return nil, err
	}
	req.SortBy(sortBy)
	for _, f := range facetSizes {
		fr := bleve.NewFacetRequest(fieldKeywords, f.size)
		fr.TermPrefix = keywordTerm(f.field, "")
		req.AddFacet(f.name, fr)
	}
	if _, all := main.(*query.MatchAllQuery); !all {
		req.IncludeLocations = true // for highlights
		req.Fields = append(slices.Clip(req.Fields), fieldTextZ)
	}
	return req, nil
}

// withFilters restricts main to the filters of q.
func withFilters(main query.Query, q observatory.SearchQuery) (query.Query, error) {
	filters, err := filterQueries(q)
	if err != nil || len(filters) == 0 {
		return main, err
	}
	if _, all := main.(*query.MatchAllQuery); all {
		if len(filters) == 1 {
			return filters[0], nil
		}
		return query.NewConjunctionQuery(filters), nil
	}
	return query.NewConjunctionQuery(append([]query.Query{main}, filters...)), nil
}

// sortOrder returns bleve's sort for a SearchQuery.Sort. Date sorts go by
// the sort key, the instant and then the ID, since many articles share a
// date, so that pages never overlap or skip.
func sortOrder(s, q string) ([]string, error) {
	switch s {
	case "", "relevance":
		if strings.TrimSpace(q) == "" {
			return []string{"-" + fieldSortKey}, nil
		}
		// Score alone: bleve breaks ties by index order, stable for a
		// snapshot; a date or ID tie-breaker would make every matching
		// document load its doc values (twice as slow on broad terms).
		return []string{"-_score"}, nil
	case "date":
		return []string{"-" + fieldSortKey}, nil
	case "-date":
		return []string{fieldSortKey}, nil
	}
	return nil, queryErr("orden desconocido «%s»: use relevance, date o -date / unknown sort %q: use relevance, date or -date", s, s)
}

// filterQueries turns the filters of q into exact clauses. Filters score
// nothing (boost 0): they select, the query ranks.
func filterQueries(q observatory.SearchQuery) ([]query.Query, error) {
	var out []query.Query
	add := func(field string, values []string) {
		var qs []query.Query
		for _, v := range values {
			if v = strings.TrimSpace(v); v != "" {
				qs = append(qs, keywordQuery(field, v))
			}
		}
		switch len(qs) {
		case 0:
			return
		case 1:
			out = append(out, zeroBoost(qs[0]))
		default:
			out = append(out, zeroBoost(query.NewDisjunctionQuery(qs)))
		}
	}
	add(fieldCountry, q.Country)
	add(fieldTag, q.Tag)
	add(fieldSource, q.Source)
	add(fieldMedium, q.Medium)
	add(fieldKind, q.Kind)
	add(fieldLang, q.Language)
	if !q.From.IsZero() || !q.To.IsZero() {
		if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
			return nil, queryErr("la fecha final es anterior a la inicial / the end date is before the start date")
		}
		out = append(out, zeroBoost(dateRange(q.From, q.To)))
	}
	return out, nil
}

// dateRange selects publication dates from from (inclusive) to to. A to
// at midnight means the whole of that day; any other to is inclusive.
func dateRange(from, to time.Time) query.Query {
	t, f := true, false
	endInclusive := &t
	if !to.IsZero() && to.Equal(to.Truncate(24*time.Hour)) && to.Hour() == 0 && to.Minute() == 0 && to.Second() == 0 && to.Nanosecond() == 0 {
		to = to.Add(24 * time.Hour)
		endInclusive = &f
	}
	var startInclusive *bool
	if !from.IsZero() {
		startInclusive = &t
	}
	if to.IsZero() {
		endInclusive = nil
	}
	q := query.NewDateRangeInclusiveQuery(from, to, startInclusive, endInclusive)
	q.SetField(fieldPublished)
	return q
}

func zeroBoost(q query.Query) query.Query {
	if bq, ok := q.(query.BoostableQuery); ok {
		bq.SetBoost(0)
	}
	return q
}

func convertResult(res *bleve.SearchResult) *observatory.SearchResult {
	out := &observatory.SearchResult{
		Total:  res.Total,
		Hits:   make([]observatory.SearchHit, 0, len(res.Hits)),
		Facets: make(map[string]map[string]int, len(res.Facets)),
		Took:   res.Took,
	}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, convertHit(h))
	}
	for _, f := range facetSizes {
		counts := map[string]int{}
		if fr, ok := res.Facets[f.name]; ok && fr.Terms != nil {
			for _, t := range fr.Terms.Terms() {
				counts[strings.TrimPrefix(t.Term, keywordTerm(f.field, ""))] = t.Count
			}
		}
		out.Facets[f.name] = counts
	}
	return out
}

func convertHit(h *search.DocumentMatch) observatory.SearchHit {
	str := func(f string) string {
		s, _ := h.Fields[f].(string)
		return s
	}
	hit := observatory.SearchHit{
		ID:         h.ID,
		Kind:       str(fieldKind),
		Title:      str(fieldTitle),
		URL:        str(fieldURL),
		Source:     str(fieldSource),
		SourceName: str(fieldSourceName),
		Country:    str(fieldCountry),
		Medium:     str(fieldMedium),
		Tags:       parseTagScores(str(fieldTagScores)),
		Highlights: []string{},
	}
	if hit.Tags == nil {
		hit.Tags = []observatory.TagScore{}
	}
	if p := str(fieldPublishedAt); p != "" {
		hit.Published, _ = time.Parse(time.RFC3339Nano, p)
	}
	if len(h.Locations) > 0 {
		if t, ok := highlightTitle(h, hit.Title); ok {
			hit.Highlights = append(hit.Highlights, t)
		}
		hit.Highlights = append(hit.Highlights, highlightText(h, inflate(str(fieldTextZ)))...)
	}
	return hit
}
