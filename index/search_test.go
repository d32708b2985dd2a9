package index

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"observatory"
)

// mixed is a small corpus for filters, sorting and paging: 30 articles
// over three countries (i%3), two outlets per country (i%2), two
// languages, three months (i/10), every fourth one tagged migration,
// every fifth gender.
func mixed() []observatory.Article {
	countries := []string{"CR", "NI", "GT"}
	var out []observatory.Article
	for i := range 30 {
		c := countries[i%3]
		a := observatory.Article{
			ID:         fmt.Sprintf("m%02d", i),
			URL:        fmt.Sprintf("https://example.org/%d", i),
			SourceID:   fmt.Sprintf("%s-%d", c, i%2),
			SourceName: fmt.Sprintf("Medio %s %d", c, i%2),
			Country:    c,
			Medium:     []string{"print", "online"}[i%2],
			Language:   "es",
			Published:  time.Date(2026, time.Month(9+i/10), 1+i%10, 12, 0, 0, 0, time.UTC),
			Title:      fmt.Sprintf("Noticia %d sobre el país", i),
			Text:       "Texto general de la noticia con datos económicos.",
		}
		if i%4 == 0 {
			a.Tags = append(a.Tags, observatory.TagResult{Tag: "migration", Score: 0.8, Subtags: []string{"labour"}})
			a.Text += " Los migrantes trabajan en la cosecha."
		}
		if i%5 == 0 {
			a.Tags = append(a.Tags, observatory.TagResult{Tag: "gender", Score: 0.6, Subtags: []string{"violence"}})
			a.Text += " Las mujeres denuncian violencia."
		}
		if i == 29 {
			a.Language = "en"
			a.Title = "Migrants' remittances keep rising"
			a.Text = "Migrants sent more money home this year, the central bank reports."
		}
		out = append(out, a)
	}
	return out
}

func TestFilters(t *testing.T) {
	for _, cfg := range []Config{{}, {Unpartitioned: true}} {
		t.Run(fmt.Sprintf("unpartitioned=%v", cfg.Unpartitioned), func(t *testing.T) { testFilters(t, cfg) })
	}
}

func testFilters(t *testing.T, cfg Config) {
	ix, err := Open(filepath.Join(t.TempDir(), "index"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	apply(t, ix, mixed()...)
	apply(t, ix, observatory.Article{ID: "nowhere", URL: "n", Country: "ZZ", Title: "Sin país"})
	tests := []struct {
		name string
		q    observatory.SearchQuery
		want int
	}{
		{"all", observatory.SearchQuery{}, 31},
		{"unknown country", observatory.SearchQuery{Country: []string{"ZZ"}}, 1},
		{"country not in index", observatory.SearchQuery{Country: []string{"PA"}}, 0},
		{"country", observatory.SearchQuery{Country: []string{"CR"}}, 10},
		{"two countries", observatory.SearchQuery{Country: []string{"CR", "NI"}}, 20},
		{"country lower case", observatory.SearchQuery{Country: []string{"cr"}}, 10},
		{"tag", observatory.SearchQuery{Tag: []string{"migration"}}, 8},
		{"subtag", observatory.SearchQuery{Tag: []string{"violence"}}, 6},
		{"tag or subtag", observatory.SearchQuery{Tag: []string{"gender", "labour"}}, 12},
		{"source", observatory.SearchQuery{Source: []string{"CR-0"}}, 5},
		{"medium", observatory.SearchQuery{Medium: []string{"online"}}, 15},
		{"country and query syntax", observatory.SearchQuery{Q: "pais:NI", Country: []string{"CR", "NI"}}, 10},
		{"kind", observatory.SearchQuery{Kind: []string{"article"}}, 31},
		{"kind document", observatory.SearchQuery{Kind: []string{"document"}}, 0},
		{"language", observatory.SearchQuery{Language: []string{"en"}}, 1},
		{"from", observatory.SearchQuery{From: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}, 10},
		{"to whole day", observatory.SearchQuery{To: time.Date(2026, 9, 5, 0, 0, 0, 0, time.UTC)}, 5},
		{"to instant", observatory.SearchQuery{To: time.Date(2026, 9, 5, 11, 0, 0, 0, time.UTC)}, 4},
		{"range", observatory.SearchQuery{From: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)}, 10},
		{"filters combine", observatory.SearchQuery{Country: []string{"CR"}, Tag: []string{"migration"}}, 3},
		{"query and filter", observatory.SearchQuery{Q: "migrantes", Country: []string{"NI"}}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := find(t, ix, tt.q)
			if int(res.Total) != tt.want {
				t.Errorf("total: got %d, want %d", res.Total, tt.want)
			}
		})
	}
}

