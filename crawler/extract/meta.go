package extract

import (
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"observatory/crawler/canonical"
)

// pageMeta is what the page's head says about itself, read directly: the
// library's own metadata is used first and these fill its gaps.
type pageMeta struct {
	title, ogTitle string
	lang           string
	canonicalLink  string
	ogURL          string
	author         string
	image          string
	published      time.Time
}

func readMeta(doc *html.Node, base *url.URL) pageMeta {
	var m pageMeta
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Html:
				if m.lang == "" {
					m.lang = attr(n, "lang")
				}
			case atom.Title:
				if m.title == "" && n.FirstChild != nil {
					m.title = n.FirstChild.Data
				}
			case atom.Link:
				if m.canonicalLink == "" && hasToken(attr(n, "rel"), "canonical") {
					m.canonicalLink = attr(n, "href")
				}
			case atom.Meta:
				m.meta(n)
			case atom.Script:
				if strings.Contains(strings.ToLower(attr(n, "type")), "ld+json") && n.FirstChild != nil && m.published.IsZero() {
					m.published = jsonLDPublished(n.FirstChild.Data)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return m
}

func (m *pageMeta) meta(n *html.Node) {
	key := strings.ToLower(firstNonEmpty(attr(n, "property"), attr(n, "name"), attr(n, "itemprop"), attr(n, "http-equiv")))
	val := strings.TrimSpace(attr(n, "content"))
	if val == "" {
		return
	}
	set := func(p *string) {
		if *p == "" {
			*p = val
		}
	}
	switch key {
	case "og:title", "twitter:title":
		set(&m.ogTitle)
	case "og:url":
		set(&m.ogURL)
	case "og:image", "og:image:url", "og:image:secure_url", "twitter:image":
		set(&m.image)
	case "author", "article:author", "sailthru.author", "parsely-author", "dc.creator":
		if !strings.HasPrefix(val, "http") {
			set(&m.author)
		}
	case "content-language", "og:locale", "dc.language", "language":
		if m.lang == "" {
			m.lang = val
		}
	case "article:published_time", "datepublished", "dc.date.issued", "dc.date", "date", "pubdate",
		"publishdate", "sailthru.date", "parsely-pub-date", "og:published_time":
		if m.published.IsZero() {
			m.published = parseDate(val)
		}
	}
}

// jsonLDPublished returns the datePublished of the first article-like
// object in a JSON-LD script (at top level, in a list or in @graph).
func jsonLDPublished(src string) time.Time {
	var v any
	if json.Unmarshal([]byte(strings.TrimSpace(src)), &v) != nil {
		return time.Time{}
	}
	var find func(v any, depth int) time.Time
	find = func(v any, depth int) time.Time {
		if depth > 4 {
			return time.Time{}
		}
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				if t := find(e, depth+1); !t.IsZero() {
					return t
				}
			}
		case map[string]any:
			if d, ok := x["datePublished"].(string); ok {
				if t := parseDate(strings.TrimSpace(d)); !t.IsZero() {
					return t
				}
			}
			if g, ok := x["@graph"]; ok {
				return find(g, depth+1)
			}
		}
		return time.Time{}
	}
	return find(v, 0)
}

var dateLayouts = []string{
	time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", "2006-01-02 15:04:05",
	"2006-01-02T15:04", "2006-01-02", time.RFC1123Z, time.RFC1123,
}

func parseDate(s string) time.Time {
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// canonical returns the page's canonical URL: <link rel=canonical>, then
// og:url, then the page URL itself, cleaned of tracking parameters. A
// canonical naming another site (a syndicated copy pointing at the
// original) or a bare home page (a common template mistake) is ignored, so
// that each outlet's copy keeps its own identity.
func (m pageMeta) canonical(base *url.URL) string {
	self, _ := canonical.Resolve(nil, base.String())
	for _, cand := range []string{m.canonicalLink, m.ogURL} {
		c, err := canonical.Resolve(base, cand)
		if err != nil {
			continue
		}
		u, err := url.Parse(c)
		if err != nil || !canonical.SameSite(u.Host, base.Host) {
			continue
		}
		if (u.Path == "/" || u.Path == "") && base.Path != "/" && base.Path != "" {
			continue
		}
		return c
	}
	return self
}

func resolveHTTP(base *url.URL, href string) string {
	if href == "" {
		return ""
	}
	u, err := base.Parse(strings.TrimSpace(href))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	return u.String()
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(strings.ToLower(list)) {
		if f == tok {
			return true
		}
	}
	return false
}
