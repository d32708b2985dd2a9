package crawler

import (
	"context"
	"math/bits"
	"strings"
	"testing"
	"time"

	"observatory"
)

// Two outlets reprint one agency story with their own headline, byline
// and an added line; each also publishes a story of its own on a related
// topic. The reprints are grouped, the others are not, and each copy stays
// stored under its own URL.
func TestNearDuplicatesGrouped(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	a := newOutlet(t, "testdata/agency-a")
	b := newOutlet(t, "testdata/agency-b")
	addSource(t, db, "Diario A", a.URL+"/feed.xml")
	addSource(t, db, "Diario B", b.URL+"/feed.xml")
	c := newCrawler(t, testConfig(db))
	sums, err := c.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	grouped := 0
	for _, s := range sums {
		grouped += s.Grouped
		if s.New != 2 {
			t.Errorf("%s: got %d new, want 2 (%s)", s.SourceID, s.New, s.Err)
		}
	}
	if grouped != 1 {
		t.Errorf("got %d articles grouped on arrival, want 1", grouped)
	}
	get := func(base, path string) *observatory.Article {
		art, err := db.Article(ctx, observatory.ArticleID(base+path))
		if err != nil {
			t.Fatalf("%s%s: %v", base, path, err)
		}
		return art
	}
	ra, rb := get(a.URL, "/retornados"), get(b.URL, "/deportados-vuelos")
	if ra.Group == "" || ra.Group != rb.Group || (ra.Group != ra.ID && ra.Group != rb.ID) {
		t.Errorf("reprints: got groups %q and %q, want one group named after the first copy (%s or %s)", ra.Group, rb.Group, ra.ID, rb.ID)
	}
	for _, art := range []*observatory.Article{get(a.URL, "/mercado-cantonal"), get(b.URL, "/albergues-migrantes")} {
		if art.Group != "" {
			t.Errorf("%s: got group %q, want none", art.URL, art.Group)
		}
	}

	// After a restart, a third reprint joins the same group, however many
	// articles the store holds: it reads back only the recent ones.
	c2 := newCrawler(t, testConfig(db))
	c2.dups.maxSeed = 1 // what listing every article by ID would give up on
	c2.dups.load(ctx, db, time.Now())
	third := &observatory.Article{ID: "third", Text: strings.ReplaceAll(rb.Text, "jueves", "viernes")}
	if g, mark := c2.dups.assign(third, time.Now()); g != ra.Group || mark != "" {
		t.Errorf("after restart: got group %q (mark %q), want %q", g, mark, ra.Group)
	}
}

func TestSimhash(t *testing.T) {
	long := strings.Repeat("las personas migrantes retornadas recibieron atención médica y orientación laboral ", 8)
	h1, ok1 := simhash(long)
	h2, ok2 := simhash(long + " Con información de EFE.")
	_, okShort := simhash("Sube el precio del arroz")
	if !ok1 || !ok2 || okShort {
		t.Fatalf("fingerprinted: long %v, long+line %v, short %v; want true, true, false", ok1, ok2, okShort)
	}
	if d := bits.OnesCount64(h1 ^ h2); d > 6 {
		t.Errorf("a line added moved the fingerprint %d bits, want ≤ 6", d)
	}
}

// Articles fetched before the window are not read back at start.
func TestNearDuplicatesSeedWindow(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	text := strings.Repeat("las personas migrantes retornadas recibieron atención médica y orientación laboral ", 8)
	now := time.Now()
	for i, age := range []time.Duration{20 * 24 * time.Hour, time.Hour} {
		url := "https://a.example/" + string(rune('a'+i))
		a := &observatory.Article{ID: observatory.ArticleID(url), URL: url, Text: text, Fetched: now.Add(-age)}
		if _, err := db.SaveArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	d := newNearDups(10, 14*24*time.Hour)
	d.load(ctx, db, now)
	if len(d.entries) != 1 || d.entries[0].id != observatory.ArticleID("https://a.example/b") {
		t.Errorf("seeded %+v, want the recent article only", d.entries)
	}
}
