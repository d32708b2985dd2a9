package index

import (
	"context"
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// phraseQuery matches a phrase in one field: its terms at consecutive
// positions, with gaps where the analyzer dropped stop words. It finds
// the same documents, with the same scores and locations, as bleve's
// MatchPhraseQuery, which checks each candidate document by building a
// map of maps of its term locations; phraseSearcher compares positions in
// place. Phrase queries of common words check tens of thousands of
// candidates, and the maps were a fifth of their time and most of their
// garbage.
type phraseQuery struct {
	field string
	// terms are the phrase's terms by relative position; "" is a gap.
	terms []string
	boost float64
}

// newPhraseQuery analyses text with analyzer into a phrase on field. It
// returns bleve's MatchPhraseQuery for what phraseQuery does not do: two
// terms at one position (no analyzer here makes them).
func newPhraseQuery(m mapping.IndexMapping, text, field, analyzer string, boost float64) query.Query {
	fallback := func() query.Query {
		q := query.NewMatchPhraseQuery(text)
		q.SetField(field)
		q.Analyzer = analyzer
		q.SetBoost(boost)
		return q
	}
	a := m.AnalyzerNamed(analyzer)
	if a == nil {
		return fallback()
	}
	tokens := a.Analyze([]byte(text))
	if len(tokens) == 0 {
		return query.NewMatchNoneQuery()
	}
	first, last := tokens[0].Position, tokens[0].Position
	for _, t := range tokens {
		first, last = min(first, t.Position), max(last, t.Position)
	}
	terms := make([]string, last-first+1)
	for _, t := range tokens {
		if terms[t.Position-first] != "" {
			return fallback()
		}
		terms[t.Position-first] = string(t.Term)
	}
	return &phraseQuery{field: field, terms: terms, boost: boost}
}

// SetBoost makes phraseQuery a query.BoostableQuery.
func (q *phraseQuery) SetBoost(b float64) { q.boost = b }

// Boost returns the query's boost.
func (q *phraseQuery) Boost() float64 { return q.boost }

// Searcher builds the phrase's searcher: a conjunction of its terms'
// searchers, with term vectors, and the position check.
func (q *phraseQuery) Searcher(ctx context.Context, r index.IndexReader, _ mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	withVectors := options
	withVectors.IncludeTermVectors = true
	ps := &phraseSearcher{keepLocations: options.IncludeTermVectors}
	var subs []search.Searcher
	for i, t := range q.terms {
		if t == "" {
			continue
		}
		ps.slots = append(ps.slots, phraseSlot{term: t, offset: uint64(i)})
		ts, err := searcher.NewTermSearcher(ctx, r, t, q.field, q.boost, withVectors)
		if err != nil {
			for _, s := range subs {
				s.Close()
			}
			return nil, err
		}
		subs = append(subs, ts)
	}
	must, err := searcher.NewConjunctionSearcher(ctx, r, subs, withVectors)
	if err != nil {
		for _, s := range subs {
			s.Close()
		}
		return nil, err
	}
	ps.must = must
	// as bleve's phrase searcher: the conjunction's weight, normalised
	must.SetQueryNorm(1 / math.Sqrt(must.Weight()))
	return ps, nil
}

type phraseSlot struct {
	term   string
	offset uint64 // position after the phrase's first term
}

// phraseSearcher returns the documents of its conjunction that hold the
// phrase, with the conjunction's score.
type phraseSearcher struct {
	must          search.Searcher
	slots         []phraseSlot
	keepLocations bool // the request wants term locations

	curr        *search.DocumentMatch // the conjunction's next document
	initialized bool

	// reused per document
	byTerm  [][]int // per slot, indexes into FieldTermLocations
	matched []search.FieldTermLocation
	path    []int
}

func (s *phraseSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if !s.initialized {
		if err := s.advance(ctx, nil); err != nil {
			return nil, err
		}
		s.initialized = true
	}
	for s.curr != nil {
		d := s.curr
		s.curr = nil
		ok := s.check(d)
		if err := s.advance(ctx, nil); err != nil {
			return nil, err
		}
		if ok {
			return d, nil
		}
		ctx.DocumentMatchPool.Put(d)
	}
	return nil, nil
}

func (s *phraseSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	if !s.initialized {
		if err := s.advance(ctx, nil); err != nil {
			return nil, err
		}
		s.initialized = true
	}
	if s.curr == nil {
		return nil, nil
	}
	if s.curr.IndexInternalID.Compare(id) < 0 {
		ctx.DocumentMatchPool.Put(s.curr)
		s.curr = nil
		if err := s.advance(ctx, id); err != nil {
			return nil, err
		}
	}
	return s.Next(ctx)
}

// advance moves the conjunction to its next document, at or after id if
// id is not nil.
func (s *phraseSearcher) advance(ctx *search.SearchContext, id index.IndexInternalID) error {
	var err error
	if id == nil {
		s.curr, err = s.must.Next(ctx)
	} else {
		s.curr, err = s.must.Advance(ctx, id)
	}
	return err
}

// check reports whether d holds the phrase, and leaves in d the locations
// of its occurrences (none if the request wants no locations).
func (s *phraseSearcher) check(d *search.DocumentMatch) bool {
	ftls := d.FieldTermLocations
	if cap(s.byTerm) < len(s.slots) {
		s.byTerm = make([][]int, len(s.slots))
	}
	s.byTerm = s.byTerm[:len(s.slots)]
	for k := range s.byTerm {
		s.byTerm[k] = s.byTerm[k][:0]
	}
	for i := range ftls {
		for k, sl := range s.slots {
			if ftls[i].Term == sl.term {
				s.byTerm[k] = append(s.byTerm[k], i)
			}
		}
	}
	s.matched = s.matched[:0]
	found := false
	for _, i := range s.byTerm[0] {
		start := &ftls[i].Location
		s.path = append(s.path[:0], i)
		if !s.follow(ftls, start, 1) {
			continue
		}
		found = true
		if !s.keepLocations {
			break
		}
		for _, j := range s.path {
			l := ftls[j]
			// d's locations are about to be overwritten with these,
			// and array positions are slices into them
			l.Location.ArrayPositions = slices.Clone(l.Location.ArrayPositions)
			s.matched = append(s.matched, l)
		}
	}
	if !found {
		return false
	}
	d.FieldTermLocations = append(d.FieldTermLocations[:0], s.matched...)
	return true
}

// follow extends the path of the occurrence starting at start with the
// location of slot k and those after it; it reports whether it could.
func (s *phraseSearcher) follow(ftls []search.FieldTermLocation, start *search.Location, k int) bool {
	if k == len(s.slots) {
		return true
	}
	want := start.Pos + s.slots[k].offset
	for _, j := range s.byTerm[k] {
		l := &ftls[j].Location
		if l.Pos == want && slices.Equal(l.ArrayPositions, start.ArrayPositions) {
			s.path = append(s.path, j)
			if s.follow(ftls, start, k+1) {
				return true
			}
			s.path = s.path[:len(s.path)-1]
		}
	}
	return false
}

func (s *phraseSearcher) Close() error               { return s.must.Close() }
func (s *phraseSearcher) Weight() float64            { return s.must.Weight() }
func (s *phraseSearcher) SetQueryNorm(qnorm float64) { s.must.SetQueryNorm(qnorm) }
func (s *phraseSearcher) Count() uint64              { return s.must.Count() }
func (s *phraseSearcher) Min() int                   { return 0 }
func (s *phraseSearcher) Size() int                  { return s.must.Size() }
func (s *phraseSearcher) DocumentMatchPoolSize() int { return s.must.DocumentMatchPoolSize() + 1 }