func TestFacetsFollowFilters(t *testing.T) {
	ix := openTest(t)
	apply(t, ix, mixed()...)
	res := find(t, ix, observatory.SearchQuery{Country: []string{"CR"}, Tag: []string{"migration"}})
	checks := []struct {
		facet, term string
		want        int
	}{
		{"country", "CR", 3}, // m00, m12, m24
		{"country", "NI", 0},
		{"tag", "migration", 3},
		{"tag", "gender", 1}, // m00
		{"subtag", "labour", 3},
		{"source", "CR-0", 3},
		{"source", "CR-1", 0},
		{"medium", "print", 3},
		{"kind", "article", 3},
		{"language", "es", 3},
		{"month", "2026-09", 1},
		{"month", "2026-11", 1},
	}
	for _, c := range checks {
		if got := res.Facets[c.facet][c.term]; got != c.want {
			t.Errorf("facet %s[%s]: got %d, want %d (facet %v)", c.facet, c.term, got, c.want, res.Facets[c.facet])
		}
	}
}

func TestSortAndPagination(t *testing.T) {
	ix := openTest(t)
	arts := mixed()
	// ties: five articles share one instant, so only the ID orders them
	for i := 10; i < 15; i++ {
		arts[i].Published = time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC)
	}
	apply(t, ix, arts...)
	for _, sort := range []string{"date", "-date", "relevance"} {
		t.Run(sort, func(t *testing.T) {
			var all []string
			for page := 1; page <= 5; page++ {
				res := find(t, ix, observatory.SearchQuery{Sort: sort, Page: page, Size: 7})
				if page < 5 && len(res.Hits) != 7 || page == 5 && len(res.Hits) != 2 {
					t.Fatalf("page %d: got %d hits", page, len(res.Hits))
				}
				if res.Total != 30 {
					t.Fatalf("page %d: total %d, want 30", page, res.Total)
				}
				for _, h := range res.Hits {
					all = append(all, h.ID)
				}
			}
			seen := map[string]bool{}
			for _, id := range all {
				if seen[id] {
					t.Fatalf("%s appears on two pages: %v", id, all)
				}
				seen[id] = true
			}
			if len(seen) != 30 {
				t.Fatalf("pages hold %d distinct hits, want 30", len(seen))
			}
			// pages agree with one big page
			one := find(t, ix, observatory.SearchQuery{Sort: sort, Size: 30})
			if !slices.Equal(ids(one), all) {
				t.Errorf("paged order %v differs from single page %v", all, ids(one))
			}
			if sort == "relevance" {
				return
			}
			byDate := slices.Clone(arts)
			// by date, and articles of the same second by ID, in the
			// same direction
			slices.SortFunc(byDate, func(a, b observatory.Article) int {
				c := a.Published.Truncate(time.Second).Compare(b.Published.Truncate(time.Second))
				if c == 0 {
					c = cmpString(a.ID, b.ID)
				}
				if sort == "date" {
					return -c
				}
				return c
			})
			var want []string
			for _, a := range byDate {
				want = append(want, a.ID)
			}
			if !slices.Equal(all, want) {
				t.Errorf("sort %s: got %v, want %v", sort, all, want)
			}
		})
	}
}

