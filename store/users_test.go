package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"observatory"
	"observatory/store"
)

// clock is a settable time source for expiry tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func openClock(t *testing.T) (*store.DB, *clock) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}
	db, err := store.Open(filepath.Join(t.TempDir(), "observatory.db"), store.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, clk
}

const pw = "correct horse battery"

func TestUsersAndPasswords(t *testing.T) {
	ctx := context.Background()
	db, _ := openClock(t)
	u := &observatory.User{Name: "Ana", Role: "coordinator", Countries: []string{"ni", "cr"}}
	if err := db.CreateUser(ctx, u, pw); err != nil {
		t.Fatal(err)
	}
	if u.Name != "ana" || len(u.Countries) != 2 || u.Countries[0] != "CR" {
		t.Errorf("normalised user: got %+v", u)
	}
	if err := db.CreateUser(ctx, &observatory.User{Name: "ana", Role: "analyst"}, pw); !errors.Is(err, observatory.ErrConflict) {
		t.Errorf("duplicate user: got %v, want ErrConflict", err)
	}
	if err := db.CreateUser(ctx, &observatory.User{Name: "luis", Role: "analyst"}, "short"); !errors.Is(err, observatory.ErrInvalid) {
		t.Errorf("short password: got %v, want ErrInvalid", err)
	}
	if err := db.CreateUser(ctx, &observatory.User{Name: "x", Role: "coordinator"}, pw); !errors.Is(err, observatory.ErrInvalid) {
		t.Errorf("coordinator without countries: got %v, want ErrInvalid", err)
	}
	tests := []struct {
		name, user, pass string
		ok               bool
	}{
		{"right", "ana", pw, true},
		{"case-insensitive name", "ANA", pw, true},
		{"wrong password", "ana", pw + "!", false},
		{"unknown user", "nadie", pw, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.CheckPassword(ctx, tt.user, tt.pass)
			if tt.ok && (err != nil || got.Name != "ana") {
				t.Errorf("got %v, %v; want ana", got, err)
			}
			if !tt.ok && !errors.Is(err, store.ErrBadCredentials) {
				t.Errorf("got %v, want ErrBadCredentials", err)
			}
		})
	}
	u.Disabled = true
	if err := db.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckPassword(ctx, "ana", pw); !errors.Is(err, store.ErrBadCredentials) {
		t.Errorf("disabled user signs in: got %v", err)
	}
}

func TestSessions(t *testing.T) {
	ctx := context.Background()
	db, clk := openClock(t)
	if err := db.CreateUser(ctx, &observatory.User{Name: "ana", Role: "analyst"}, pw); err != nil {
		t.Fatal(err)
	}
	const ttl, idle = 24 * time.Hour, 2 * time.Hour
	s1, err := db.CreateSession(ctx, "ana", ttl)
	if err != nil {
		t.Fatal(err)
	}
	if _, u, err := db.Session(ctx, s1, idle); err != nil || u.Name != "ana" {
		t.Fatalf("fresh session: got %v, %v", u, err)
	}
	// Used every hour, the session lives until its absolute expiry.
	for i := 0; i < 23; i++ {
		clk.Advance(time.Hour)
		if _, _, err := db.Session(ctx, s1, idle); err != nil {
			t.Fatalf("after %dh of use: %v", i+1, err)
		}
	}
	clk.Advance(time.Hour + time.Second)
	if _, _, err := db.Session(ctx, s1, idle); !errors.Is(err, observatory.ErrUnauthorized) {
		t.Errorf("past absolute expiry: got %v, want ErrUnauthorized", err)
	}
	// Left idle, it ends sooner.
	s2, _ := db.CreateSession(ctx, "ana", ttl)
	clk.Advance(idle + time.Minute)
	if _, _, err := db.Session(ctx, s2, idle); !errors.Is(err, observatory.ErrUnauthorized) {
		t.Errorf("idle session: got %v, want ErrUnauthorized", err)
	}
	// Sign-out ends one session; a password change ends the others.
	a, _ := db.CreateSession(ctx, "ana", ttl)
	b, _ := db.CreateSession(ctx, "ana", ttl)
	c, _ := db.CreateSession(ctx, "ana", ttl)
	if err := db.DeleteSession(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.Session(ctx, a, idle); err == nil {
		t.Error("signed-out session still valid")
	}
	if err := db.SetPassword(ctx, "ana", pw+" new", b); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.Session(ctx, b, idle); err != nil {
		t.Errorf("the session that changed the password: %v", err)
	}
	if _, _, err := db.Session(ctx, c, idle); err == nil {
		t.Error("other session survived a password change")
	}
	if _, err := db.CheckPassword(ctx, "ana", pw+" new"); err != nil {
		t.Errorf("new password: %v", err)
	}
	// Sweeping removes what expired.
	clk.Advance(ttl + time.Hour)
	if n, err := db.SweepSessions(ctx, idle); err != nil || n != 1 {
		t.Errorf("sweep: got %d, %v; want 1", n, err)
	}
}

func TestTokens(t *testing.T) {
	ctx := context.Background()
	db, _ := openClock(t)
	u := &observatory.User{Name: "bot", Role: "analyst"}
	if err := db.CreateUser(ctx, u, pw); err != nil {
		t.Fatal(err)
	}
	secret, tok, err := db.CreateToken(ctx, "bot", "export script")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := db.TokenUser(ctx, secret); err != nil || got.Name != "bot" {
		t.Fatalf("token: got %v, %v", got, err)
	}
	if _, err := db.TokenUser(ctx, secret+"x"); !errors.Is(err, observatory.ErrUnauthorized) {
		t.Errorf("unknown token: got %v", err)
	}
	list, _ := db.Tokens(ctx, "bot")
	if len(list) != 1 || list[0].ID != tok.ID || list[0].Label != "export script" {
		t.Errorf("tokens: got %+v", list)
	}
	if err := db.RevokeToken(ctx, tok.ID, "someone-else"); !errors.Is(err, observatory.ErrNotFound) {
		t.Errorf("revoking another user's token: got %v, want ErrNotFound", err)
	}
	if err := db.RevokeToken(ctx, tok.ID, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TokenUser(ctx, secret); !errors.Is(err, observatory.ErrUnauthorized) {
		t.Errorf("revoked token: got %v, want ErrUnauthorized", err)
	}
	// A disabled user's tokens stop working.
	secret2, _, _ := db.CreateToken(ctx, "bot", "")
	u.Disabled = true
	if err := db.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TokenUser(ctx, secret2); !errors.Is(err, observatory.ErrUnauthorized) {
		t.Errorf("disabled user's token: got %v, want ErrUnauthorized", err)
	}
}
