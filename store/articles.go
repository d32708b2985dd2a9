package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"observatory"
)

// SaveArticle stores a new article under its ID, with the links it is known
// by (the feed item's link, the fetched URL, the canonical URL) and a "to
// index" entry, in one transaction. An article already stored under that ID
// is left as it is and created is false. Concurrent calls are batched into
// one write transaction.
func (db *DB) SaveArticle(ctx context.Context, a *observatory.Article, links ...string) (created bool, err error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if a.ID == "" || a.URL == "" {
		return false, fmt.Errorf("store: article without ID or URL: %w", observatory.ErrInvalid)
	}
	err = db.bolt.Batch(func(tx *bolt.Tx) error {
		created = false // Batch may run the function again
		arts := tx.Bucket(bucketArticles)
		linkB := tx.Bucket(bucketLinks)
		for _, l := range append(links, a.URL) {
			if l == "" {
				continue
			}
			if err := linkB.Put([]byte(l), []byte(a.ID)); err != nil {
				return err
			}
		}
		if arts.Get([]byte(a.ID)) != nil {
			return nil
		}
		if err := putJSON(arts, []byte(a.ID), a); err != nil {
			return err
		}
		if err := addDay(tx, articleDay{SourceID: a.SourceID, Published: a.Published, Fetched: a.Fetched}.dayKey(), 1); err != nil {
			return err
		}
		if err := tx.Bucket(bucketFetched).Put(fetchedKey(a.Fetched, a.ID), nil); err != nil {
			return err
		}
		created = true
		return enqueueIndex(tx, a.ID)
	})
	return created, err
}

// fetchedKey is an article's key in the index by fetch time: the instant,
// big-endian nanoseconds since 1970 (zero before), then the ID.
func fetchedKey(fetched time.Time, id string) []byte {
	k := make([]byte, 8, 8+len(id))
	if ns := fetched.UnixNano(); ns > 0 && !fetched.IsZero() {
		binary.BigEndian.PutUint64(k, uint64(ns))
	}
	return append(k, id...)
}

// rebuildFetched fills the index by fetch time from the stored articles.
func rebuildFetched(tx *bolt.Tx) error {
	b := tx.Bucket(bucketFetched)
	return tx.Bucket(bucketArticles).ForEach(func(k, v []byte) error {
		var a struct {
			Fetched time.Time `json:"fetched"`
		}
		if err := json.Unmarshal(v, &a); err != nil {
			return fmt.Errorf("store: decode article %s: %w", k, err)
		}
		return b.Put(fetchedKey(a.Fetched, string(k)), nil)
	})
}

// ForEachArticleSince calls fn with the articles fetched at or after
// since, oldest first, in short read transactions of at most batch
// articles; fn runs outside any transaction. Reading back the recent
// articles so costs what the period holds, whatever the store's size.
func (db *DB) ForEachArticleSince(ctx context.Context, since time.Time, batch int, fn func([]observatory.Article) error) error {
	if batch <= 0 {
		batch = 500
	}
	from := fetchedKey(since, "")
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		page := make([]observatory.Article, 0, batch)
		end := false
		err := db.bolt.View(func(tx *bolt.Tx) error {
			arts := tx.Bucket(bucketArticles)
			c := tx.Bucket(bucketFetched).Cursor()
			for k, _ := c.Seek(from); ; k, _ = c.Next() {
				if k == nil {
					end = true
					return nil
				}
				if len(page) == batch {
					from = slices.Clone(k) // the next page starts here
					return nil
				}
				v := arts.Get(k[8:])
				if v == nil {
					continue
				}
				var a observatory.Article
				if err := json.Unmarshal(v, &a); err != nil {
					return fmt.Errorf("store: decode article %s: %w", k[8:], err)
				}
				page = append(page, a)
			}
		})
		if err != nil {
			return err
		}
		if len(page) > 0 {
			if err := fn(page); err != nil {
				return err
			}
		}
		if end {
			return nil
		}
	}
}

// UpdateArticles replaces stored articles (after reclassification, say) and
// queues them for indexing. Articles not stored are an error.
func (db *DB) UpdateArticles(ctx context.Context, arts []observatory.Article) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketArticles)
		for i := range arts {
			id := []byte(arts[i].ID)
			old := b.Get(id)
			if old == nil {
				return fmt.Errorf("store: article %s: %w", arts[i].ID, observatory.ErrNotFound)
			}
			if err := moveDay(tx, old, &arts[i]); err != nil {
				return err
			}
			if err := putJSON(b, id, &arts[i]); err != nil {
				return err
			}
			if err := enqueueIndex(tx, arts[i].ID); err != nil {
				return err
			}
		}
		return nil
	})
}

