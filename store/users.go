package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"observatory"
)

var (
	bucketUsers    = []byte("users")
	bucketSessions = []byte("sessions") // sha256(session secret) → session
	bucketTokens   = []byte("tokens")   // sha256(token secret) → token
)

// userRecord is a user as stored: the domain record and its credential.
type userRecord struct {
	observatory.User
	PasswordHash      string    `json:"password_hash"`
	PasswordChangedAt time.Time `json:"password_changed_at"`
}

// ErrBadCredentials is returned by CheckPassword for an unknown user, a
// disabled one or a wrong password alike.
var ErrBadCredentials = fmt.Errorf("store: wrong user name or password: %w", observatory.ErrUnauthorized)

func checkNewPassword(pw string) error {
	if len([]rune(pw)) < MinPasswordLength {
		var v observatory.ValidationError
		v.Add("password", fmt.Sprintf("la contraseña necesita al menos %d caracteres / the password needs at least %d characters", MinPasswordLength, MinPasswordLength))
		return &v
	}
	if len(pw) > 1024 {
		var v observatory.ValidationError
		v.Add("password", "la contraseña es demasiado larga / the password is too long")
		return &v
	}
	return nil
}

// CreateUser stores a new user with a password (hashed with argon2id).
func (db *DB) CreateUser(ctx context.Context, u *observatory.User, password string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	u.Normalize()
	if err := u.Validate(); err != nil {
		return err
	}
	if err := checkNewPassword(password); err != nil {
		return err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	now := db.now().UTC()
	u.CreatedAt, u.UpdatedAt = now, now
	return db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketUsers)
		if b.Get([]byte(u.Name)) != nil {
			return conflict("name", "ya existe un usuario con ese nombre / a user with that name exists")
		}
		return putJSON(b, []byte(u.Name), userRecord{User: *u, PasswordHash: hash, PasswordChangedAt: now})
	})
}

// User returns the user with the given name.
func (db *DB) User(ctx context.Context, name string) (*observatory.User, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var rec userRecord
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		rec, err = getUser(tx, name)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &rec.User, nil
}

func getUser(tx *bolt.Tx, name string) (userRecord, error) {
	var rec userRecord
	ok, err := getJSON(tx.Bucket(bucketUsers), []byte(strings.ToLower(name)), &rec)
	if err == nil && !ok {
		err = fmt.Errorf("store: user %s: %w", name, observatory.ErrNotFound)
	}
	return rec, err
}

// Users returns every user, by name.
func (db *DB) Users(ctx context.Context) ([]observatory.User, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []observatory.User
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketUsers).ForEach(func(k, v []byte) error {
			var rec userRecord
			if _, err := getJSON(tx.Bucket(bucketUsers), k, &rec); err != nil {
				return err
			}
			out = append(out, rec.User)
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, err
}

// UpdateUser changes a user's role, countries and disabled flag. Disabling
// a user ends their sessions; their tokens stop working while disabled.
func (db *DB) UpdateUser(ctx context.Context, u *observatory.User) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	u.Normalize()
	if err := u.Validate(); err != nil {
		return err
	}
	return db.bolt.Update(func(tx *bolt.Tx) error {
		rec, err := getUser(tx, u.Name)
		if err != nil {
			return err
		}
		u.CreatedAt = rec.CreatedAt
		u.UpdatedAt = db.now().UTC()
		rec.User = *u
		if u.Disabled {
			if err := deleteUserSessions(tx, u.Name, ""); err != nil {
				return err
			}
		}
		return putJSON(tx.Bucket(bucketUsers), []byte(u.Name), rec)
	})
}

