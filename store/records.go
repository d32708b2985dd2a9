package store

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"observatory"
)

// getRecord reads the record under id in bucket, failing with ErrNotFound
// (named "store: <kind> <id>") when there is none.
func getRecord[T any](tx *bolt.Tx, bucket []byte, kind, id string) (*T, error) {
	var v T
	ok, err := getJSON(tx.Bucket(bucket), []byte(id), &v)
	if err == nil && !ok {
		err = fmt.Errorf("store: %s %s: %w", kind, id, observatory.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// guardedRecord reads the record a change is about and runs the caller's
// guard on it.
func guardedRecord[T any](tx *bolt.Tx, bucket []byte, kind, id string, guard func(stored *T) error) (*T, error) {
	old, err := getRecord[T](tx, bucket, kind, id)
	if err != nil {
		return nil, err
	}
	if guard != nil {
		if err := guard(old); err != nil {
			return nil, err
		}
	}
	return old, nil
}

// viewRecord is getRecord in its own read transaction.
func viewRecord[T any](ctx context.Context, db *DB, bucket []byte, kind, id string) (*T, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out *T
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		out, err = getRecord[T](tx, bucket, kind, id)
		return err
	})
	return out, err
}

// listRecords returns the records of bucket that match, in key order.
func listRecords[T any](ctx context.Context, db *DB, bucket []byte, match func(*T) bool) ([]T, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []T
	err := db.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		return b.ForEach(func(k, _ []byte) error {
			var v T
			if _, err := getJSON(b, k, &v); err != nil {
				return err
			}
			if match(&v) {
				out = append(out, v)
			}
			return nil
		})
	})
	return out, err
}
