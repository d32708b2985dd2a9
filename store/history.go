package store

import (
	"bytes"
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"observatory"
)

// bucketHistory holds the change history of the directories, keyed by
// entity kind, record ID and sequence ("source/cr-x/" + 8 bytes), so one
// record's history is one prefix scan in the order it happened.
var bucketHistory = []byte("history")

func historyPrefix(entity, id string) []byte {
	return []byte(entity + "/" + id + "/")
}

// usedID says whether an ID was ever given to a record of that kind: it
// is stored now, or has a history (a deleted record). Generated IDs are
// never reused, so a new record does not inherit an old one's history or
// articles.
func usedID(tx *bolt.Tx, bucket []byte, entity, id string) bool {
	if tx.Bucket(bucket).Get([]byte(id)) != nil {
		return true
	}
	prefix := historyPrefix(entity, id)
	k, _ := tx.Bucket(bucketHistory).Cursor().Seek(prefix)
	return k != nil && bytes.HasPrefix(k, prefix)
}

// recordChange appends a change to the history, in the caller's
// transaction: the change and its record commit or fail together.
func recordChange(tx *bolt.Tx, c observatory.Change) error {
	b := tx.Bucket(bucketHistory)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	c.Seq = seq
	key := append(historyPrefix(c.Entity, c.EntityID), u64(seq)...)
	return putJSON(b, key, &c)
}

// newChange builds the history entry of a change from old to new (old
// nil for a creation, new nil for a deletion), without the values of the
// fields named in hide.
func newChange[T any](entity, id, name, country, by string, at time.Time, old, new *T, hide []string) (observatory.Change, error) {
	action := observatory.ChangeUpdate
	switch {
	case old == nil:
		action = observatory.ChangeCreate
	case new == nil:
		action = observatory.ChangeDelete
	}
	fields, err := observatory.Diff(old, new, hide...)
	if err != nil {
		return observatory.Change{}, fmt.Errorf("store: %w", err)
	}
	return observatory.Change{At: at, By: by, Entity: entity, EntityID: id, Name: name, Country: country,
		Action: action, Fields: fields}, nil
}

// History returns the changes made to one record, newest first. A record
// never changed (or unknown) has none.
func (db *DB) History(ctx context.Context, entity, id string) ([]observatory.Change, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []observatory.Change
	prefix := historyPrefix(entity, id)
	err := db.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketHistory)
		c := b.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if len(k) != len(prefix)+8 {
				continue // a longer ID that shares the prefix cannot: IDs have no "/"
			}
			var ch observatory.Change
			if _, err := getJSON(b, k, &ch); err != nil {
				return err
			}
			out = append(out, ch)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: history of %s %s: %w", entity, id, err)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}