// SetPassword replaces a user's password and ends all their sessions but
// keep (the session that made the change, or "" for none).
func (db *DB) SetPassword(ctx context.Context, name, password, keep string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkNewPassword(password); err != nil {
		return err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	return db.bolt.Update(func(tx *bolt.Tx) error {
		rec, err := getUser(tx, name)
		if err != nil {
			return err
		}
		rec.PasswordHash = hash
		rec.PasswordChangedAt = db.now().UTC()
		rec.UpdatedAt = rec.PasswordChangedAt
		if err := deleteUserSessions(tx, rec.Name, keep); err != nil {
			return err
		}
		return putJSON(tx.Bucket(bucketUsers), []byte(rec.Name), rec)
	})
}

// CheckPassword returns the user if name and password match an enabled
// user, and ErrBadCredentials otherwise; it takes the same time for an
// unknown name. The hash is checked outside any transaction.
func (db *DB) CheckPassword(ctx context.Context, name, password string) (*observatory.User, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var rec userRecord
	found := true
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		rec, err = getUser(tx, name)
		return err
	})
	if err != nil {
		if !isNotFound(err) {
			return nil, err
		}
		found = false
		rec.PasswordHash = dummyHash()
	}
	ok, err := checkPassword(rec.PasswordHash, password)
	if err != nil {
		return nil, fmt.Errorf("store: user %s: %w", name, err)
	}
	if !ok || !found || rec.Disabled {
		return nil, ErrBadCredentials
	}
	return &rec.User, nil
}

// secret returns a random URL-safe secret with a prefix, and its hash as
// stored.
func secret(prefix string) (string, []byte, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	s := prefix + base64.RawURLEncoding.EncodeToString(b)
	return s, secretKey(s), nil
}

func secretKey(s string) []byte {
	sum := sha256.Sum256([]byte(s))
	return sum[:]
}

// CreateSession starts a session for user, valid until ttl has passed, and
// returns its secret (for the cookie). Only the secret's hash is stored.
func (db *DB) CreateSession(ctx context.Context, user string, ttl time.Duration) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	s, key, err := secret("s_")
	if err != nil {
		return "", err
	}
	now := db.now().UTC()
	sess := observatory.Session{User: strings.ToLower(user), CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(ttl)}
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		if _, err := getUser(tx, user); err != nil {
			return err
		}
		return putJSON(tx.Bucket(bucketSessions), key, sess)
	})
	return s, err
}

// Session returns the session with the given secret and its user, if the
// session has not expired (absolutely, or after idle without use) and the
// user is enabled. It records the use at most once a minute.
func (db *DB) Session(ctx context.Context, secret string, idle time.Duration) (*observatory.Session, *observatory.User, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	key := secretKey(secret)
	now := db.now().UTC()
	var sess observatory.Session
	var rec userRecord
	err := db.bolt.View(func(tx *bolt.Tx) error {
		ok, err := getJSON(tx.Bucket(bucketSessions), key, &sess)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("store: session: %w", observatory.ErrUnauthorized)
		}
		rec, err = getUser(tx, sess.User)
		return err
	})
	if err != nil {
		if isNotFound(err) {
			err = fmt.Errorf("store: session user gone: %w", observatory.ErrUnauthorized)
		}
		return nil, nil, err
	}
	if now.After(sess.ExpiresAt) || (idle > 0 && now.Sub(sess.LastSeen) > idle) || rec.Disabled {
		_ = db.DeleteSession(ctx, secret)
		return nil, nil, fmt.Errorf("store: session expired: %w", observatory.ErrUnauthorized)
	}
	if now.Sub(sess.LastSeen) > time.Minute {
		sess.LastSeen = now
		err := db.bolt.Update(func(tx *bolt.Tx) error {
			if tx.Bucket(bucketSessions).Get(key) == nil {
				return nil // signed out meanwhile
			}
			return putJSON(tx.Bucket(bucketSessions), key, sess)
		})
		if err != nil {
			return nil, nil, err
		}
	}
	return &sess, &rec.User, nil
}

// DeleteSession ends one session (sign-out).
func (db *DB) DeleteSession(ctx context.Context, secret string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.bolt.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSessions).Delete(secretKey(secret))
	})
}

// DeleteUserSessions ends every session of user except keep ("" for none):
// sign-out everywhere.
func (db *DB) DeleteUserSessions(ctx context.Context, user, keep string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.bolt.Update(func(tx *bolt.Tx) error { return deleteUserSessions(tx, user, keep) })
}

func deleteUserSessions(tx *bolt.Tx, user, keep string) error {
	var keepKey []byte
	if keep != "" {
		keepKey = secretKey(keep)
	}
	return deleteWhere(tx.Bucket(bucketSessions), func(k []byte, s *observatory.Session) bool {
		return s.User == user && string(k) != string(keepKey)
	})
}

