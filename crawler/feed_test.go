package crawler

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"observatory/crawler/internal/evaldata"
)

// TestRealFeeds parses every feed of ../shared/data/feeds: the real ones
// must give their items, the malformed ones a result or a clear error,
// none a panic or a hang.
func TestRealFeeds(t *testing.T) {
	dir := evaldata.Dir(t, "feeds")
	f, err := os.Open(filepath.Join(dir, "index.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = '\t'
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := make(map[string]int)
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, row := range rows[1:] {
		name := row[col["file"]]
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan struct{})
			var items []item
			var info feedInfo
			go func() {
				defer close(done)
				items, _, info, err = parseFeed(body, "", "https://feeds.example/"+filepath.Base(name))
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("parsing hangs")
			}
			for _, it := range items {
				if !utf8.ValidString(it.Title) || !utf8.ValidString(it.Summary) {
					t.Errorf("invalid UTF-8 in item %q", it.Link)
				}
			}
			if row[col["real_world"]] != "1" {
				if err != nil && err.Error() == "" {
					t.Error("an error without a message")
				}
				return
			}
			want, _ := strconv.Atoi(row[col["items"]])
			if err != nil || info.Items != want || len(items) < want-1 {
				t.Errorf("got %d entries (%d with a link), %v; want %d", info.Items, len(items), err, want)
			}
		})
	}
}

// Feeds in legacy charsets come out as UTF-8 whether the charset is in
// the HTTP header, the XML declaration, or nowhere.
func TestFeedCharsets(t *testing.T) {
	latin1 := func(s string) string {
		var b []byte
		for _, r := range s {
			b = append(b, byte(r))
		}
		return string(b)
	}
	rss := func(decl, title string) []byte {
		return []byte(decl + `<rss version="2.0"><channel><title>x</title><item><title>` + title +
			`</title><link>https://diario.example/a</link></item></channel></rss>`)
	}
	want := "¿Niñez migrante en Panamá?"
	for _, tc := range []struct {
		name, contentType string
		body              []byte
	}{
		{"declared ISO-8859-1", "", rss(`<?xml version="1.0" encoding="ISO-8859-1"?>`, latin1(want))},
		{"declared windows-1252 in the header only", "text/xml; charset=windows-1252", rss(`<?xml version="1.0"?>`, latin1(want))},
		{"header wins over declaration", "application/rss+xml; charset=iso-8859-1", rss(`<?xml version="1.0" encoding="utf-8"?>`, latin1(want))},
		{"undeclared Latin-1", "", rss("", latin1(want))},
		{"Latin-1 under a UTF-8 header", "application/rss+xml; charset=utf-8", rss(`<?xml version="1.0"?>`, latin1(want))},
		{"Latin-1 declared UTF-8", "", rss(`<?xml version="1.0" encoding="utf-8"?>`, latin1(want))},
		{"UTF-8 with BOM", "", append([]byte("\xEF\xBB\xBF"), rss(`<?xml version="1.0" encoding="UTF-8"?>`, want)...)},
		{"UTF-16", "", utf16le(string(rss(`<?xml version="1.0" encoding="UTF-16"?>`, want)))},
	} {
		items, _, _, err := parseFeed(tc.body, tc.contentType, "https://diario.example/feed")
		if err != nil || len(items) != 1 || items[0].Title != want {
			t.Errorf("%s: got %+v, %v; want one item titled %q", tc.name, items, err, want)
		}
	}
}

