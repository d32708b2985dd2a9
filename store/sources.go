package store

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"

	"observatory"
)

// CreateSource normalises, validates and stores a new source, giving it an
// ID derived from its country and name when it has none. It fails with
// ErrInvalid (a *observatory.ValidationError) or ErrConflict when another
// source has the same homepage or ID.
func (db *DB) CreateSource(ctx context.Context, s *observatory.Source, by string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.Normalize()
	if err := s.Validate(); err != nil {
		return err
	}
	now := db.now().UTC()
	s.CreatedAt, s.UpdatedAt = now, now
	s.CreatedBy, s.UpdatedBy = by, by
	return db.bolt.Update(func(tx *bolt.Tx) error { return createSource(tx, s) })
}

func createSource(tx *bolt.Tx, s *observatory.Source) error {
	b := tx.Bucket(bucketSources)
	homes := tx.Bucket(bucketHomepages)
	key := []byte(observatory.HomepageKey(s.Homepage))
	if other := homes.Get(key); other != nil {
		return conflict("homepage", fmt.Sprintf("ya registrada como %s / already registered as %s", other, other))
	}
	if s.ID == "" {
		base := observatory.Slug(strings.ToLower(s.Country) + " " + s.Name)
		if base == "" {
			base = "source"
		}
		s.ID = base
		for i := 2; b.Get([]byte(s.ID)) != nil; i++ {
			s.ID = base + "-" + strconv.Itoa(i)
		}
	} else if observatory.Slug(s.ID) != s.ID {
		var v observatory.ValidationError
		v.Add("id", "use minúsculas, cifras y guiones / use lower-case letters, digits and hyphens")
		return &v
	} else if b.Get([]byte(s.ID)) != nil {
		return conflict("id", "ya existe / already exists")
	}
	if err := homes.Put(key, []byte(s.ID)); err != nil {
		return err
	}
	return putJSON(b, []byte(s.ID), s)
}

// conflictError names the field that collides with another record.
type conflictError struct{ field, msg string }

func (e *conflictError) Error() string { return "store: " + e.field + " " + e.msg }
func (e *conflictError) Unwrap() error { return observatory.ErrConflict }

// Field returns the name of the conflicting field.
func (e *conflictError) Field() string { return e.field }

func conflict(field, msg string) error { return &conflictError{field, msg} }

// UpdateSource replaces the stored source with the same ID, after
// normalising and validating it; creation fields are kept.
func (db *DB) UpdateSource(ctx context.Context, s *observatory.Source, by string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.Normalize()
	if err := s.Validate(); err != nil {
		return err
	}
	return db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSources)
		homes := tx.Bucket(bucketHomepages)
		var old observatory.Source
		ok, err := getJSON(b, []byte(s.ID), &old)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("store: source %s: %w", s.ID, observatory.ErrNotFound)
		}
		oldKey, newKey := observatory.HomepageKey(old.Homepage), observatory.HomepageKey(s.Homepage)
		if oldKey != newKey {
			if other := homes.Get([]byte(newKey)); other != nil && string(other) != s.ID {
				return conflict("homepage", fmt.Sprintf("ya registrada como %s / already registered as %s", other, other))
			}
			if err := homes.Delete([]byte(oldKey)); err != nil {
				return err
			}
			if err := homes.Put([]byte(newKey), []byte(s.ID)); err != nil {
				return err
			}
		}
		s.CreatedAt, s.CreatedBy = old.CreatedAt, old.CreatedBy
		s.UpdatedAt, s.UpdatedBy = db.now().UTC(), by
		return putJSON(b, []byte(s.ID), s)
	})
}

// DeleteSource removes a source. Its articles stay.
func (db *DB) DeleteSource(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSources)
		var old observatory.Source
		ok, err := getJSON(b, []byte(id), &old)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("store: source %s: %w", id, observatory.ErrNotFound)
		}
		if err := tx.Bucket(bucketHomepages).Delete([]byte(observatory.HomepageKey(old.Homepage))); err != nil {
			return err
		}
		if err := tx.Bucket(bucketHealth).Delete([]byte(id)); err != nil {
			return err
		}
		return b.Delete([]byte(id))
	})
}

// Source returns the source with the given ID.
func (db *DB) Source(ctx context.Context, id string) (*observatory.Source, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var s observatory.Source
	err := db.bolt.View(func(tx *bolt.Tx) error {
		ok, err := getJSON(tx.Bucket(bucketSources), []byte(id), &s)
		if err == nil && !ok {
			err = fmt.Errorf("store: source %s: %w", id, observatory.ErrNotFound)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// Sources returns the sources that match f, by country then name.
func (db *DB) Sources(ctx context.Context, f observatory.SourceFilter) ([]observatory.Source, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []observatory.Source
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSources).ForEach(func(k, v []byte) error {
			var s observatory.Source
			if _, err := getJSON(tx.Bucket(bucketSources), k, &s); err != nil {
				return err
			}
			if f.Match(&s) {
				out = append(out, s)
			}
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].Country != out[j].Country {
			return out[i].Country < out[j].Country
		}
		return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name)
	})
	return out, err
}

// SeedSources loads sources into a data directory that was never seeded:
// the first Open of a fresh directory gets the embedded registry, and a
// coordinator who later deletes seeded outlets does not see them return.
// It reports whether it seeded.
func (db *DB) SeedSources(ctx context.Context, seed []observatory.Source) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	seeded := false
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta.Get(keySeeded) != nil {
			return nil
		}
		now := db.now().UTC()
		for i := range seed {
			s := seed[i]
			s.Normalize()
			if err := s.Validate(); err != nil {
				return fmt.Errorf("store: seed source %q: %w", s.Name, err)
			}
			s.CreatedAt, s.UpdatedAt, s.CreatedBy, s.UpdatedBy = now, now, "seed", "seed"
			if err := createSource(tx, &s); err != nil {
				return fmt.Errorf("store: seed source %q: %w", s.Name, err)
			}
		}
		seeded = true
		return meta.Put(keySeeded, []byte(now.Format("2006-01-02T15:04:05Z")))
	})
	return seeded, err
}
