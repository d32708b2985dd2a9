package index

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"observatory"
)

func openTest(t *testing.T) *Index {
	t.Helper()
	ix, err := Open(filepath.Join(t.TempDir(), "index"), Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

func date(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// three is the issue 2 fixture: three Spanish articles from two outlets.
func three() []observatory.Article {
	return []observatory.Article{
		{
			ID: "a1", URL: "https://diario.example/mujeres-migrantes", SourceID: "diario-cr", SourceName: "Diario CR",
			Country: "CR", Medium: "print", Language: "es", Published: date("2026-11-03"),
			Title: "Mujeres migrantes sostienen el trabajo doméstico",
			Text:  "Cada mañana, una trabajadora migrante nicaragüense cruza la ciudad. La niñez de sus hijos transcurre lejos. Las mujeres migrantes denuncian jornadas sin contrato.",
			Tags: []observatory.TagResult{
				{Tag: "migration", Score: 0.9, Subtags: []string{"labour"}},
				{Tag: "gender", Score: 0.7, Subtags: []string{"care-work"}},
			},
		},
		{
			ID: "a2", URL: "https://diario.example/delincuencia", SourceID: "diario-cr", SourceName: "Diario CR",
			Country: "CR", Medium: "print", Language: "es", Published: date("2026-10-20"),
			Title: "Vecinos culpan a extranjeros de la delincuencia",
			Text:  "Según los vecinos, la migracion irregular trae delincuencia; los migrantes <script>alert(1)</script> son señalados sin pruebas.",
			Tags: []observatory.TagResult{
				{Tag: "migration", Score: 0.8},
				{Tag: "xenophobia", Score: 0.6, Subtags: []string{"criminalisation"}},
			},
		},
		{
			ID: "a3", URL: "https://deportes.example/final", SourceID: "deportes-ni", SourceName: "Deportes NI",
			Country: "NI", Medium: "online", Language: "es", Published: date("2026-11-15"),
			Title: "El equipo gana la final del campeonato",
			Text:  "Con un gol en el último minuto, el equipo local ganó la final ante su afición.",
		},
	}
}

func apply(t *testing.T, ix *Index, arts ...observatory.Article) {
	t.Helper()
	if err := ix.Apply(context.Background(), observatory.IndexBatch{Upsert: arts}); err != nil {
		t.Fatal(err)
	}
}

func find(t *testing.T, ix *Index, q observatory.SearchQuery) *observatory.SearchResult {
	t.Helper()
	res, err := ix.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("search %+v: %v", q, err)
	}
	return res
}

func ids(res *observatory.SearchResult) []string {
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.ID
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func TestSpanishAnalysis(t *testing.T) {
	ix := openTest(t)
	apply(t, ix, three()...)
	tests := []struct {
		q    string
		want []string
	}{
		{"migrantes", []string{"a1", "a2"}}, // a1 has "migrante" too
		{"migrante", []string{"a1", "a2"}},
		{"MIGRACIÓN", []string{"a2"}}, // a2 writes "migracion"
		{"ninez", []string{"a1"}},     // a1 writes "niñez"
		{"NIÑEZ", []string{"a1"}},
		{"nicaraguense", []string{"a1"}},
		{"senalados", []string{"a2"}},
		{"trabajadoras", []string{"a1"}},
		{`"mujeres migrantes"`, []string{"a1"}},
		{`"migrantes mujeres"`, nil},
		{"campeonato", []string{"a3"}},
		{"el", nil}, // a stop word matches nothing
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			res := find(t, ix, observatory.SearchQuery{Q: tt.q})
			if got := sorted(ids(res)); !slices.Equal(got, sorted(tt.want)) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Errorf("search %q: got %v, want %v", tt.q, got, tt.want)
			}
		})
	}
}

func TestFacets(t *testing.T) {
	ix := openTest(t)
	apply(t, ix, three()...)
	res := find(t, ix, observatory.SearchQuery{})
	if res.Total != 3 {
		t.Fatalf("total: got %d, want 3", res.Total)
	}
	want := map[string]map[string]int{
		"country":  {"CR": 2, "NI": 1},
		"tag":      {"migration": 2, "gender": 1, "xenophobia": 1},
		"subtag":   {"labour": 1, "care-work": 1, "criminalisation": 1},
		"source":   {"diario-cr": 2, "deportes-ni": 1},
		"medium":   {"print": 2, "online": 1},
		"kind":     {"article": 3},
		"language": {"es": 3},
		"month":    {"2026-11": 2, "2026-10": 1},
	}
	for name, w := range want {
		got := res.Facets[name]
		if len(got) != len(w) {
			t.Errorf("facet %s: got %v, want %v", name, got, w)
			continue
		}
		for k, v := range w {
			if got[k] != v {
				t.Errorf("facet %s[%s]: got %d, want %d", name, k, got[k], v)
			}
		}
	}

	// facets follow the query
	res = find(t, ix, observatory.SearchQuery{Q: "migrantes"})
	if got := res.Facets["country"]; got["CR"] != 2 || len(got) != 1 {
		t.Errorf("facet country for migrantes: got %v, want map[CR:2]", got)
	}
	if got := res.Facets["tag"]; got["migration"] != 2 || got["gender"] != 1 || got["xenophobia"] != 1 {
		t.Errorf("facet tag for migrantes: got %v", got)
	}
}

