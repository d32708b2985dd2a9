package store

import (
	"context"
	"encoding/json"

	bolt "go.etcd.io/bbolt"

	"observatory"
)

// Health returns the crawl state of a source; a source never crawled has a
// zero state with its ID.
func (db *DB) Health(ctx context.Context, sourceID string) (observatory.SourceHealth, error) {
	h := observatory.SourceHealth{SourceID: sourceID}
	if err := ctx.Err(); err != nil {
		return h, err
	}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		_, err := getJSON(tx.Bucket(bucketHealth), []byte(sourceID), &h)
		return err
	})
	return h, err
}

// PutHealth records the crawl state of a source. A source deleted in the
// meantime (a crawl still running when a coordinator deleted it) gets no
// record: it would be an orphan that nothing shows or removes.
func (db *DB) PutHealth(ctx context.Context, h observatory.SourceHealth) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.bolt.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketSources).Get([]byte(h.SourceID)) == nil {
			return nil
		}
		return putJSON(tx.Bucket(bucketHealth), []byte(h.SourceID), &h)
	})
}

// AllHealth returns the crawl state of every source crawled at least once,
// by source ID.
func (db *DB) AllHealth(ctx context.Context) (map[string]observatory.SourceHealth, error) {
	out := make(map[string]observatory.SourceHealth)
	if err := ctx.Err(); err != nil {
		return out, err
	}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketHealth).ForEach(func(k, v []byte) error {
			var h observatory.SourceHealth
			if err := json.Unmarshal(v, &h); err != nil {
				return err
			}
			out[string(k)] = h
			return nil
		})
	})
	return out, err
}
