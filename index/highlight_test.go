package index

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search"

	"observatory"
)

func TestHighlightFragments(t *testing.T) {
	ix := openTest(t)
	filler := strings.Repeat("Relleno informativo sin relación alguna con el tema. ", 20)
	text := "La niñez migrante llega a la frontera. " + filler + "Otra vez la niñez migrante, ahora en el sur. " + filler + "Final."
	apply(t, ix, observatory.Article{ID: "long", URL: "l", Title: "Informe", Text: text})
	res := find(t, ix, observatory.SearchQuery{Q: "migrante"})
	if len(res.Hits) != 1 {
		t.Fatalf("hits: got %d, want 1", len(res.Hits))
	}
	hl := res.Hits[0].Highlights
	if len(hl) != 2 {
		t.Fatalf("fragments: got %d %q, want 2 (one per distant match)", len(hl), hl)
	}
	for i, f := range hl {
		if !strings.Contains(f, "<mark>migrante</mark>") {
			t.Errorf("fragment %d: %q, want the match marked", i, f)
		}
		if !utf8.ValidString(f) {
			t.Errorf("fragment %d is not valid UTF-8: %q", i, f)
		}
		if plain := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(f); len(plain) > fragmentSize+80 {
			t.Errorf("fragment %d: %d bytes, want about %d", i, len(plain), fragmentSize)
		}
	}
	if !strings.HasSuffix(hl[0], "…") || !strings.HasPrefix(hl[1], "…") {
		t.Errorf("cut fragments should show an ellipsis: %q", hl)
	}
}

// TestMarkupEscapes checks the highlighter's one rule on hostile text:
// nothing but its own <mark> is markup, whatever the offsets say.
func TestMarkupEscapes(t *testing.T) {
	text := `<img src=x onerror=alert(1)> "niñez" & <b>migrantes</b> ñandú`
	dm := &search.DocumentMatch{Locations: search.FieldTermLocationMap{
		fieldText: search.TermLocationMap{
			"ninez":   {{Start: uint64(strings.Index(text, "niñez")), End: uint64(strings.Index(text, "niñez") + len("niñez"))}},
			"migrant": {{Start: uint64(strings.Index(text, "migrantes")), End: uint64(strings.Index(text, "migrantes") + len("migrantes"))}},
			"bogus":   {{Start: 2, End: 1}, {Start: 1000, End: 1004}, {Start: uint64(strings.Index(text, "ñ") + 1), End: uint64(strings.Index(text, "ñ") + 3)}},
		},
	}}
	frags := highlightText(dm, text)
	if len(frags) == 0 {
		t.Fatal("no fragment")
	}
	for _, f := range frags {
		rest := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(f)
		if strings.ContainsAny(rest, "<>") || !utf8.ValidString(f) {
			t.Errorf("fragment %q: markup or invalid UTF-8 besides <mark>", f)
		}
		if !strings.Contains(f, "<mark>niñez</mark>") || !strings.Contains(f, "<mark>migrantes</mark>") {
			t.Errorf("fragment %q: want both matches marked", f)
		}
	}
}