func utf16le(s string) []byte {
	b := []byte{0xFF, 0xFE}
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

func TestSitemaps(t *testing.T) {
	news := `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://diario.example/a?utm_source=gn</loc><news:news><news:publication><news:name>Diario</news:name><news:language>es</news:language></news:publication>
<news:publication_date>2026-11-20T10:00:00-06:00</news:publication_date><news:title>Retornan 300 migrantes</news:title></news:news></url>
<url><loc>https://diario.example/b</loc><lastmod>2026-11-21</lastmod></url>
</urlset>`
	items, index, _, err := parseFeed([]byte(news), "application/xml", "https://diario.example/sitemap-news.xml")
	if err != nil || len(index) != 0 || len(items) != 2 {
		t.Fatalf("news sitemap: got %+v %v %v", items, index, err)
	}
	if items[0].Link != "https://diario.example/b" || items[1].Link != "https://diario.example/a" ||
		items[1].Title != "Retornan 300 migrantes" || items[1].Language != "es" || items[1].Published.IsZero() {
		t.Errorf("news sitemap items (newest first): got %+v", items)
	}
	idx := `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>/sitemap-2025.xml</loc><lastmod>2025-12-31</lastmod></sitemap>
<sitemap><loc>/sitemap-2026.xml</loc><lastmod>2026-11-01</lastmod></sitemap></sitemapindex>`
	_, index, _, err = parseFeed([]byte(idx), "", "https://diario.example/sitemap.xml")
	if err != nil || strings.Join(index, " ") != "https://diario.example/sitemap-2026.xml https://diario.example/sitemap-2025.xml" {
		t.Errorf("sitemap index: got %v %v, want the sitemaps newest first", index, err)
	}
}

func TestListing(t *testing.T) {
	page := `<html><body><nav><a href="/">Inicio</a></nav>
<div class="nota"><h2><a href="/pais/uno?utm_source=home">Uno</a></h2></div>
<div class="nota"><h2><a href="https://diario.example/pais/dos#top">Dos</a></h2></div>
<div class="nota"><h2><a href="https://publicidad.example/x">Anuncio</a></h2></div>
<div class="nota"><a href="/pais/uno">Uno otra vez</a></div></body></html>`
	items, err := parseListing([]byte(page), "text/html", "https://diario.example/pais/", ".nota")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range items {
		got = append(got, it.Link)
	}
	if want := "https://diario.example/pais/uno https://diario.example/pais/dos"; strings.Join(got, " ") != want {
		t.Errorf("got %v, want %s", got, want)
	}
	if _, err := parseListing([]byte(page), "", "https://diario.example/", "div[["); err == nil {
		t.Error("a bad selector gave no error")
	}
}

// A TTL hint makes a quiet feed wait longer than its schedule.
func TestFeedTTL(t *testing.T) {
	body := `<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel><title>x</title><ttl>180</ttl>
<item><title>a</title><link>https://diario.example/a</link></item></channel></rss>`
	_, _, info, err := parseFeed([]byte(body), "", "https://diario.example/feed")
	if err != nil || info.TTL != 3*time.Hour {
		t.Errorf("got TTL %v, %v; want 3h", info.TTL, err)
	}
	body = `<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel><title>x</title>
<sy:updatePeriod>daily</sy:updatePeriod><sy:updateFrequency>4</sy:updateFrequency></channel></rss>`
	if _, _, info, _ := parseFeed([]byte(body), "", "https://diario.example/feed"); info.TTL != 6*time.Hour {
		t.Errorf("sy: got TTL %v, want 6h", info.TTL)
	}
}

// FuzzParseFeed: any bytes give items or an error, never a panic, and
// item text is valid UTF-8.
func FuzzParseFeed(f *testing.F) {
	for _, name := range []string{"testdata/outlet/feed.xml", "testdata/win1252/feed.xml"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "")
	}
	f.Add([]byte(`<urlset><url><loc>/a</loc></url></urlset>`), "application/xml")
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1","items":[{"url":"/x","title":"t"}]}`), "application/json")
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		done := make(chan struct{})
		go func() {
			defer close(done)
			items, _, _, _ := parseFeed(body, ct, "https://fuzz.example/feed")
			for _, it := range items {
				if !utf8.ValidString(it.Title) || !utf8.ValidString(it.Summary) || !strings.HasPrefix(it.Link, "http") {
					t.Errorf("bad item %+v", it)
				}
			}
		}()
		select {
		case <-done:
		case <-ctx.Done():
			t.Fatal("parseFeed hangs")
		}
	})
}