func enqueueIndex(tx *bolt.Tx, id string) error {
	q := tx.Bucket(bucketToIndex)
	seq, err := q.NextSequence()
	if err != nil {
		return err
	}
	return q.Put(u64(seq), []byte(id))
}

// ArticleByLink returns the ID of the article known by link, if any: the
// crawler asks before fetching a page it may already have.
func (db *DB) ArticleByLink(ctx context.Context, link string) (string, bool, error) {
	if err := ctx.Err(); err != nil {
		return "", false, err
	}
	var id string
	err := db.bolt.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketLinks).Get([]byte(link)); v != nil {
			id = string(v)
		}
		return nil
	})
	return id, id != "", err
}

// Article returns the stored article with the given ID.
func (db *DB) Article(ctx context.Context, id string) (*observatory.Article, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var a observatory.Article
	err := db.bolt.View(func(tx *bolt.Tx) error {
		ok, err := getJSON(tx.Bucket(bucketArticles), []byte(id), &a)
		if err == nil && !ok {
			err = fmt.Errorf("store: article %s: %w", id, observatory.ErrNotFound)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// CountArticles returns how many articles are stored.
func (db *DB) CountArticles(ctx context.Context) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var n int
	err := db.bolt.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketArticles).Stats().KeyN
		return nil
	})
	return n, err
}

// ForEachArticle calls fn with every stored article in ID order, reading
// them in short transactions of at most batch articles so that writers are
// not held up; fn runs outside any transaction. It stops at fn's first error.
func (db *DB) ForEachArticle(ctx context.Context, batch int, fn func([]observatory.Article) error) error {
	if batch <= 0 {
		batch = 500
	}
	var after []byte
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		page := make([]observatory.Article, 0, batch)
		err := db.bolt.View(func(tx *bolt.Tx) error {
			c := tx.Bucket(bucketArticles).Cursor()
			k, v := c.First()
			if after != nil {
				k, v = c.Seek(after)
				if k != nil && string(k) == string(after) {
					k, v = c.Next()
				}
			}
			for ; k != nil && len(page) < batch; k, v = c.Next() {
				var a observatory.Article
				if err := json.Unmarshal(v, &a); err != nil {
					return fmt.Errorf("store: decode article %s: %w", k, err)
				}
				page = append(page, a)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if len(page) == 0 {
			return nil
		}
		after = []byte(page[len(page)-1].ID)
		if err := fn(page); err != nil {
			return err
		}
		if len(page) < batch {
			return nil
		}
	}
}

// PendingIndex returns up to limit entries of the "to index" log, oldest
// first: the articles to (re)index and the IDs of those no longer stored.
// Pass the batch's Through to MarkIndexed once the index holds them.
func (db *DB) PendingIndex(ctx context.Context, limit int) (observatory.IndexBatch, error) {
	var batch observatory.IndexBatch
	if err := ctx.Err(); err != nil {
		return batch, err
	}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		arts := tx.Bucket(bucketArticles)
		seen := make(map[string]bool)
		c := tx.Bucket(bucketToIndex).Cursor()
		for k, v := c.First(); k != nil && len(seen) < limit; k, v = c.Next() {
			batch.Through = binary.BigEndian.Uint64(k)
			id := string(v)
			if seen[id] {
				continue
			}
			seen[id] = true
			data := arts.Get(v)
			if data == nil {
				batch.Delete = append(batch.Delete, id)
				continue
			}
			var a observatory.Article
			if err := json.Unmarshal(data, &a); err != nil {
				return fmt.Errorf("store: decode article %s: %w", id, err)
			}
			batch.Upsert = append(batch.Upsert, a)
		}
		return nil
	})
	return batch, err
}

// MarkIndexed removes the "to index" entries up to and including through.
// Entries written after PendingIndex read its batch stay queued.
func (db *DB) MarkIndexed(ctx context.Context, through uint64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.bolt.Update(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketToIndex).Cursor()
		for k, _ := c.First(); k != nil && binary.BigEndian.Uint64(k) <= through; k, _ = c.First() {
			if err := c.Delete(); err != nil {
				return err
			}
		}
		return nil
	})
}

// PendingCount returns the length of the "to index" log.
func (db *DB) PendingCount(ctx context.Context) (int, error) {
	var n int
	err := db.bolt.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketToIndex).Stats().KeyN
		return nil
	})
	return n, err
}

// QueueAllForIndex puts every stored article on the "to index" log, for a
// rebuild of the index from the store.
func (db *DB) QueueAllForIndex(ctx context.Context) (int, error) {
	n := 0
	err := db.ForEachArticle(ctx, 1000, func(page []observatory.Article) error {
		return db.bolt.Update(func(tx *bolt.Tx) error {
			for i := range page {
				if err := enqueueIndex(tx, page[i].ID); err != nil {
					return err
				}
				n++
			}
			return nil
		})
	})
	return n, err
}
