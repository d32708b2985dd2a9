// Package store keeps the observatory's source of truth in one bbolt file:
// sources, articles, crawl state and the "to index" log that lets the
// search index catch up after a crash. One process owns a data directory.
package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the layout this code reads and writes. Version 2 added
// the per-day article counters (built from the articles on upgrade), the
// change history and the actors directory; a version-1 program would
// write articles without counting them, so it must refuse a version-2
// file. Version 3 added the index of articles by fetch time (built on
// upgrade), which near-duplicate detection reads at start.
const SchemaVersion = 3

// ErrLocked is returned by Open when another process holds the data directory.
var ErrLocked = errors.New("store: the data directory is in use by another observatory process (only one process may open it; stop the running server or use its API)")

var (
	bucketMeta      = []byte("meta")
	bucketSources   = []byte("sources")
	bucketHomepages = []byte("source_homepages") // HomepageKey → source ID
	bucketArticles  = []byte("articles")
	bucketLinks     = []byte("article_links")   // any URL seen for an article → article ID
	bucketToIndex   = []byte("to_index")        // big-endian sequence → article ID
	bucketFetched   = []byte("article_fetched") // fetchedKey → nothing
	bucketHealth    = []byte("source_health")

	keySchema = []byte("schema_version")
	keySeeded = []byte("seeded")
)

var allBuckets = [][]byte{bucketMeta, bucketSources, bucketHomepages, bucketArticles, bucketLinks, bucketToIndex, bucketHealth,
	bucketUsers, bucketSessions, bucketTokens, bucketHistory, bucketActors, bucketArticleDays, bucketFetched}

// Options tune Open.
type Options struct {
	// Timeout bounds the wait for the file lock held by another process.
	// Zero means one second.
	Timeout  time.Duration
	ReadOnly bool
	// Now is the clock used for timestamps; nil means time.Now.
	Now func() time.Time
}

// DB is the observatory's store. Its methods are safe for concurrent use.
type DB struct {
	bolt *bolt.DB
	now  func() time.Time
}

// Open opens (creating if needed) the store file at path. If another
// process holds it, Open fails within opts.Timeout with ErrLocked.
func Open(path string, opts Options) (*DB, error) {
	if opts.Timeout == 0 {
		opts.Timeout = time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if !opts.ReadOnly {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
	}
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.Timeout, ReadOnly: opts.ReadOnly})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, fmt.Errorf("%w: %s", ErrLocked, path)
		}
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	db := &DB{bolt: b, now: opts.Now}
	if !opts.ReadOnly {
		if err := db.migrate(); err != nil {
			b.Close()
			return nil, err
		}
	}
	return db, nil
}

// Close closes the file and releases the lock.
func (db *DB) Close() error { return db.bolt.Close() }

func (db *DB) migrate() error {
	return db.bolt.Update(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("store: create bucket %s: %w", name, err)
			}
		}
		meta := tx.Bucket(bucketMeta)
		v := meta.Get(keySchema)
		if v == nil { // a new file
			return meta.Put(keySchema, u64(SchemaVersion))
		}
		version := binary.BigEndian.Uint64(v)
		if version > SchemaVersion {
			return errNewerSchema(version)
		}
		if version < 2 {
			// 1 → 2: count the articles already stored per source and day.
			if err := rebuildDays(tx); err != nil {
				return fmt.Errorf("store: upgrade to schema 2: %w", err)
			}
		}
		if version < 3 {
			// 2 → 3: index the articles already stored by fetch time.
			if err := rebuildFetched(tx); err != nil {
				return fmt.Errorf("store: upgrade to schema 3: %w", err)
			}
		}
		return meta.Put(keySchema, u64(SchemaVersion))
	})
}

// errNewerSchema refuses a store written by a newer program.
func errNewerSchema(version uint64) error {
	return fmt.Errorf("store: schema version %d is newer than this program's %d; upgrade the observatory", version, SchemaVersion)
}

func u64(n uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, n)
	return b
}

func getJSON(b *bolt.Bucket, key []byte, v any) (bool, error) {
	data := b.Get(key)
	if data == nil {
		return false, nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return true, fmt.Errorf("store: decode %s: %w", key, err)
	}
	return true, nil
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("store: encode %s: %w", key, err)
	}
	return b.Put(key, data)
}

// Backup writes a consistent copy of the whole store to a file at path.
func (db *DB) Backup(ctx context.Context, path string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	tmp := path + ".tmp"
	err := db.bolt.View(func(tx *bolt.Tx) error { return tx.CopyFile(tmp, 0o600) })
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("store: backup: %w", err)
	}
	return os.Rename(tmp, path)
}
