package webui

import (
	"sync"
	"time"
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

// blocked reports whether key is locked out at now, and for how long.
func (t *throttle) blocked(key string, now time.Time) (bool, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.prune(key, now)
	if len(f) < t.limit {
		return false, 0
	}
	return true, f[0].Add(t.window).Sub(now)
}

// fail records a failure of key at now.
func (t *throttle) fail(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.fails[key] = append(t.prune(key, now), now)
	if len(t.fails) > 100000 { // bound memory under a spray of names
		for k := range t.fails {
			t.prune(k, now)
		}
	}
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
