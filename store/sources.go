package store

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

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
	if err := validateSource(s); err != nil {
		return err
	}
	now := db.now().UTC()
	s.CreatedAt, s.UpdatedAt = now, now
	s.CreatedBy, s.UpdatedBy = by, by
	return db.bolt.Update(func(tx *bolt.Tx) error { return createSource(tx, s) })
}

// sourceChange records a change of a source in the history.
func sourceChange(tx *bolt.Tx, by string, at time.Time, old, s *observatory.Source) error {
	cur := s
	if cur == nil {
		cur = old
	}
	c, err := newChange(observatory.EntitySource, cur.ID, cur.Name, cur.Country, by, at, old, s, nil)
	if err != nil {
		return err
	}
	return recordChange(tx, c)
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
		for i := 2; usedID(tx, bucketSources, observatory.EntitySource, s.ID); i++ {
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
	if err := putJSON(b, []byte(s.ID), s); err != nil {
		return err
	}
	return sourceChange(tx, s.CreatedBy, s.CreatedAt, nil, s)
}

// conflictError names the field that collides with another record.
type conflictError struct{ field, msg string }

func (e *conflictError) Error() string { return "store: " + e.field + " " + e.msg }
func (e *conflictError) Unwrap() error { return observatory.ErrConflict }

// Field returns the name of the conflicting field.
func (e *conflictError) Field() string { return e.field }

func conflict(field, msg string) error { return &conflictError{field, msg} }

// UpdateSource replaces the stored source with the same ID, after
// normalising and validating it; creation fields are kept. The change is
// recorded in the history with the fields it changed; an update that
// changes nothing writes nothing (s gets the stored bookkeeping fields).
// If s carries an UpdatedAt, it must be the stored one, or the update
// fails with ErrConflict: someone else changed the source meanwhile.
func (db *DB) UpdateSource(ctx context.Context, s *observatory.Source, by string) error {
	return db.UpdateSourceGuarded(ctx, s, by, nil)
}

// UpdateSourceGuarded is UpdateSource with a guard (nil for none): it is
// called with the stored source inside the write transaction, and an error
// it returns aborts the update and is returned as is. The web layer checks
// permissions there, against the stored record, so that nothing can
// change between the check and the write.
func (db *DB) UpdateSourceGuarded(ctx context.Context, s *observatory.Source, by string, guard func(stored *observatory.Source) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.Normalize()
	if err := validateSource(s); err != nil {
		return err
	}
	return db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSources)
		homes := tx.Bucket(bucketHomepages)
		old, err := guardedRecord(tx, bucketSources, "source", s.ID, guard)
		if err != nil {
			return err
		}
		if !s.UpdatedAt.IsZero() && !s.UpdatedAt.Equal(old.UpdatedAt) {
			return staleEdit(old.UpdatedBy, old.UpdatedAt)
		}
		s.CreatedAt, s.CreatedBy = old.CreatedAt, old.CreatedBy
		s.UpdatedAt, s.UpdatedBy = old.UpdatedAt, old.UpdatedBy
		fields, err := observatory.Diff(old, s)
		if err != nil {
			return err
		}
		if len(fields) == 0 {
			return nil
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
		s.UpdatedAt, s.UpdatedBy = db.now().UTC(), by
		if err := putJSON(b, []byte(s.ID), s); err != nil {
			return err
		}
		return recordChange(tx, observatory.Change{At: s.UpdatedAt, By: by, Entity: observatory.EntitySource, EntityID: s.ID,
			Name: s.Name, Country: s.Country, Action: observatory.ChangeUpdate, Fields: fields})
	})
}

// staleEdit is the conflict of an edit made on a version of the record
// that someone else has changed since.
func staleEdit(by string, at time.Time) error {
	return conflict("updated_at", fmt.Sprintf("%s cambió este registro el %s, después de que usted lo abriera; vuelva a abrirlo / changed by %s at %s, after you opened it; reopen it",
		by, at.UTC().Format("2006-01-02 15:04 UTC"), by, at.UTC().Format("2006-01-02 15:04 UTC")))
}

// DeleteSource removes a source. Its articles stay.
func (db *DB) DeleteSource(ctx context.Context, id string) error {
	return db.DeleteSourceGuarded(ctx, id, "", nil)
}

// DeleteSourceGuarded removes a source and records who did it in the
// history, after calling guard (if not nil) on the stored source inside
// the transaction. Its articles stay.
func (db *DB) DeleteSourceGuarded(ctx context.Context, id, by string, guard func(stored *observatory.Source) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.bolt.Update(func(tx *bolt.Tx) error {
		old, err := guardedRecord(tx, bucketSources, "source", id, guard)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bucketHomepages).Delete([]byte(observatory.HomepageKey(old.Homepage))); err != nil {
			return err
		}
		if err := tx.Bucket(bucketHealth).Delete([]byte(id)); err != nil {
			return err
		}
		if err := tx.Bucket(bucketSources).Delete([]byte(id)); err != nil {
			return err
		}
		return sourceChange(tx, by, db.now().UTC(), old, nil)
	})
}

// Source returns the source with the given ID.
func (db *DB) Source(ctx context.Context, id string) (*observatory.Source, error) {
	return viewRecord[observatory.Source](ctx, db, bucketSources, "source", id)
}

// Sources returns the sources that match f, by country then name.
func (db *DB) Sources(ctx context.Context, f observatory.SourceFilter) ([]observatory.Source, error) {
	out, err := listRecords(ctx, db, bucketSources, f.Match)
	sort.Slice(out, func(i, j int) bool {
		return byCountryName(out[i].Country, out[i].Name, out[j].Country, out[j].Name)
	})
	return out, err
}

// byCountryName orders directory records by country, then name without
// regard to case.
func byCountryName(c1, n1, c2, n2 string) bool {
	if c1 != c2 {
		return c1 < c2
	}
	return strings.ToLower(n1) < strings.ToLower(n2)
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
			if err := validateSource(&s); err != nil {
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
