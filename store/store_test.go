package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"observatory"
	"observatory/store"
)

func openTemp(t testing.TB) (*store.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "observatory.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

func TestOpenLockedFailsFast(t *testing.T) {
	_, path := openTemp(t)
	start := time.Now()
	_, err := store.Open(path, store.Options{Timeout: 200 * time.Millisecond})
	if !errors.Is(err, store.ErrLocked) {
		t.Fatalf("second Open: got %v, want ErrLocked", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("second Open took %v, want under a second", d)
	}
}

func source(name, home string) *observatory.Source {
	return &observatory.Source{Name: name, Country: "CR", Medium: "print", Homepage: home, Feeds: []string{home + "feed/"}, Active: true}
}

func TestSourcesCRUD(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	s := source("La Nación", "https://www.nacion.com/")
	if err := db.CreateSource(ctx, s, "ana"); err != nil {
		t.Fatal(err)
	}
	if s.ID != "cr-la-nacion" {
		t.Errorf("ID: got %q, want cr-la-nacion", s.ID)
	}
	// Same name, other homepage: a new ID.
	s2 := source("La Nación", "https://example.org/")
	if err := db.CreateSource(ctx, s2, "ana"); err != nil {
		t.Fatal(err)
	}
	if s2.ID != "cr-la-nacion-2" {
		t.Errorf("second ID: got %q, want cr-la-nacion-2", s2.ID)
	}
	// Same homepage written differently: a conflict.
	dup := source("Otra", "http://nacion.com")
	if err := db.CreateSource(ctx, dup, "ana"); !errors.Is(err, observatory.ErrConflict) {
		t.Errorf("duplicate homepage: got %v, want ErrConflict", err)
	}
	bad := source("", "ftp://x")
	bad.Country = "MX"
	err := db.CreateSource(ctx, bad, "ana")
	var v *observatory.ValidationError
	if !errors.As(err, &v) || len(v.Fields) != 4 {
		t.Errorf("invalid source: got %v, want a ValidationError on name, country, homepage and feeds", err)
	}

	s.Name = "La Nación (CR)"
	if err := db.UpdateSource(ctx, s, "luis"); err != nil {
		t.Fatal(err)
	}
	got, err := db.Source(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "La Nación (CR)" || got.CreatedBy != "ana" || got.UpdatedBy != "luis" {
		t.Errorf("after update: got %+v", got)
	}
	s2.Homepage = "https://nacion.com"
	if err := db.UpdateSource(ctx, s2, "luis"); !errors.Is(err, observatory.ErrConflict) {
		t.Errorf("update to a taken homepage: got %v, want ErrConflict", err)
	}
	list, err := db.Sources(ctx, observatory.SourceFilter{Q: "nación (cr"})
	if err != nil || len(list) != 1 {
		t.Errorf("filter: got %d sources (%v), want 1", len(list), err)
	}
	if err := db.DeleteSource(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Source(ctx, s.ID); !errors.Is(err, observatory.ErrNotFound) {
		t.Errorf("deleted source: got %v, want ErrNotFound", err)
	}
	// The homepage is free again.
	if err := db.CreateSource(ctx, source("La Nación", "https://nacion.com/"), "ana"); err != nil {
		t.Errorf("re-create after delete: %v", err)
	}
}

// TestInvalidUTF8Homepage: bytes that are not UTF-8 (a form or a command
// line in another encoding) must not make the homepage's uniqueness key
// differ from the homepage stored (JSON stores U+FFFD for them): deleting
// the source must free its homepage.
func TestInvalidUTF8Homepage(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	s := source("Radio \xf1and\xfa", "https://radio.example/noticias-\xe1/")
	if err := db.CreateSource(ctx, s, "ana"); err != nil {
		t.Fatal(err)
	}
	got, err := db.Source(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Homepage != s.Homepage || got.Name != s.Name {
		t.Errorf("stored homepage %q name %q; the caller was told %q and %q", got.Homepage, got.Name, s.Homepage, s.Name)
	}
	if err := db.DeleteSource(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	again := source("Radio \xf1and\xfa", "https://radio.example/noticias-\xe1/")
	if err := db.CreateSource(ctx, again, "ana"); err != nil {
		t.Errorf("registering the homepage of a deleted source again: %v", err)
	}
}

func TestSeedOnce(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	seed := []observatory.Source{*source("A", "https://a.example/"), *source("B", "https://b.example/")}
	ok, err := db.SeedSources(ctx, seed)
	if err != nil || !ok {
		t.Fatalf("first seed: got %v, %v", ok, err)
	}
	if err := db.DeleteSource(ctx, "cr-a"); err != nil {
		t.Fatal(err)
	}
	ok, err = db.SeedSources(ctx, seed)
	if err != nil || ok {
		t.Fatalf("second seed: got %v, %v; want false, nil", ok, err)
	}
	list, _ := db.Sources(ctx, observatory.SourceFilter{})
	if len(list) != 1 {
		t.Errorf("after delete and re-seed: got %d sources, want 1", len(list))
	}
}

func article(url string) *observatory.Article {
	return &observatory.Article{ID: observatory.ArticleID(url), URL: url, Title: "t " + url}
}

func TestArticlesAndIndexLog(t *testing.T) {
	ctx := context.Background()
	db, path := openTemp(t)
	a := article("https://x.example/1")
	created, err := db.SaveArticle(ctx, a, "https://x.example/1?utm_source=rss")
	if err != nil || !created {
		t.Fatalf("save: got %v, %v", created, err)
	}
	created, err = db.SaveArticle(ctx, article("https://x.example/1"))
	if err != nil || created {
		t.Fatalf("save again: got %v, %v; want false", created, err)
	}
	if id, ok, _ := db.ArticleByLink(ctx, "https://x.example/1?utm_source=rss"); !ok || id != a.ID {
		t.Errorf("ArticleByLink: got %q %v, want %q", id, ok, a.ID)
	}
	if _, err := db.SaveArticle(ctx, article("https://x.example/2")); err != nil {
		t.Fatal(err)
	}
	batch, err := db.PendingIndex(ctx, 10)
	if err != nil || len(batch.Upsert) != 2 {
		t.Fatalf("pending: got %d (%v), want 2", len(batch.Upsert), err)
	}
	// A change after the batch was read stays queued after MarkIndexed.
	a.Title = "changed"
	if err := db.UpdateArticles(ctx, []observatory.Article{*a}); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkIndexed(ctx, batch.Through); err != nil {
		t.Fatal(err)
	}
	batch, _ = db.PendingIndex(ctx, 10)
	if len(batch.Upsert) != 1 || batch.Upsert[0].Title != "changed" {
		t.Fatalf("after mark: got %+v, want the changed article", batch.Upsert)
	}
	// The log survives a restart (a crash between store and index).
	db.Close()
	db2, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if n, _ := db2.PendingCount(ctx); n != 1 {
		t.Errorf("pending after reopen: got %d, want 1", n)
	}
	var ids []string
	err = db2.ForEachArticle(ctx, 1, func(p []observatory.Article) error {
		for _, a := range p {
			ids = append(ids, a.ID)
		}
		return nil
	})
	if err != nil || len(ids) != 2 {
		t.Errorf("ForEachArticle: got %v (%v), want 2 ids", ids, err)
	}
}

// A crawl that ends after its source was deleted leaves no health record
// behind; deleting a source removes its record.
func TestHealthFollowsSource(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	s := source("El Faro", "https://elfaro.example/")
	if err := db.CreateSource(ctx, s, "ana"); err != nil {
		t.Fatal(err)
	}
	if err := db.PutHealth(ctx, observatory.SourceHealth{SourceID: s.ID, ConsecutiveFailures: 2}); err != nil {
		t.Fatal(err)
	}
	if all, err := db.AllHealth(ctx); err != nil || all[s.ID].ConsecutiveFailures != 2 {
		t.Fatalf("health after a crawl: %+v, %v", all, err)
	}
	if err := db.DeleteSource(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	// the crawl that was running writes its outcome now
	if err := db.PutHealth(ctx, observatory.SourceHealth{SourceID: s.ID, ConsecutiveFailures: 3}); err != nil {
		t.Fatal(err)
	}
	if all, err := db.AllHealth(ctx); err != nil || len(all) != 0 {
		t.Errorf("health of a deleted source: %+v, %v; want none", all, err)
	}
}
