package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"observatory"
)

// bucketArticleDays counts the articles of each source per day: key
// source ID + 0x00 + "2006-01-02" (UTC), value a big-endian count. It is
// kept in the transactions that write articles, so a source's weekly
// volume is read without scanning the articles.
var bucketArticleDays = []byte("article_days")

// articleDay is what counting needs of an article.
type articleDay struct {
	SourceID  string    `json:"source"`
	Published time.Time `json:"published"`
	Fetched   time.Time `json:"fetched"`
}

// dayKey is the counter an article adds to: the day it was published, or
// fetched when its date is unknown; nil when it has neither or no source.
func (a articleDay) dayKey() []byte {
	t := a.Published
	if t.IsZero() {
		t = a.Fetched
	}
	if t.IsZero() || a.SourceID == "" {
		return nil
	}
	return dayKey(a.SourceID, t)
}

func dayKey(source string, t time.Time) []byte {
	return append([]byte(source+"\x00"), t.UTC().Format(time.DateOnly)...)
}

// addDay adds delta to a day counter, deleting it when it reaches zero.
func addDay(tx *bolt.Tx, key []byte, delta int64) error {
	if key == nil {
		return nil
	}
	b := tx.Bucket(bucketArticleDays)
	n := int64(0)
	if v := b.Get(key); len(v) == 8 {
		n = int64(binary.BigEndian.Uint64(v))
	}
	n += delta
	if n <= 0 {
		return b.Delete(key)
	}
	return b.Put(key, u64(uint64(n)))
}

// moveDay moves an article's count when a rewrite changed its source or
// date.
func moveDay(tx *bolt.Tx, oldJSON []byte, a *observatory.Article) error {
	var old articleDay
	if err := json.Unmarshal(oldJSON, &old); err != nil {
		return fmt.Errorf("store: decode article %s: %w", a.ID, err)
	}
	from, to := old.dayKey(), articleDay{SourceID: a.SourceID, Published: a.Published, Fetched: a.Fetched}.dayKey()
	if bytes.Equal(from, to) {
		return nil
	}
	if err := addDay(tx, from, -1); err != nil {
		return err
	}
	return addDay(tx, to, 1)
}

// rebuildDays recounts every stored article: the migration to schema 2.
func rebuildDays(tx *bolt.Tx) error {
	if err := tx.DeleteBucket(bucketArticleDays); err != nil && !errors.Is(err, berrors.ErrBucketNotFound) {
		return err
	}
	if _, err := tx.CreateBucket(bucketArticleDays); err != nil {
		return err
	}
	counts := make(map[string]int64)
	err := tx.Bucket(bucketArticles).ForEach(func(k, v []byte) error {
		var a articleDay
		if err := json.Unmarshal(v, &a); err != nil {
			return fmt.Errorf("store: decode article %s: %w", k, err)
		}
		if key := a.dayKey(); key != nil {
			counts[string(key)]++
		}
		return nil
	})
	if err != nil {
		return err
	}
	b := tx.Bucket(bucketArticleDays)
	for k, n := range counts {
		if err := b.Put([]byte(k), u64(uint64(n))); err != nil {
			return err
		}
	}
	return nil
}

// ArticlesPerDay returns, for every source with articles on or after the
// day of since, how many it has per day (UTC midnight), counted by
// publication date (fetch date when unknown). It reads counters kept as
// articles are written, so it costs one seek per source, not a scan of the
// articles.
func (db *DB) ArticlesPerDay(ctx context.Context, since time.Time) (map[string]map[time.Time]int, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make(map[string]map[time.Time]int)
	from := since.UTC().Format(time.DateOnly)
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketArticleDays).Cursor()
		k, v := c.First()
		for k != nil {
			i := bytes.IndexByte(k, 0)
			if i < 0 {
				k, v = c.Next()
				continue
			}
			src := string(k[:i])
			prefix := append([]byte(nil), k[:i+1]...)
			// Jump to the first day on or after since for this source.
			if string(k[i+1:]) < from {
				k, v = c.Seek(append(prefix, from...))
			}
			for ; k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
				day, err := time.Parse(time.DateOnly, string(k[i+1:]))
				if err != nil || len(v) != 8 {
					continue
				}
				if out[src] == nil {
					out[src] = make(map[time.Time]int)
				}
				out[src][day] = int(binary.BigEndian.Uint64(v))
			}
		}
		return nil
	})
	return out, err
}
