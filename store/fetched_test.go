package store

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"observatory"
)

// ForEachArticleSince reads the articles fetched since a time, oldest
// first, across pages, and a store from before the index (schema 2) gets
// it built on upgrade.
func TestForEachArticleSince(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "observatory.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var want []string // fetched on or after day 10, oldest first
	for i := range 30 {
		url := fmt.Sprintf("https://a.example/%02d", i)
		// saved out of order, two per instant
		fetched := base.Add(time.Duration((i*7)%30/2) * 24 * time.Hour)
		a := &observatory.Article{ID: observatory.ArticleID(url), URL: url, SourceID: "cr-a", Fetched: fetched}
		if _, err := db.SaveArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	// an article without a fetch time is never "recent"
	if _, err := db.SaveArticle(ctx, &observatory.Article{ID: "none", URL: "https://a.example/none"}); err != nil {
		t.Fatal(err)
	}
	since := base.Add(10 * 24 * time.Hour)
	all := func(db *DB, batch int) []string {
		t.Helper()
		var ids []string
		var last time.Time
		err := db.ForEachArticleSince(ctx, since, batch, func(arts []observatory.Article) error {
			if len(arts) > batch {
				t.Errorf("a page of %d articles, batch %d", len(arts), batch)
			}
			for _, a := range arts {
				if a.Fetched.Before(since) || a.Fetched.Before(last) {
					t.Errorf("%s fetched %v: before %v or out of order", a.ID, a.Fetched, since)
				}
				last = a.Fetched
				ids = append(ids, a.ID)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	err = db.ForEachArticle(ctx, 100, func(arts []observatory.Article) error {
		for _, a := range arts {
			if !a.Fetched.Before(since) {
				want = append(want, a.ID)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got := all(db, 4)
	if len(got) != len(want) || len(want) == 0 {
		t.Fatalf("got %d articles, want %d", len(got), len(want))
	}
	slices.Sort(want)
	if sorted := slices.Sorted(slices.Values(got)); !slices.Equal(sorted, want) {
		t.Errorf("got %v, want %v", sorted, want)
	}

	// A store written by schema 2 had no index: opening it builds one.
	db = reopenAsSchema(t, db, path, 2, bucketFetched)
	if again := all(db, 1000); !slices.Equal(again, got) {
		t.Errorf("after the upgrade from schema 2: got %v, want %v", again, got)
	}
}

// reopenAsSchema turns the store at path, open as db, into what schema
// version wrote (recorded version, bucket missing), closes it and opens it
// again, as a newer program would: the upgrade runs.
func reopenAsSchema(t *testing.T, db *DB, path string, version uint64, missing []byte) *DB {
	t.Helper()
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(missing); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySchema, u64(version))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