// Pages by relevance across partitions: many hits tie (the same words in
// texts of the same length), in three partitions, and each page comes from
// the partitions' best hits merged; pages must neither overlap nor skip,
// and every hit must carry its ID, fields and highlights.
func TestRelevancePagesAcrossPartitions(t *testing.T) {
	ix := openTest(t)
	apply(t, ix, mixed()...)
	q := observatory.SearchQuery{Q: "texto noticia", Size: 50}
	one := find(t, ix, q)
	want := ids(one)
	if len(want) != 29 || one.Total != 29 { // all but the English one
		t.Fatalf("one page: got %d hits of %d, want 29", len(want), one.Total)
	}
	for _, size := range []int{1, 4, 7} {
		var all []string
		for page := 1; len(all) < len(want); page++ {
			q.Page, q.Size = page, size
			res := find(t, ix, q)
			if res.Total != 29 {
				t.Fatalf("size %d page %d: total %d, want 29", size, page, res.Total)
			}
			if len(res.Hits) == 0 {
				t.Fatalf("size %d page %d: no hits after %d", size, page, len(all))
			}
			for _, h := range res.Hits {
				if h.ID == "" || h.Title == "" || len(h.Highlights) == 0 {
					t.Fatalf("size %d page %d: hit %+v lacks its ID, title or highlights", size, page, h)
				}
				all = append(all, h.ID)
			}
		}
		if !slices.Equal(all, want) {
			t.Errorf("size %d: paged order %v, want the single page's %v", size, all, want)
		}
	}
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestRelevance(t *testing.T) {
	ix := openTest(t)
	apply(t, ix,
		observatory.Article{ID: "body", URL: "1", Title: "Informe anual", Text: "El informe trata de remesas y de economía en general."},
		observatory.Article{ID: "title", URL: "2", Title: "Remesas récord", Text: "El informe anual trata de economía en general y empleo."},
	)
	res := find(t, ix, observatory.SearchQuery{Q: "remesas"})
	if got := ids(res); !slices.Equal(got, []string{"title", "body"}) {
		t.Errorf("title match should rank first: got %v", got)
	}
}

func TestQuerySyntax(t *testing.T) {
	ix := openTest(t)
	apply(t, ix, mixed()...)
	apply(t, ix, observatory.Article{ID: "trata", URL: "t", Country: "CR", Language: "es", Published: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC),
		Title: "Red de trata de personas desarticulada", Text: "La policía desarticuló una red de trata de personas en la frontera.",
		Authors: []string{"Ana Núñez"}})
	tests := []struct {
		q    string
		want int
	}{
		{`"trata de personas"`, 1},
		{`"personas de trata"`, 0},
		{`migrantes`, 9}, // 8 Spanish and m29 in English ("Migrants", read in English)
		{`migrants`, 9},
		{`migrantes AND mujeres`, 2},
		{`migrantes && mujeres`, 2},
		{`+migrantes +mujeres`, 2},
		{`migrantes OR mujeres`, 13},
		{`migrantes || mujeres`, 13},
		{`migrantes mujeres`, 13},
		{`migrantes AND NOT mujeres`, 7},
		{`migrantes -mujeres`, 7},
		{`NOT migrantes`, 22},
		{`! migrantes`, 22},
		{`NOT NOT migrantes`, 9},
		{`(migrantes OR mujeres) AND country:CR`, 4},
		{`(migrantes OR mujeres) AND -(country:CR)`, 9},
		{`pais:cr`, 11},
		{`country:CR tag:migration`, 16},
		{`+country:CR +tag:migration`, 3},
		{`etiqueta:violence`, 6},
		{`subtag:labour`, 8},
		{`tag:migration`, 8},
		{`tag:migr*`, 8},           // keyword wildcards and regexps stay within their field
		{`fuente:CR-*`, 10},        // CR-0 and CR-1, not the CR article without a source
		{`pais:/C./`, 11},          // CR, not the other countries
		{`subetiqueta:/lab.*/`, 8}, // labour
		{`medio:/p.*|x/`, 15},      // the alternation stays within the field's terms
		{`titulo:red`, 1},
		{`title:migrantes`, 1}, // m29's title, "Migrants' remittances"
		{`texto:frontera`, 1},
		{`autor:nunez`, 1},
		{`migra*`, 9},
		{`MIGRA*`, 9},
		{`/remit.*/`, 1},  // regexps see indexed terms: "remittances" is "remitt"
		{`migrantx~1`, 9}, // one edit from the stem "migrant"
		{`month:2026-11`, 11},
		{`mes:2026-09`, 10},
		{`semana:2026-W47`, 1},
		{`published:>"2026-11-15"`, 1},
		{`fecha:<"2026-09-05"`, 4},
		{`idioma:en`, 1},
		{`tipo:article`, 31},
		{`medio:print`, 15},
		{`de la`, 0},
		{`la AND migrantes`, 9}, // a stop word drops out, even where English would keep it
		{`the AND migrants`, 9},
		{`migrantes^3 mujeres`, 13},
		{`2026`, 0},
		{`“trata de personas”`, 1},
		{`«trata de personas»`, 1},
		{`ex-presidente`, 0},
		{`niñez-migrante`, 9}, // one clause, either word
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			res := find(t, ix, observatory.SearchQuery{Q: tt.q, Size: 50})
			if int(res.Total) != tt.want {
				t.Errorf("search %q: got %d hits, want %d: %v", tt.q, res.Total, tt.want, ids(res))
			}
		})
	}
}

