package webui_test

import (
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"observatory"
	"observatory/webui"
)

// TestThrottleBehindProxy: behind a trusted proxy, failed sign-ins count
// against the client named in X-Forwarded-For, so one attacker does not
// lock every colleague out; an untrusted peer's header is ignored.
func TestThrottleBehindProxy(t *testing.T) {
	loopback := netip.MustParsePrefix("127.0.0.0/8")
	e := newEnvWith(t, observatory.Policy{}, func(c *webui.Config) { c.TrustedProxies = []netip.Prefix{loopback} })
	c := e.client()
	post := func(name, pw, xff string) int { return postLogin(t, e, c, name, pw, xff) }
	// An attacker at 203.0.113.9 fails 20 times with many names…
	for i := 0; i < 20; i++ {
		post(fmt.Sprintf("nobody%d", i), "x", "198.51.100.1, 203.0.113.9")
	}
	if got := post("admin", testPassword, "203.0.113.9"); got != http.StatusTooManyRequests {
		t.Errorf("the attacker's address after 20 failures: status %d, want 429", got)
	}
	// …and a colleague behind the same proxy still signs in.
	if got := post("analyst", testPassword, "192.0.2.44"); got != http.StatusSeeOther {
		t.Errorf("a colleague behind the proxy: status %d, want 303", got)
	}
	// IPv6 addresses count by /64: rotating within it does not help.
	for i := 0; i < 20; i++ {
		post(fmt.Sprintf("v6-%d", i), "x", fmt.Sprintf("2001:db8:1:2::%x", i+1))
	}
	if got := post("coord-cr", testPassword, "2001:db8:1:2:ffff::1"); got != http.StatusTooManyRequests {
		t.Errorf("another address in the same /64: status %d, want 429", got)
	}

	// Without trusted proxies, the header is ignored: every request counts
	// against the peer itself.
	e2 := newEnv(t, observatory.Policy{})
	c2 := e2.client()
	for i := 0; i < 20; i++ {
		postLogin(t, e2, c2, fmt.Sprint("n", i), "x", fmt.Sprintf("198.51.100.%d", i+1))
	}
	if got := postLogin(t, e2, c2, "admin", testPassword, ""); got != http.StatusTooManyRequests {
		t.Errorf("forged X-Forwarded-For from an untrusted peer: status %d, want 429", got)
	}
}

// postLogin signs in through e's server, with X-Forwarded-For set to xff
// if given, and returns the status.
func postLogin(t *testing.T, e *env, c *http.Client, name, pw, xff string) int {
	t.Helper()
	req, _ := http.NewRequest("POST", e.srv.URL+"/login", strings.NewReader(url.Values{"name": {name}, "password": {pw}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	drain(resp)
	return resp.StatusCode
}

func TestMetricsPrivate(t *testing.T) {
	metrics := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "observatory_up 1") })
	e := newEnvWith(t, observatory.Policy{Private: true}, func(c *webui.Config) { c.Metrics = metrics })
	if resp, _ := e.do(e.client(), "GET", "/metrics", ""); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("private /metrics anonymous: status %d, want 401", resp.StatusCode)
	}
	if resp, body := e.do(e.login("analyst"), "GET", "/metrics", ""); resp.StatusCode != 200 || !strings.Contains(body, "observatory_up") {
		t.Errorf("private /metrics signed in: status %d", resp.StatusCode)
	}
	pub := newEnvWith(t, observatory.Policy{}, func(c *webui.Config) { c.Metrics = metrics })
	if resp, _ := pub.do(pub.client(), "GET", "/metrics", ""); resp.StatusCode != 200 {
		t.Errorf("public /metrics: status %d, want 200", resp.StatusCode)
	}
}
