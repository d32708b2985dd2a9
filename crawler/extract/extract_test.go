package extract

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGolden extracts each testdata page and compares the result with its
// .golden.json (refresh with -update after checking the change by eye).
func TestGolden(t *testing.T) {
	pages := []struct {
		file, url, contentType string
	}{
		{"jsonld-es.html", "https://observador.example/pais/plazo-regularizacion?utm_medium=rss", ""},
		{"latin1-meta.html", "http://antiguo.example/nacionales/ninez.php?id=12", ""},
		{"foreign-canonical.html", "https://regional.example/mundo/caravana", ""},
		{"english.html", "https://wire.example/business/remittances-record?fbclid=abc", "text/html"},
	}
	for _, p := range pages {
		t.Run(p.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", p.file))
			if err != nil {
				t.Fatal(err)
			}
			res, err := Extract(bytes.NewReader(raw), p.url, WithContentType(p.contentType))
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.MarshalIndent(res, "", "  ")
			golden := filepath.Join("testdata", strings.TrimSuffix(p.file, ".html")+".golden.json")
			if *update {
				if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if string(bytes.TrimSpace(want)) != string(got) {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// TestFields states what the golden files show, so that a careless
// -update cannot bless a regression.
func TestFields(t *testing.T) {
	get := func(file, url string) Result {
		raw, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		res, err := Extract(bytes.NewReader(raw), url)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	es := get("jsonld-es.html", "https://observador.example/pais/plazo-regularizacion")
	latin := get("latin1-meta.html", "http://antiguo.example/nacionales/ninez.php?id=12")
	foreign := get("foreign-canonical.html", "https://regional.example/mundo/caravana?utm_source=x")
	en := get("english.html", "https://wire.example/business/remittances-record")
	cases := []struct {
		name, got, want string
	}{
		{"canonical: tracking and fragment dropped, same site", es.CanonicalURL, "https://www.observador.example/pais/plazo-regularizacion?id=7"},
		{"published from JSON-LD", es.Published.UTC().Format("2006-01-02T15:04"), "2026-10-02T13:45"},
		{"authors from JSON-LD", strings.Join(es.Authors, "; "), "Carla Jiménez; Luis Mora"},
		{"image resolved", es.ImageURL, "https://observador.example/img/frontera.jpg"},
		{"language", es.Language, "es"},
		{"Latin-1 title", latin.Title, "Niñez migrante: ¿qué dice la ley?"},
		{"Latin-1 language", latin.Language, "es"},
		{"Latin-1 date", latin.Published.Format("2006-01-02"), "2026-09-14"},
		{"canonical on another site ignored", foreign.CanonicalURL, "https://regional.example/mundo/caravana"},
		{"English", en.Language, "en"},
		{"og:url canonical", en.CanonicalURL, "https://wire.example/business/remittances-record"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
	for _, c := range []struct {
		name, text, want, unwanted string
	}{
		{"es body", es.Text, "trabajadoras domésticas", "Lo más leído"},
		{"es footer", es.Text, "La Gaceta", "Suscríbase"},
		{"Latin-1 quotes", latin.Text, "“Cada caso exige una evaluación individual”", "todos los derechos reservados"},
	} {
		if !strings.Contains(c.text, c.want) || strings.Contains(c.text, c.unwanted) {
			t.Errorf("%s: got %q, want %q in it and not %q", c.name, c.text, c.want, c.unwanted)
		}
	}
}

func TestToUTF8(t *testing.T) {
	latin := []byte("<html><head><meta charset=\"iso-8859-1\"></head><body>ni\xf1ez \xbfqu\xe9?</body></html>")
	undeclared := []byte("<html><body>ni\xf1ez \xbfqu\xe9?</body></html>")
	utf := []byte("<html><body>niñez ¿qué?</body></html>")
	for _, tc := range []struct {
		name, contentType string
		page              []byte
	}{
		{"meta charset", "", latin},
		{"header charset", "text/html; charset=windows-1252", undeclared},
		{"nothing declared, not UTF-8", "", undeclared},
		{"UTF-8 header over Latin-1 bytes", "text/html; charset=UTF-8", latin},
		{"UTF-8 header over undeclared Latin-1", "text/html; charset=utf-8", undeclared},
		{"UTF-8, nothing declared", "", utf},
		{"UTF-8 declared", "text/html; charset=utf-8", utf},
	} {
		if got := string(ToUTF8(tc.page, tc.contentType)); !strings.Contains(got, "niñez ¿qué?") {
			t.Errorf("%s: got %q", tc.name, got)
		}
	}
}

func TestNoContent(t *testing.T) {
	_, err := Extract(strings.NewReader("<html><head><title>Vacía</title></head><body></body></html>"), "https://x.example/")
	if !errors.Is(err, ErrNoContent) {
		t.Errorf("got %v, want ErrNoContent", err)
	}
	if _, err := Extract(strings.NewReader("<p>x</p>"), "ftp://x.example/"); err == nil {
		t.Error("a non-http page URL was accepted")
	}
}

func TestDetectLanguage(t *testing.T) {
	for _, tc := range []struct {
		text, page string
		hints      []string
		want       string
	}{
		{"Las personas migrantes llegaron a la frontera norte después de varios días de camino.", "", nil, "es"},
		{"Migrants reached the northern border after walking for several days.", "es", nil, "en"},
		{"", "es-CR", nil, "es"},
		{"", "", []string{"", "pt"}, "pt"},
		{"Sí", "", []string{"es"}, "es"},
	} {
		if got := detectLanguage(tc.text, tc.page, tc.hints); got != tc.want {
			t.Errorf("detectLanguage(%q, %q, %q): got %q, want %q", tc.text, tc.page, tc.hints, got, tc.want)
		}
	}
}

func TestSplitAuthors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Por Ana Pérez y Juan Ruiz", "Ana Pérez|Juan Ruiz"},
		{"Carla Jiménez; Luis Mora; carla jiménez", "Carla Jiménez|Luis Mora"},
		{"", ""},
	} {
		if got := strings.Join(splitAuthors(tc.in), "|"); got != tc.want {
			t.Errorf("splitAuthors(%q): got %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzExtract: any bytes give a result or an error, never a panic, and
// the text is valid UTF-8.
func FuzzExtract(f *testing.F) {
	for _, name := range []string{"jsonld-es.html", "latin1-meta.html"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("<html><head><meta charset=utf-16></head><body>\xff\xfe</body>"))
	f.Fuzz(func(t *testing.T, page []byte) {
		res, _ := Extract(bytes.NewReader(page), "https://fuzz.example/a")
		for _, s := range []string{res.Title, res.Text, res.Language, res.CanonicalURL} {
			if !utf8.ValidString(s) {
				t.Errorf("invalid UTF-8 in result: %q", s)
			}
		}
	})
}