func TestHitsAndHighlights(t *testing.T) {
	ix := openTest(t)
	apply(t, ix, three()...)
	res := find(t, ix, observatory.SearchQuery{Q: "migrantes", Sort: "date"})
	if got := ids(res); !slices.Equal(got, []string{"a1", "a2"}) {
		t.Fatalf("hits by date: got %v, want [a1 a2]", got)
	}
	h := res.Hits[0]
	if h.Kind != "article" || h.Source != "diario-cr" || h.SourceName != "Diario CR" || h.Country != "CR" ||
		h.Medium != "print" || h.URL != "https://diario.example/mujeres-migrantes" || !h.Published.Equal(date("2026-11-03")) ||
		h.Title != "Mujeres migrantes sostienen el trabajo doméstico" {
		t.Errorf("hit fields: got %+v", h)
	}
	wantTags := []observatory.TagScore{{Tag: "migration", Score: 0.9}, {Tag: "gender", Score: 0.7}}
	if !slices.Equal(h.Tags, wantTags) {
		t.Errorf("hit tags: got %v, want %v", h.Tags, wantTags)
	}
	if len(h.Highlights) == 0 {
		t.Fatal("no highlights")
	}
	joined := strings.Join(h.Highlights, " ")
	if !strings.Contains(joined, "<mark>migrantes</mark>") && !strings.Contains(joined, "<mark>Migrantes</mark>") {
		t.Errorf("highlights: got %q, want <mark>migrantes</mark>", joined)
	}
	if !strings.Contains(joined, "<mark>migrante</mark>") {
		t.Errorf("highlights: got %q, want the stemmed form <mark>migrante</mark> marked too", joined)
	}

	// hostile outlet text comes back escaped, only <mark> is markup
	hl := strings.Join(res.Hits[1].Highlights, " ")
	if strings.Contains(hl, "<script>") || !strings.Contains(hl, "&lt;script&gt;") {
		t.Errorf("highlight of hostile text: got %q, want <script> escaped", hl)
	}
	rest := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(hl)
	if strings.ContainsAny(rest, "<>") {
		t.Errorf("highlight has markup besides <mark>: %q", hl)
	}
}

func TestHighlightOffsetsAfterAccents(t *testing.T) {
	ix := openTest(t)
	apply(t, ix, observatory.Article{ID: "x", URL: "u", Title: "Niñez y educación",
		Text: "La niñez migrante, según la ONU, sufre discriminación en la educación pública."})
	res := find(t, ix, observatory.SearchQuery{Q: "educacion"})
	if len(res.Hits) != 1 {
		t.Fatalf("hits: got %d, want 1", len(res.Hits))
	}
	joined := strings.Join(res.Hits[0].Highlights, " ")
	if !strings.Contains(joined, "<mark>educación</mark>") {
		t.Errorf("highlights: got %q, want <mark>educación</mark>", joined)
	}
}

func TestMalformedQueries(t *testing.T) {
	ix := openTest(t)
	apply(t, ix, three()...)
	tests := []struct{ name, q string }{
		{"unclosed quote", `"trata de personas`},
		{"unclosed parenthesis", `(migrantes OR refugiados`},
		{"extra parenthesis", `migrantes)`},
		{"dangling OR", `migrantes OR`},
		{"leading AND", `AND migrantes`},
		{"unknown field", `color:rojo`},
		{"empty field value", `title:`},
		{"bad regexp", `/[a-/`},
		{"numeric range on text", `title:>5`},
		{"bare wildcard", `*`},
		{"one-letter wildcard", `m*`},
		{"lone plus", `+`},
		{"bleve syntax error", `migrantes^^2`},
		{"slash after a field", `title:/(/`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ix.Search(context.Background(), observatory.SearchQuery{Q: tt.q})
			if !errors.Is(err, observatory.ErrInvalid) {
				t.Fatalf("search %q: got error %v, want one wrapping ErrInvalid", tt.q, err)
			}
			var qe *QueryError
			if !errors.As(err, &qe) || qe.Msg == "" {
				t.Errorf("search %q: got %v, want a *QueryError with a message", tt.q, err)
			}
			if strings.Contains(err.Error(), "runtime error") {
				t.Errorf("search %q: the message shows an internal error: %v", tt.q, err)
			}
		})
	}
}

func TestSecondOpenFailsFast(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	start := time.Now()
	_, err = Open(dir, Config{})
	if err == nil {
		t.Fatal("second Open: got nil error, want the index to be in use")
	}
	if !errors.Is(err, observatory.ErrConflict) {
		t.Errorf("second Open: got %v, want ErrConflict", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("second Open took %v, want it to fail within seconds", d)
	}
}

func TestReopenKeepsData(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir, Config{})
	if err != nil {
		t.Fatal(err)
	}
	apply(t, ix, three()...)
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(dir, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if n, err := ix.Count(); err != nil || n != 3 {
		t.Errorf("count after reopen: got %d, %v; want 3", n, err)
	}
	if res := find(t, ix, observatory.SearchQuery{Q: "ninez"}); res.Total != 1 {
		t.Errorf("ninez after reopen: got %d hits, want 1", res.Total)
	}
}

func TestDelete(t *testing.T) {
	ix := openTest(t)
	apply(t, ix, three()...)
	if err := ix.Apply(context.Background(), observatory.IndexBatch{Delete: []string{"a2"}}); err != nil {
		t.Fatal(err)
	}
	if got := ids(find(t, ix, observatory.SearchQuery{Q: "migrantes"})); !slices.Equal(got, []string{"a1"}) {
		t.Errorf("after delete: got %v, want [a1]", got)
	}
}
