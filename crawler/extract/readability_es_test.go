package extract

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"observatory/crawler/internal/evaldata"
)

// The three Spanish pages of Readability.js's test suite, with its
// reviewed output as a regression target (not a gold standard): our
// title must match its title and our text must cover most of its text.
func TestReadabilityESPages(t *testing.T) {
	dir := evaldata.Dir(t, "extraction-readability-es")
	for _, tc := range []struct {
		name, url string
		minRecall float64
		wantLang  string
	}{
		{"la-nacion", "http://www.lanacion.com.ar/1964427-una-solucion-no-violenta-para-la-cuestion-mapuche", 0.9, "es"},
		{"cnet-svg-classes", "https://www.cnet.com/es/noticias/", 0.8, "es"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join(dir, tc.name, "source.html"))
			if err != nil {
				t.Fatal(err)
			}
			var meta struct{ Title string }
			if b, err := os.ReadFile(filepath.Join(dir, tc.name, "expected-metadata.json")); err != nil || json.Unmarshal(b, &meta) != nil {
				t.Fatal("expected-metadata.json unreadable")
			}
			want := htmlText(t, filepath.Join(dir, tc.name, "expected.html"))
			res, err := Extract(bytes.NewReader(src), tc.url)
			if err != nil {
				t.Fatal(err)
			}
			tp, _, fn := shingleMatch(want, res.Text)
			recall := tp / max(tp+fn, 1e-9)
			t.Logf("recall %.3f", recall)
			if recall < tc.minRecall {
				t.Errorf("recall of Readability.js's text: got %.3f, want ≥ %.2f", recall, tc.minRecall)
			}
			if res.Title != meta.Title || res.Language != tc.wantLang {
				t.Errorf("got title %q, language %q; want %q, %q", res.Title, res.Language, meta.Title, tc.wantLang)
			}
		})
	}
}

func htmlText(t *testing.T, path string) string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z := html.NewTokenizer(f)
	var b strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			b.Write(z.Text())
			b.WriteByte(' ')
		}
	}
}
