package index

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"observatory"
	"observatory/index/corpus"
)

// phraseQuery must find what bleve's MatchPhraseQuery finds, with the
// same scores and locations, on generated news and on phrases that test
// its edges: gaps for stop words, repeated terms, one term, several
// authors (array positions), no match.
func TestPhraseQueryMatchesBleve(t *testing.T) {
	ix := openTest(t)
	gen := corpus.New(corpus.Options{Seed: 7})
	var arts []observatory.Article
	for i := range 1500 {
		a := gen.Article(i)
		if i%50 == 0 {
			a.Authors = []string{"Ana María Pérez", "Juan Pérez Ana", "María Ana"}
			a.Text += " La casa de la casa. Trata de personas y trata de personas."
		}
		arts = append(arts, a)
	}
	apply(t, ix, arts...)
	g, release, err := ix.acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	alias := bleve.NewIndexAlias(g.indexes(nil)...)

	phrases := append(slices.Clone(benchPhrases), "casa de la casa", "trata de personas y trata", "migrantes",
		"de la", "personas trata", "la frontera sur", "zzz qqq")
	fields := []struct{ field, analyzer string }{{fieldText, analyzerES}, {fieldText, analyzerEN}, {fieldTitle, analyzerES}}
	for _, p := range phrases {
		for _, f := range fields {
			t.Run(fmt.Sprintf("%s/%s/%s", p, f.field, f.analyzer), func(t *testing.T) {
				theirs := query.NewMatchPhraseQuery(p)
				theirs.SetField(f.field)
				theirs.Analyzer = f.analyzer
				comparePhrase(t, alias, theirs, newPhraseQuery(ix.mapping, p, f.field, f.analyzer, 1))
			})
		}
	}
	for _, p := range []string{"Ana María", "Pérez Ana", "María Ana", "Pérez Juan"} {
		t.Run("authors/"+p, func(t *testing.T) {
			theirs := query.NewMatchPhraseQuery(p)
			theirs.SetField(fieldAuthors)
			theirs.Analyzer = analyzerName
			comparePhrase(t, alias, theirs, newPhraseQuery(ix.mapping, p, fieldAuthors, analyzerName, 1))
		})
	}
}

func comparePhrase(t *testing.T, idx bleve.Index, theirs, ours query.Query) {
	t.Helper()
	run := func(q query.Query) *bleve.SearchResult {
		// inside a filtered conjunction, as searches run it: Advance too
		req := bleve.NewSearchRequestOptions(query.NewConjunctionQuery([]query.Query{q, zeroBoost(keywordQuery(fieldKind, "article"))}), 10_000, 0, false)
		req.IncludeLocations = true
		res, err := idx.SearchInContext(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(res.Hits, func(a, b *search.DocumentMatch) int { return cmpString(a.ID, b.ID) })
		return res
	}
	want, got := run(theirs), run(ours)
	if got.Total != want.Total {
		t.Fatalf("got %d hits, want %d", got.Total, want.Total)
	}
	for i := range want.Hits {
		w, g := want.Hits[i], got.Hits[i]
		if g.ID != w.ID || math.Abs(g.Score-w.Score) > 1e-9*w.Score {
			t.Fatalf("hit %d: got %s %g, want %s %g", i, g.ID, g.Score, w.ID, w.Score)
		}
		if gl, wl := locations(g), locations(w); !slices.Equal(gl, wl) {
			t.Fatalf("hit %s: got locations %v, want %v", w.ID, gl, wl)
		}
	}
}

// locations lists a hit's term locations in a comparable form.
func locations(h *search.DocumentMatch) []string {
	var out []string
	for field, terms := range h.Locations {
		for term, locs := range terms {
			for _, l := range locs {
				out = append(out, fmt.Sprintf("%s/%s@%d[%d:%d]%v", field, term, l.Pos, l.Start, l.End, l.ArrayPositions))
			}
		}
	}
	slices.Sort(out)
	return out
}