func TestEnglishAnalysis(t *testing.T) {
	ix := openTest(t)
	apply(t, ix, observatory.Article{ID: "en", URL: "e", Language: "en", Title: "Women workers", Text: "The deportations of women were reported."},
		observatory.Article{ID: "es", URL: "s", Language: "es", Title: "Trabajadoras", Text: "Las deportaciones de mujeres fueron denunciadas."})
	for _, tt := range []struct {
		q    string
		want []string
	}{
		{"deportation", []string{"en"}},
		{"report", []string{"en"}},
		{"deportación", []string{"es"}},
		{"worker", []string{"en"}},
	} {
		if got := sorted(ids(find(t, ix, observatory.SearchQuery{Q: tt.q}))); !slices.Equal(got, tt.want) {
			t.Errorf("search %q: got %v, want %v", tt.q, got, tt.want)
		}
	}
}

func TestBadPaging(t *testing.T) {
	ix := openTest(t)
	for _, q := range []observatory.SearchQuery{
		{Page: MaxResultWindow, Size: 20},
		{Sort: "popularity"},
		{From: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		if _, err := ix.Search(context.Background(), q); !errors.Is(err, observatory.ErrInvalid) {
			t.Errorf("search %+v: got %v, want ErrInvalid", q, err)
		}
	}
	// deep but allowed: page 200 of 20
	res, err := ix.Search(context.Background(), observatory.SearchQuery{Page: 200, Size: 20})
	if err != nil || len(res.Hits) != 0 {
		t.Errorf("page 200 of an empty index: got %v, %v", res, err)
	}
}

func TestAggregate(t *testing.T) {
	ix := openTest(t)
	apply(t, ix, mixed()...)
	ctx := context.Background()
	agg, err := ix.Aggregate(ctx, AggregateQuery{Interval: "month"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"2026-09", "2026-10", "2026-11"}; !slices.Equal(agg.Periods, want) {
		t.Errorf("periods: got %v, want %v", agg.Periods, want)
	}
	// migration: i%3==0 → all in CR (i%3==0 ↔ country CR) and month 09
	checks := []struct {
		name      string
		got, want int
	}{
		{"all CR 2026-09", agg.ByCountry["*"]["2026-09"]["CR"], 4},               // 0, 3, 6, 9
		{"migration CR 2026-09", agg.ByCountry["migration"]["2026-09"]["CR"], 1}, // 0
		{"migration NI 2026-10", agg.ByCountry["migration"]["2026-10"]["NI"], 1}, // 16
		{"migration GT 2026-10", agg.ByCountry["migration"]["2026-10"]["GT"], 0}, //
		{"gender CR 2026-09", agg.ByCountry["gender"]["2026-09"]["CR"], 1},       // 0
		{"gender NI 2026-10", agg.ByCountry["gender"]["2026-10"]["NI"], 1},       // 10
		{"gender CR-0 source", agg.BySource["gender"]["2026-09"]["CR-0"], 1},     // 0
		{"all GT-1 2026-11", agg.BySource["*"]["2026-11"]["GT-1"], 2},            // 23, 29
		{"total all", agg.Total["*"], 30},
		{"total migration", agg.Total["migration"], 8},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %d, want %d", c.name, c.got, c.want)
		}
	}
	if got := agg.Share["CR-0"]["gender"]; got != 0.2 { // m00 of m00, m06, m12, m18, m24
		t.Errorf("share of CR-0 carrying gender: got %v, want 0.2", got)
	}
	if got := agg.Share["CR-0"]["migration"]; got != 0.6 { // m00, m12, m24
		t.Errorf("share of CR-0 carrying migration: got %v, want 0.6", got)
	}

	weekly, err := ix.Aggregate(ctx, AggregateQuery{Interval: "week", SearchQuery: observatory.SearchQuery{Country: []string{"NI"}}})
	if err != nil {
		t.Fatal(err)
	}
	if weekly.Total["*"] != 10 || len(weekly.ByCountry["*"]) == 0 {
		t.Errorf("weekly NI: got totals %v, %d periods", weekly.Total, len(weekly.Periods))
	}
	for p, byCountry := range weekly.ByCountry["*"] {
		if _, _, ok := weekRange(p); !ok {
			t.Errorf("period %q is not an ISO week", p)
		}
		if len(byCountry) != 1 || byCountry["NI"] == 0 {
			t.Errorf("week %s: got %v, want NI only", p, byCountry)
		}
	}
	if _, err := ix.Aggregate(ctx, AggregateQuery{Interval: "day"}); !errors.Is(err, observatory.ErrInvalid) {
		t.Errorf("interval day: got %v, want ErrInvalid", err)
	}
}

func TestWeekRange(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"2026-W47", "2026-11-16", true},
		{"2026-W01", "2025-12-29", true},
		{"2020-W53", "2020-12-28", true},
		{"2026-W53", "2026-12-28", true},
		{"2025-W53", "", false},
		{"2026-47", "", false},
	} {
		from, to, ok := weekRange(tt.in)
		if ok != tt.ok || ok && (from.Format("2006-01-02") != tt.want || to.Sub(from) != 7*24*time.Hour) {
			t.Errorf("weekRange(%q): got %v %v %v, want %s %v", tt.in, from, to, ok, tt.want, tt.ok)
		}
	}
}

// TestQueryHelpExamples keeps the help page honest: every query it shows
// parses.
func TestQueryHelpExamples(t *testing.T) {
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	notQueries := map[string]bool{"AND": true, "OR": true, "NOT": true, "&&": true, "||": true, "!": true,
		"?": true, "campo:valor": true, "titulo": true, "title": true}
	spanish, _, _ := strings.Cut(QueryHelp, "\n---\n")
	n := 0
	for _, part := range strings.Split(spanish, "`")[1:] {
		n++
		if n%2 == 0 { // text between code spans
			continue
		}
		if notQueries[part] {
			continue
		}
		if _, err := parseQuery(part, m); err != nil {
			t.Errorf("help example %q: %v", part, err)
		}
	}
	if n < 40 {
		t.Errorf("found %d code spans in the help, want its examples", n/2)
	}
}
