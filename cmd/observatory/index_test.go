package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"observatory"
	"observatory/index"
	"observatory/store"
)

// TestDamagedIndexRebuilt: an index that cannot be opened is set aside and
// refilled from the store, which is the source of truth.
func TestDamagedIndexRebuilt(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	db, err := store.Open(filepath.Join(data, "observatory.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := observatory.Article{URL: "https://x.example/1", Title: "Migrantes en la frontera", Text: "Texto.", Country: "PA"}
	a.ID = observatory.ArticleID(a.URL)
	if _, err := db.SaveArticle(ctx, &a); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkIndexed(ctx, 1<<62); err != nil { // as if it had been indexed
		t.Fatal(err)
	}
	db.Close()
	// A damaged index: CURRENT names a generation that is not a bleve index.
	dir := filepath.Join(data, "index")
	if err := os.MkdirAll(filepath.Join(dir, "gen-000001"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "CURRENT"), []byte("gen-000001\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "gen-000001", "index_meta.json"), []byte("{not json"), 0o644)

	code, out, errs := run(t, ctx, "--data", data, "reclassify")
	if code != 0 {
		t.Fatalf("reclassify over a damaged index: exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(errs, "setting it aside") {
		t.Errorf("stderr %q: want a warning that the index was set aside", errs)
	}
	ix, err := index.Open(dir, index.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if n, _ := ix.Count(); n != 1 {
		t.Errorf("rebuilt index holds %d documents, want 1", n)
	}
	aside, _ := filepath.Glob(dir + ".broken-*")
	if len(aside) != 1 {
		t.Errorf("damaged index kept aside: got %v", aside)
	}
}

func TestLexiconsCommand(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	lex := filepath.Join(data, "lexicons")
	if code, _, errs := run(t, ctx, "--data", data, "lexicons", "export", lex); code != 0 {
		t.Fatalf("export: %s", errs)
	}
	code, out, _ := run(t, ctx, "--data", data, "lexicons", "check")
	if code != 0 || !strings.Contains(out, "lexicons valid") {
		t.Fatalf("check of the exported files: exit %d %q", code, out)
	}
	// A mistake is reported with its file and line.
	f := filepath.Join(lex, "migration.es.txt")
	data0, _ := os.ReadFile(f)
	os.WriteFile(f, append(data0, []byte("\nrefugiado~ = mucho\n")...), 0o644)
	code, _, errs := run(t, ctx, "--data", data, "lexicons", "check")
	if code == 0 || !strings.Contains(errs, "migration.es.txt:") || !strings.Contains(errs, "mucho") {
		t.Errorf("check of a broken file: exit %d, stderr %q; want file:line and the bad value", code, errs)
	}
}
