package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ErrNotStore is returned (wrapped) by CheckFile for a file that is not
// an observatory store.
var ErrNotStore = errors.New("store: not an observatory store")

// CheckFile reports whether the file at path is an observatory store this
// program can open: a bbolt file whose meta bucket holds a schema version
// no newer than SchemaVersion. It opens the file read-only and writes
// nothing, so an empty file or another program's bbolt file is refused
// rather than initialised (as Open would do).
func CheckFile(path string) error {
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrNotStore, path, err)
	}
	defer b.Close()
	return b.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			return fmt.Errorf("%w: %s has no meta bucket", ErrNotStore, path)
		}
		v := meta.Get(keySchema)
		if len(v) != 8 {
			return fmt.Errorf("%w: %s has no schema version", ErrNotStore, path)
		}
		if n := binary.BigEndian.Uint64(v); n > SchemaVersion {
			return fmt.Errorf("%s: %w", path, errNewerSchema(n))
		}
		return nil
	})
}