// deleteWhere deletes the sessions for which drop is true. Keys are
// collected first: deleting under a moving cursor skips entries.
func deleteWhere(b *bolt.Bucket, drop func(k []byte, s *observatory.Session) bool) error {
	var keys [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var s observatory.Session
		if err := json.Unmarshal(v, &s); err != nil {
			return err
		}
		if drop(k, &s) {
			keys = append(keys, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// SweepSessions deletes the sessions that expired before now, absolutely
// or after idle without use, and returns how many.
func (db *DB) SweepSessions(ctx context.Context, idle time.Duration) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	now := db.now().UTC()
	n := 0
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		n = 0
		return deleteWhere(tx.Bucket(bucketSessions), func(_ []byte, s *observatory.Session) bool {
			expired := now.After(s.ExpiresAt) || (idle > 0 && now.Sub(s.LastSeen) > idle)
			if expired {
				n++
			}
			return expired
		})
	})
	return n, err
}

// CreateToken makes an API token for user and returns its secret, shown
// this once; only its hash is stored.
func (db *DB) CreateToken(ctx context.Context, user, label string) (string, observatory.Token, error) {
	var tok observatory.Token
	if err := ctx.Err(); err != nil {
		return "", tok, err
	}
	s, key, err := secret("obs_")
	if err != nil {
		return "", tok, err
	}
	tok = observatory.Token{ID: hex.EncodeToString(key[:6]), User: strings.ToLower(user), Label: strings.TrimSpace(label), CreatedAt: db.now().UTC()}
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		if _, err := getUser(tx, user); err != nil {
			return err
		}
		return putJSON(tx.Bucket(bucketTokens), key, tok)
	})
	return s, tok, err
}

// TokenUser returns the user a token belongs to, if the token is not
// revoked and the user is enabled; it records the use at most once a minute.
func (db *DB) TokenUser(ctx context.Context, secret string) (*observatory.User, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	key := secretKey(secret)
	var tok observatory.Token
	var rec userRecord
	err := db.bolt.View(func(tx *bolt.Tx) error {
		ok, err := getJSON(tx.Bucket(bucketTokens), key, &tok)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("store: unknown token: %w", observatory.ErrUnauthorized)
		}
		rec, err = getUser(tx, tok.User)
		return err
	})
	if err != nil {
		if isNotFound(err) {
			err = fmt.Errorf("store: token user gone: %w", observatory.ErrUnauthorized)
		}
		return nil, err
	}
	if tok.Revoked || rec.Disabled {
		return nil, fmt.Errorf("store: token revoked or user disabled: %w", observatory.ErrUnauthorized)
	}
	now := db.now().UTC()
	if now.Sub(tok.LastUsed) > time.Minute {
		tok.LastUsed = now
		err := db.bolt.Update(func(tx *bolt.Tx) error {
			var cur observatory.Token
			if ok, err := getJSON(tx.Bucket(bucketTokens), key, &cur); err != nil || !ok || cur.Revoked {
				return err
			}
			return putJSON(tx.Bucket(bucketTokens), key, tok)
		})
		if err != nil {
			return nil, err
		}
	}
	return &rec.User, nil
}

// Tokens lists the tokens of user ("" for everyone's), newest first.
func (db *DB) Tokens(ctx context.Context, user string) ([]observatory.Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []observatory.Token
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketTokens).ForEach(func(k, v []byte) error {
			var t observatory.Token
			if err := json.Unmarshal(v, &t); err != nil {
				return err
			}
			if user == "" || t.User == strings.ToLower(user) {
				out = append(out, t)
			}
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt.After(out[j].CreatedAt) })
	return out, err
}

// RevokeToken revokes the token with the given ID. If user is not empty,
// the token must belong to that user.
func (db *DB) RevokeToken(ctx context.Context, id, user string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTokens)
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var t observatory.Token
			if err := json.Unmarshal(v, &t); err != nil {
				return err
			}
			if t.ID != id || (user != "" && t.User != strings.ToLower(user)) {
				continue
			}
			t.Revoked = true
			return putJSON(b, k, t)
		}
		return fmt.Errorf("store: token %s: %w", id, observatory.ErrNotFound)
	})
}

func isNotFound(err error) bool { return errors.Is(err, observatory.ErrNotFound) }
