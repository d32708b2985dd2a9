package crawler

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
)

// ErrBlockedAddress is returned (wrapped) for a request whose host
// resolves only to addresses the crawler must not reach: loopback,
// private, link-local (cloud metadata at 169.254.169.254 among them),
// shared, multicast and reserved ranges. Config.AllowPrivateNetworks lifts
// the rule for tests and intranet deployments.
var ErrBlockedAddress = errors.New("crawler: address not allowed")

// blockedPrefixes are the special-purpose ranges (RFC 6890 and successors)
// not covered by netip.Addr's own predicates below.
var blockedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // shared address space (CGNAT; Alibaba metadata 100.100.100.200)
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, broadcast
	netip.MustParsePrefix("::/96"),           // IPv4-compatible (deprecated): embeds an IPv4 address
	netip.MustParsePrefix("::ffff:0:0:0/96"), // IPv4-translated (SIIT): embeds an IPv4 address
	netip.MustParsePrefix("64:ff9b::/96"),    // NAT64: may embed any IPv4 address
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64
	netip.MustParsePrefix("2001::/23"),       // IETF protocol assignments, Teredo (embeds IPv4) among them
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("2002::/16"),       // 6to4: may embed any IPv4 address
	netip.MustParsePrefix("100::/64"),        // discard
	netip.MustParsePrefix("3fff::/20"),       // documentation (RFC 9637)
	netip.MustParsePrefix("5f00::/16"),       // SRv6 segment identifiers
	netip.MustParsePrefix("fec0::/10"),       // site-local (deprecated, still routed inside some networks)
}

// blocked reports whether a must not be reached unless private networks
// are allowed.
func blocked(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() ||
		a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return true
	}
	for _, p := range blockedPrefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// dialContext resolves the host itself, refuses blocked addresses and
// dials the first allowed one. Because every connection, including those
// made for redirects, goes through it, the check applies after DNS
// resolution and on every hop; a name cannot rebind between check and use
// because the checked address is the one dialled.
func (c *Crawler) dialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("crawler: bad port in %q", addr)
	}
	var addrs []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{ip}
	} else if c.cfg.LookupIP != nil {
		addrs, err = c.cfg.LookupIP(ctx, host)
		if err != nil {
			return nil, err
		}
	} else {
		addrs, err = net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return nil, err
		}
	}
	d := net.Dialer{Timeout: c.cfg.ConnectTimeout, KeepAlive: 30e9}
	var lastErr error
	for _, a := range addrs {
		a = a.Unmap()
		if !c.cfg.AllowPrivateNetworks && blocked(a) && a != c.publicForTest {
			lastErr = fmt.Errorf("%w: %s resolves to %s", ErrBlockedAddress, host, a)
			continue
		}
		conn, err := d.DialContext(ctx, network, netip.AddrPortFrom(a, uint16(port)).String())
		if err == nil {
			return conn, nil
		}
		lastErr = err
	}
	if lastErr == nil {
		lastErr = fmt.Errorf("crawler: %s has no address", host)
	}
	return nil, lastErr
}
