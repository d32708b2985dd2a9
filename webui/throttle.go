package webui

import (
	"context"
	"errors"
	"sync"
	"time"

	"observatory"
)

// throttle counts failed sign-ins per key (an account, an address) in a
// sliding window and locks the key out once it reaches the limit, until
// the oldest failure leaves the window. It lives in memory: a restart
// forgives, which the one-process-per-data-directory rule makes rare.
type throttle struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	fails  map[string][]time.Time
}

func newThrottle(limit int, window time.Duration) *throttle {
	return &throttle{limit: limit, window: window, fails: make(map[string][]time.Time)}
}

// attempt reports whether key is locked out at now, and for how long;
// when it is not, it records an attempt at now, counted as a failure
// until forgive takes it back. Counting attempts as they start, not as
// they fail, keeps a burst of concurrent guesses within the limit.
func (t *throttle) attempt(key string, now time.Time) (blocked bool, wait time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.prune(key, now)
	if len(f) >= t.limit {
		return true, f[0].Add(t.window).Sub(now)
	}
	t.fails[key] = append(f, now)
	if len(t.fails) > 100000 { // bound memory under a spray of names
		for k := range t.fails {
			t.prune(k, now)
		}
	}
	return false, 0
}

// forgive takes back one attempt of key recorded at at (it succeeded, or
// was not made after all).
func (t *throttle) forgive(key string, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.fails[key]
	for i := range f {
		if f[i].Equal(at) {
			f = append(f[:i:i], f[i+1:]...)
			break
		}
	}
	if len(f) == 0 {
		delete(t.fails, key)
		return
	}
	t.fails[key] = f
}

// reset forgets key's failures (after a successful sign-in).
func (t *throttle) reset(key string) {
	t.mu.Lock()
	delete(t.fails, key)
	t.mu.Unlock()
}

func (t *throttle) prune(key string, now time.Time) []time.Time {
	f := t.fails[key]
	i := 0
	for i < len(f) && now.Sub(f[i]) >= t.window {
		i++
	}
	f = f[i:]
	if len(f) == 0 {
		delete(t.fails, key)
		return nil
	}
	t.fails[key] = f
	return f
}

// errBusy is returned by checkPassword when Config.MaxPasswordChecks
// checks are running already.
var errBusy = errors.New("webui: too many password checks at once")

// checkPassword checks a password unless MaxPasswordChecks checks are
// running already (errBusy): each takes 19 MiB of argon2id memory, so a
// burst of guesses spread over many accounts and addresses, which the
// throttles do not stop, cannot exhaust memory either.
func (s *Server) checkPassword(ctx context.Context, name, password string) (*observatory.User, error) {
	select {
	case s.checking <- struct{}{}:
	default:
		return nil, errBusy
	}
	defer func() { <-s.checking }()
	return s.cfg.Accounts.CheckPassword(ctx, name, password)
}
