package index

import (
	"context"
	"path/filepath"
	"testing"

	"observatory"
	"observatory/store"
)

func openStore(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "observatory.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestCatchUpAfterCrash stores articles (the store writes each with its
// "to index" marker) but never indexes them, as if the process died
// between the two writes; a new index catches up from the log.
func TestCatchUpAfterCrash(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	dir := filepath.Join(t.TempDir(), "index")

	ix, err := Open(dir, Config{BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	arts := three()
	// the first article made it into the index but the crash came before
	// the store heard of it: it is indexed again, harmlessly
	for i := range arts {
		if _, err := db.SaveArticle(ctx, &arts[i]); err != nil {
			t.Fatal(err)
		}
	}
	apply(t, ix, arts[0])
	if err := ix.Close(); err != nil { // the "crash"
		t.Fatal(err)
	}

	ix, err = Open(dir, Config{BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	n, err := ix.CatchUp(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("caught up: got %d, want 3", n)
	}
	if c, _ := ix.Count(); c != 3 {
		t.Errorf("count: got %d, want 3", c)
	}
	if p, _ := db.PendingCount(ctx); p != 0 {
		t.Errorf("pending after catch-up: got %d, want 0", p)
	}
	if res := find(t, ix, observatory.SearchQuery{Q: "ninez"}); res.Total != 1 {
		t.Errorf("ninez after catch-up: got %d hits, want 1", res.Total)
	}

	// a reclassified article is re-indexed with its new tags
	arts[2].Tags = []observatory.TagResult{{Tag: "migration", Score: 0.5}}
	if err := db.UpdateArticles(ctx, arts[2:]); err != nil {
		t.Fatal(err)
	}
	if n, err := ix.CatchUp(ctx, db); err != nil || n != 1 {
		t.Errorf("second catch-up: got %d, %v; want 1, nil", n, err)
	}
	if res := find(t, ix, observatory.SearchQuery{Tag: []string{"migration"}}); res.Total != 3 {
		t.Errorf("migration after reclassification: got %d, want 3", res.Total)
	}
	// nothing left: a third catch-up applies nothing
	if n, err := ix.CatchUp(ctx, db); err != nil || n != 0 {
		t.Errorf("idle catch-up: got %d, %v; want 0, nil", n, err)
	}
}
