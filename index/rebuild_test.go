package index

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"observatory"
)

// TestRebuildWhileSearching rebuilds the index from the store while
// another goroutine searches and the crawler applies new articles: the
// searches never fail and see the old index until the swap, the articles
// applied during the rebuild are in the new index, and the old
// generation is gone.
func TestRebuildWhileSearching(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir, Config{BatchSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()

	// the live index holds an outdated copy: three articles only
	apply(t, ix, three()...)
	for _, a := range append(three(), mixed()...) {
		if _, err := db.SaveArticle(ctx, &a); err != nil {
			t.Fatal(err)
		}
	}

	stop := make(chan struct{})
	var searches, failures atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := ix.Search(ctx, observatory.SearchQuery{Q: "migrantes"}); err != nil {
				failures.Add(1)
				t.Errorf("search during rebuild: %v", err)
			}
			searches.Add(1)
		}
	}()

	late := observatory.Article{ID: "late", URL: "late", Country: "PA", Title: "Llegan migrantes a Darién", Text: "Cientos de migrantes cruzan la selva."}
	var calls []int
	err = ix.Rebuild(ctx, db, func(done int) {
		calls = append(calls, done)
		if len(calls) == 2 {
			// mid-rebuild: the live index still answers with the old set
			if n, _ := ix.Count(); n != 3 {
				t.Errorf("count during rebuild: got %d, want the old 3", n)
			}
			// the crawler goes on: a new article, and a deletion of one
			// the rebuild has not read yet (IDs come in order: m29 is late)
			if err := ix.Apply(ctx, observatory.IndexBatch{Upsert: []observatory.Article{late}, Delete: []string{"m29"}}); err != nil {
				t.Errorf("apply during rebuild: %v", err)
			}
		}
	})
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if searches.Load() == 0 || failures.Load() != 0 {
		t.Errorf("searches during rebuild: %d, failures %d", searches.Load(), failures.Load())
	}
	if len(calls) < 2 || calls[len(calls)-1] != 33 {
		t.Errorf("progress: got %v, want increasing counts ending at 33", calls)
	}
	// 33 stored + late − m29
	if n, _ := ix.Count(); n != 33 {
		t.Errorf("count after rebuild: got %d, want 33", n)
	}
	if res := find(t, ix, observatory.SearchQuery{Q: "darien"}); res.Total != 1 {
		t.Errorf("article applied during rebuild: got %d hits, want 1", res.Total)
	}
	if res := find(t, ix, observatory.SearchQuery{Q: "remittances"}); res.Total != 0 {
		t.Errorf("article deleted during rebuild: got %d hits, want 0", res.Total)
	}
	cur, _ := os.ReadFile(filepath.Join(dir, currentFile))
	if got := strings.TrimSpace(string(cur)); got != "gen-000002" {
		t.Errorf("CURRENT: got %q, want gen-000002", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "gen-000001")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("old generation still on disk: %v", err)
	}

	// the swap survives a restart
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix2, err := Open(dir, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix2.Close()
	if n, _ := ix2.Count(); n != 33 {
		t.Errorf("count after reopen: got %d, want 33", n)
	}
}

type failingArticles struct{ after int }

func (f failingArticles) ForEachArticle(ctx context.Context, batch int, fn func([]observatory.Article) error) error {
	if err := fn(mixed()[:f.after]); err != nil {
		return err
	}
	return errors.New("disk on fire")
}

func TestFailedRebuildKeepsOldIndex(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	apply(t, ix, three()...)
	if err := ix.Rebuild(context.Background(), failingArticles{after: 5}, nil); err == nil {
		t.Fatal("rebuild: got nil error, want the source's error")
	}
	if n, _ := ix.Count(); n != 3 {
		t.Errorf("count after failed rebuild: got %d, want 3", n)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.IsDir() && e.Name() != "gen-000001" {
			t.Errorf("leftover %s after failed rebuild", e.Name())
		}
	}
	if res := find(t, ix, observatory.SearchQuery{Q: "ninez"}); res.Total != 1 {
		t.Errorf("search after failed rebuild: got %d, want 1", res.Total)
	}
}

func TestStaleGenerationRemovedAtOpen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir, Config{})
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	// a rebuild interrupted by a crash left its half-built generation
	if err := os.MkdirAll(filepath.Join(dir, "gen-000002", "store"), 0o755); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(dir, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, err := os.Stat(filepath.Join(dir, "gen-000002")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale generation not removed: %v", err)
	}
}
