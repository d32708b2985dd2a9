package crawler

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"testing"
)

// serveOn starts an httptest server listening on addr (a loopback address
// other than 127.0.0.1 stands in for a public host).
func serveOn(t *testing.T, addr string, h http.Handler) *httptest.Server {
	t.Helper()
	l, err := net.Listen("tcp", addr+":0")
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	s := httptest.NewUnstartedServer(h)
	s.Listener.Close()
	s.Listener = l
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func TestGuard(t *testing.T) {
	inner := newOutlet(t, "")
	inner.handle("/secret", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("metadata")) })
	public := serveOn(t, "127.0.0.2", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/to-loopback":
			http.Redirect(w, r, inner.URL+"/secret", http.StatusFound)
		case "/to-name":
			innerPort := strconv.Itoa(inner.Listener.Addr().(*net.TCPAddr).Port)
			http.Redirect(w, r, "http://intranet.example:"+innerPort+"/secret", http.StatusFound)
		default:
			w.Write([]byte("ok"))
		}
	}))
	names := map[string][]netip.Addr{
		"news.example":     {netip.MustParseAddr("127.0.0.2")},
		"intranet.example": {netip.MustParseAddr("10.0.0.7")},
		"metadata.example": {netip.MustParseAddr("169.254.169.254")},
		"loopback.example": {netip.MustParseAddr("127.0.0.1")},
	}
	lookup := func(_ context.Context, host string) ([]netip.Addr, error) {
		if a, ok := names[host]; ok {
			return a, nil
		}
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	port := strconv.Itoa(public.Listener.Addr().(*net.TCPAddr).Port)
	pub := func(host, path string) string { return "http://" + net.JoinHostPort(host, port) + path }
	cases := []struct {
		name    string
		url     string
		allow   bool
		blocked bool
	}{
		{"public address", pub("127.0.0.2", "/"), false, false},
		{"public name", pub("news.example", "/"), false, false},
		{"loopback literal", inner.URL + "/secret", false, true},
		{"redirect to 127.0.0.1", pub("127.0.0.2", "/to-loopback"), false, true},
		{"name resolving to a private address", pub("intranet.example", "/"), false, true},
		{"name resolving to the metadata address", pub("metadata.example", "/"), false, true},
		{"name resolving to loopback", pub("loopback.example", "/"), false, true},
		{"redirect to a private name", pub("127.0.0.2", "/to-name"), false, true},
		{"loopback allowed", inner.URL + "/secret", true, false},
		{"redirect to 127.0.0.1 allowed", pub("127.0.0.2", "/to-loopback"), true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(openStore(t))
			cfg.AllowPrivateNetworks = tc.allow
			cfg.LookupIP = lookup
			c := newCrawler(t, cfg)
			c.publicForTest = netip.MustParseAddr("127.0.0.2")
			resp, err := c.HTTPClient().Get(tc.url)
			if resp != nil {
				resp.Body.Close()
			}
			if got := errors.Is(err, ErrBlockedAddress); got != tc.blocked {
				t.Errorf("GET %s: got error %v, want blocked %v", tc.url, err, tc.blocked)
			}
			if !tc.blocked && err != nil && !errors.Is(err, ErrBlockedAddress) {
				// "intranet.example" with private networks allowed would dial
				// 10.0.0.7: no such case here, every allowed case must succeed.
				t.Errorf("GET %s: %v", tc.url, err)
			}
		})
	}
	if n := inner.count("/secret"); n != 2 {
		t.Errorf("the inner server got %d requests, want 2 (only the allowed cases)", n)
	}
}

// TestBlockedRanges checks the guard's address predicate against the
// special-purpose ranges of the IANA registries (IPv4 and IPv6), IPv4
// addresses embedded in IPv6 among them, and a few public addresses.
func TestBlockedRanges(t *testing.T) {
	cases := []struct {
		addr    string
		blocked bool
	}{
		{"8.8.8.8", false},
		{"200.91.75.1", false},
		{"2606:4700:4700::1111", false},
		{"2800:3f0:4001:80a::200e", false},
		{"127.0.0.1", true},
		{"10.1.2.3", true},
		{"172.16.0.1", true},
		{"192.168.1.1", true},
		{"169.254.169.254", true},
		{"100.100.100.200", true},
		{"0.0.0.0", true},
		{"255.255.255.255", true},
		{"::1", true},
		{"::", true},
		{"::ffff:127.0.0.1", true},                     // IPv4-mapped
		{"::127.0.0.1", true},                          // IPv4-compatible (deprecated)
		{"::169.254.169.254", true},                    // IPv4-compatible metadata address
		{"::ffff:0:169.254.169.254", true},             // IPv4-translated (SIIT)
		{"64:ff9b::a9fe:a9fe", true},                   // NAT64 of the metadata address
		{"2002:a9fe:a9fe::1", true},                    // 6to4 of the metadata address
		{"2001:0:4136:e378:8000:63bf:3fff:fdd2", true}, // Teredo
		{"fc00::1", true},
		{"fd12:3456::1", true},
		{"fe80::1", true},
		{"fec0::1", true}, // site-local (deprecated)
		{"ff02::1", true},
		{"2001:db8::1", true},
		{"3fff::1", true}, // documentation (RFC 9637)
	}
	for _, tc := range cases {
		if got := blocked(netip.MustParseAddr(tc.addr)); got != tc.blocked {
			t.Errorf("blocked(%s) = %v, want %v", tc.addr, got, tc.blocked)
		}
	}
}
