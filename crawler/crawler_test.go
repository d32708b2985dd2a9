package crawler

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"observatory"
)

// The foundation's acceptance: a source whose feed is a fake outlet is
// crawled into the store, each article once per canonical URL, with the
// extracted fields; a second cycle stores nothing new and fetches no page.
func TestRunOnceStoresEachArticleOnce(t *testing.T) {
	ctx := context.Background()
	o := newOutlet(t, "testdata/outlet")
	db := openStore(t)
	src := addSource(t, db, "Diario de Prueba", o.URL+"/feed.xml")
	var processed []string
	var saved int
	cfg := testConfig(db)
	cfg.Process = func(_ context.Context, a *observatory.Article) { processed = append(processed, a.ID) }
	cfg.Saved = func(n int) { saved += n }
	c := newCrawler(t, cfg)

	sums, err := c.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(sums) != 1 || sums[0].New != 3 || sums[0].Err != "" {
		t.Fatalf("first run: got %+v, want one source with 3 new articles and no error", sums)
	}
	if len(processed) != 3 || saved != 3 {
		t.Errorf("got Process called %d times and Saved(%d), want 3 and 3", len(processed), saved)
	}

	canon := o.URL + "/nacionales/mujeres-migrantes-cafe"
	a, err := db.Article(ctx, observatory.ArticleID(canon))
	if err != nil {
		t.Fatalf("article by canonical URL %s: %v", canon, err)
	}
	checks := []struct {
		field, got, want string
	}{
		{"URL", a.URL, canon},
		{"Title", a.Title, "Mujeres migrantes nicaragüenses sostienen la cosecha de café en Los Santos"},
		{"SourceID", a.SourceID, src.ID},
		{"SourceName", a.SourceName, "Diario de Prueba"},
		{"Country", a.Country, "CR"},
		{"Medium", a.Medium, observatory.MediumOnline},
		{"Language", a.Language, "es"},
		{"Summary", a.Summary, "Trabajadoras temporeras denuncian jornadas largas y salarios por debajo del mínimo."},
		{"Authors", strings.Join(a.Authors, ";"), "Ana Lucía Vargas"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.field, c.got, c.want)
		}
	}
	if !strings.Contains(a.Text, "Peñas Blancas") || strings.Contains(a.Text, "Todos los derechos reservados") {
		t.Errorf("Text: got %q, want the article body without the footer", a.Text)
	}
	wantDate := time.Date(2026, 11, 16, 20, 0, 0, 0, time.UTC)
	if !a.Published.Equal(wantDate) {
		t.Errorf("Published: got %v, want %v (the feed's pubDate)", a.Published, wantDate)
	}
	// The feed's link carried utm_ parameters: it is known without them.
	if id, ok, _ := db.ArticleByLink(ctx, canon); !ok || id != a.ID {
		t.Errorf("ArticleByLink(canonical): got %q %v, want %q", id, ok, a.ID)
	}
	if n, _ := db.CountArticles(ctx); n != 3 {
		t.Errorf("stored articles: got %d, want 3", n)
	}

	pageHits := o.count("/nacionales/mujeres-migrantes-cafe")
	sums, err = c.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sums[0].New != 0 || sums[0].Known != 3 {
		t.Errorf("second run: got %d new, %d known, want 0 and 3", sums[0].New, sums[0].Known)
	}
	if got := o.count("/nacionales/mujeres-migrantes-cafe"); got != pageHits {
		t.Errorf("second run fetched a known page again: %d requests, want %d", got, pageHits)
	}
	if n, _ := db.CountArticles(ctx); n != 3 {
		t.Errorf("stored articles after second run: got %d, want 3", n)
	}
	h, _ := db.Health(ctx, src.ID)
	if h.ConsecutiveFailures != 0 || h.LastSuccess.IsZero() || h.NewLastRun != 0 || h.ItemsLastRun != 3 {
		t.Errorf("health: got %+v, want a success with 3 items and 0 new", h)
	}
}

// The guarded client refuses loopback addresses unless private networks
// are allowed, and the refusal is recorded on the source in plain words.
func TestGuardRefusesLoopback(t *testing.T) {
	ctx := context.Background()
	o := newOutlet(t, "testdata/outlet")
	db := openStore(t)
	src := addSource(t, db, "Diario de Prueba", o.URL+"/feed.xml")
	cfg := testConfig(db)
	cfg.AllowPrivateNetworks = false
	c := newCrawler(t, cfg)

	_, err := c.HTTPClient().Get(o.URL + "/feed.xml")
	if !errors.Is(err, ErrBlockedAddress) {
		t.Fatalf("GET %s: got error %v, want ErrBlockedAddress", o.URL, err)
	}
	sums, err := c.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sums[0].New != 0 || !strings.Contains(sums[0].Err, "red privada") {
		t.Errorf("got %+v, want nothing stored and a private-network error", sums[0])
	}
	if n := o.count("/feed.xml") + o.count("/robots.txt"); n != 0 {
		t.Errorf("the outlet got %d requests, want 0", n)
	}
	h, _ := db.Health(ctx, src.ID)
	if h.ConsecutiveFailures != 1 || !strings.Contains(h.LastError, "private or local network") {
		t.Errorf("health: got failures %d, error %q; want 1 and the reason", h.ConsecutiveFailures, h.LastError)
	}

	cfg.AllowPrivateNetworks = true
	c = newCrawler(t, cfg)
	if sums, _ := c.RunOnce(ctx); sums[0].New != 3 {
		t.Errorf("with AllowPrivateNetworks: got %+v, want 3 new", sums[0])
	}
}

func TestRunOnceUnknownSource(t *testing.T) {
	c := newCrawler(t, testConfig(openStore(t)))
	_, err := c.RunOnce(context.Background(), "nope")
	if !errors.Is(err, observatory.ErrNotFound) {
		t.Errorf("got %v, want ErrNotFound", err)
	}
}

func TestBlockedAddresses(t *testing.T) {
	for _, tc := range []struct {
		addr string
		want bool
	}{
		{"127.0.0.1", true}, {"10.1.2.3", true}, {"172.16.0.1", true}, {"192.168.1.1", true},
		{"169.254.169.254", true}, {"100.100.100.200", true}, {"0.0.0.0", true}, {"::1", true},
		{"fd00:ec2::254", true}, {"fe80::1", true}, {"::ffff:127.0.0.1", true}, {"224.0.0.1", true},
		{"8.8.8.8", false}, {"200.91.70.1", false}, {"2800:3f0:4001:810::200e", false},
	} {
		if got := blocked(mustAddr(t, tc.addr)); got != tc.want {
			t.Errorf("blocked(%s): got %v, want %v", tc.addr, got, tc.want)
		}
	}
}
