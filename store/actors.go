package store

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"observatory"
)

// bucketActors holds the actors directory: actor ID → actor.
var bucketActors = []byte("actors")

// CreateActor normalises, validates and stores a new actor, giving it an
// ID derived from its country and name when it has none, and records the
// creation in the history (without the values of personal fields). It
// fails with ErrInvalid (a *observatory.ValidationError) or ErrConflict
// when the ID given is taken.
func (db *DB) CreateActor(ctx context.Context, a *observatory.Actor, by string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	a.Normalize()
	if err := a.Validate(); err != nil {
		return err
	}
	now := db.now().UTC()
	a.CreatedAt, a.UpdatedAt = now, now
	a.CreatedBy, a.UpdatedBy = by, by
	return db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketActors)
		if a.ID == "" {
			base := observatory.Slug(strings.ToLower(a.Country) + " " + a.Name)
			if base == "" {
				base = "actor"
			}
			a.ID = base
			for i := 2; usedID(tx, bucketActors, observatory.EntityActor, a.ID); i++ {
				a.ID = base + "-" + strconv.Itoa(i)
			}
		} else if observatory.Slug(a.ID) != a.ID {
			var v observatory.ValidationError
			v.Add("id", "use minúsculas, cifras y guiones / use lower-case letters, digits and hyphens")
			return &v
		} else if b.Get([]byte(a.ID)) != nil {
			return conflict("id", "ya existe / already exists")
		}
		if err := putJSON(b, []byte(a.ID), a); err != nil {
			return err
		}
		return actorChange(tx, by, now, nil, a)
	})
}

func actorChange(tx *bolt.Tx, by string, at time.Time, old, a *observatory.Actor) error {
	cur := a
	if cur == nil {
		cur = old
	}
	c, err := newChange(observatory.EntityActor, cur.ID, cur.Name, cur.Country, by, at, old, a, observatory.ActorPersonalFields)
	if err != nil {
		return err
	}
	return recordChange(tx, c)
}

// UpdateActor replaces the stored actor with the same ID, after
// normalising and validating it, and records the fields it changed;
// creation fields are kept and an update that changes nothing writes
// nothing. guard (nil for none) is called on the stored actor inside the
// transaction. If a carries an UpdatedAt, it must be the stored one, or
// the update fails with ErrConflict.
func (db *DB) UpdateActor(ctx context.Context, a *observatory.Actor, by string, guard func(stored *observatory.Actor) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	a.Normalize()
	if err := a.Validate(); err != nil {
		return err
	}
	return db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketActors)
		old, err := guardedRecord(tx, bucketActors, "actor", a.ID, guard)
		if err != nil {
			return err
		}
		if !a.UpdatedAt.IsZero() && !a.UpdatedAt.Equal(old.UpdatedAt) {
			return staleEdit(old.UpdatedBy, old.UpdatedAt)
		}
		a.CreatedAt, a.CreatedBy = old.CreatedAt, old.CreatedBy
		a.UpdatedAt, a.UpdatedBy = old.UpdatedAt, old.UpdatedBy
		fields, err := observatory.Diff(old, a, observatory.ActorPersonalFields...)
		if err != nil {
			return err
		}
		if len(fields) == 0 {
			return nil
		}
		a.UpdatedAt, a.UpdatedBy = db.now().UTC(), by
		if err := putJSON(b, []byte(a.ID), a); err != nil {
			return err
		}
		return recordChange(tx, observatory.Change{At: a.UpdatedAt, By: by, Entity: observatory.EntityActor, EntityID: a.ID,
			Name: a.Name, Country: a.Country, Action: observatory.ChangeUpdate, Fields: fields})
	})
}

// DeleteActor removes an actor and records who did it, after calling
// guard (if not nil) on the stored actor inside the transaction.
func (db *DB) DeleteActor(ctx context.Context, id, by string, guard func(stored *observatory.Actor) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.bolt.Update(func(tx *bolt.Tx) error {
		old, err := guardedRecord(tx, bucketActors, "actor", id, guard)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bucketActors).Delete([]byte(id)); err != nil {
			return err
		}
		return actorChange(tx, by, db.now().UTC(), old, nil)
	})
}

// Actor returns the actor with the given ID.
func (db *DB) Actor(ctx context.Context, id string) (*observatory.Actor, error) {
	return viewRecord[observatory.Actor](ctx, db, bucketActors, "actor", id)
}

// Actors returns the actors that match f, by country then name.
func (db *DB) Actors(ctx context.Context, f observatory.ActorFilter) ([]observatory.Actor, error) {
	out, err := listRecords(ctx, db, bucketActors, f.Match)
	sort.Slice(out, func(i, j int) bool {
		return byCountryName(out[i].Country, out[i].Name, out[j].Country, out[j].Name)
	})
	return out, err
}
