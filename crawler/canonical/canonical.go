// Package canonical normalises article URLs so that one article is known
// by one URL: links are resolved against the page they appear on, tracking
// parameters (utm_*, fbclid, gclid…) and fragments are dropped, the scheme
// and host are lower-cased and default ports removed.
package canonical

import (
	"errors"
	"net/url"
	"strings"
)

// ErrNotWeb is returned for links that are not absolute http(s) URLs
// (mailto:, javascript:, data:, relative links without a base…).
var ErrNotWeb = errors.New("canonical: not an http(s) URL")

// trackingParams are query parameters that identify a campaign or a click,
// never the page. Prefixes end in "_".
var trackingParams = []string{
	"utm_", "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "mc_cid", "mc_eid",
	"yclid", "igshid", "igsh", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id",
	"vero_id", "vero_conv", "wickedid", "twclid", "ttclid", "li_fat_id", "s_cid", "ncid", "ocid",
	"cmpid", "ref_src", "ref_url", "__twitter_impression", "at_medium", "at_campaign",
	"at_custom1", "at_custom2", "at_custom3", "at_custom4", "at_term", "at_ptr_name",
	"spm", "ito", "sr_share", "soc_src", "soc_trk",
}

// IsTracking reports whether a query parameter name is a tracking parameter.
func IsTracking(name string) bool {
	n := strings.TrimPrefix(strings.ToLower(name), "amp;") // "&amp;" escaped twice
	for _, p := range trackingParams {
		if strings.HasSuffix(p, "_") && strings.HasPrefix(n, p) || n == p {
			return true
		}
	}
	return false
}

// Resolve resolves href against base (the URL of the page or feed it was
// found in) and cleans it. base may be nil when href is absolute.
func Resolve(base *url.URL, href string) (string, error) {
	href = strings.TrimSpace(href)
	if href == "" {
		return "", ErrNotWeb
	}
	u, err := url.Parse(href)
	if err != nil {
		return "", err
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	return clean(u)
}

// Clean normalises an absolute http(s) URL: see the package comment.
func Clean(raw string) (string, error) { return Resolve(nil, raw) }

func clean(u *url.URL) (string, error) {
	u.Scheme = strings.ToLower(u.Scheme)
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", ErrNotWeb
	}
	u.User = nil
	u.Fragment, u.RawFragment = "", ""
	host := strings.TrimRight(strings.ToLower(u.Hostname()), ".")
	if host == "" {
		return "", ErrNotWeb
	}
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	if u.Path == "" {
		u.Path, u.RawPath = "/", ""
	}
	if u.RawQuery != "" {
		u.RawQuery = stripTracking(u.RawQuery)
	}
	u.ForceQuery = false
	return u.String(), nil
}

// stripTracking removes tracking parameters and keeps the others in their
// order and encoding (rewriting them could change the page served).
func stripTracking(q string) string {
	parts := strings.Split(q, "&")
	kept := parts[:0]
	for _, p := range parts {
		name, _, _ := strings.Cut(p, "=")
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		if name == "" || IsTracking(name) {
			continue
		}
		kept = append(kept, escapeLoose(p))
	}
	return strings.Join(kept, "&")
}

// escapeLoose percent-encodes the bytes that may not appear raw in a
// query (spaces, controls, non-ASCII, quotes) and leaves the rest, and
// existing escapes, as the outlet wrote them.
func escapeLoose(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"<>\\^`{|}", c) >= 0 {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// SameSite reports whether two hosts belong to one site: equal once a
// leading "www." (or "m.", "amp.") is dropped, or one a subdomain of the
// other. It keeps a page's canonical link from moving an article to
// another outlet (syndicated copies name the original as canonical).
func SameSite(a, b string) bool {
	a, b = bareHost(a), bareHost(b)
	return a == b || strings.HasSuffix(a, "."+b) || strings.HasSuffix(b, "."+a)
}

func bareHost(h string) string {
	if u, err := url.Parse("//" + h); err == nil && u.Hostname() != "" {
		h = u.Hostname()
	}
	h = strings.ToLower(strings.TrimSuffix(h, "."))
	for _, p := range []string{"www.", "m.", "amp.", "mobile."} {
		h = strings.TrimPrefix(h, p)
	}
	return h
}
