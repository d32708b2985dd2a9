package sources

import (
	"bytes"
	"context"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html/charset"
)

// Feed is a feed found on an outlet's site, checked by fetching and
// parsing it.
type Feed struct {
	URL   string `json:"url"`   // where it answered, after redirects
	Title string `json:"title"` // the feed's own title
	Kind  string `json:"kind"`  // "rss", "atom" or "json"
	Items int    `json:"items"` // how many items it holds now
	// Found says how: "link" (announced by the homepage's
	// <link rel="alternate">), "path" (a usual address such as /feed/) or
	// "homepage" (the address given was the feed itself).
	Found string `json:"found"`
}

// feedTypes are the <link rel="alternate"> types that announce a feed.
var feedTypes = map[string]bool{
	"application/rss+xml":   true,
	"application/atom+xml":  true,
	"application/rdf+xml":   true,
	"application/feed+json": true,
	"text/xml":              true, // WordPress announces RSS 0.92 so
	"application/xml":       true,
}

// commonPaths are where sites usually publish their feed, in the order
// they are tried: WordPress, generic, Arc XP (many of the region's dailies),
// Hugo and static sites.
var commonPaths = []string{
	"/feed/", "/feed", "/rss", "/rss/", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml",
	"/arc/outboundfeeds/rss/?outputType=xml", "/?feed=rss2",
}

// maxCandidates bounds the requests one discovery makes to a site.
const maxCandidates = 12

// Discover finds the RSS, Atom and JSON feeds of the site at homepage: the
// feeds its <link rel="alternate"> tags announce or, when none of those
// works, the usual feed addresses. Every candidate is fetched with client
// (the crawler's guarded client in production) and kept only if it parses
// as a feed; comment feeds are left out. The requests go one at a time,
// each bounded by FetchTimeout and MaxFeedSize.
//
// It fails with a *FetchError only when the homepage cannot be read; a site
// without feeds gives an empty list. If homepage is itself a feed, that
// feed is the answer.
func Discover(ctx context.Context, client *http.Client, homepage string) ([]Feed, error) {
	page, err := get(ctx, client, homepage, MaxPageSize, "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5")
	if err != nil {
		return nil, err
	}
	if !looksHTML(page) {
		if feed, err := parseFeed(page, homepage); err == nil {
			return []Feed{{URL: page.url.String(), Title: strings.TrimSpace(feed.Title), Kind: feed.FeedType, Items: len(feed.Items), Found: "homepage"}}, nil
		}
	}
	d := discovery{client: client, seen: make(map[string]bool)}
	for _, u := range announcedFeeds(page) {
		d.try(ctx, u, "link")
	}
	if len(d.feeds) == 0 {
		root := &url.URL{Scheme: page.url.Scheme, Host: page.url.Host}
		for _, p := range commonPaths {
			ref, _ := url.Parse(p)
			d.try(ctx, root.ResolveReference(ref).String(), "path")
		}
	}
	if err := ctx.Err(); err != nil {
		return d.feeds, err
	}
	if d.feeds == nil {
		d.feeds = []Feed{}
	}
	return d.feeds, nil
}

type discovery struct {
	client *http.Client
	seen   map[string]bool // candidate and feed URLs already tried
	feeds  []Feed
	tried  int
}

func (d *discovery) try(ctx context.Context, u, found string) {
	if d.seen[u] || d.tried >= maxCandidates || ctx.Err() != nil {
		return
	}
	d.seen[u] = true
	d.tried++
	f, err := get(ctx, d.client, u, MaxFeedSize, feedAccept)
	if err != nil {
		return
	}
	feed, err := parseFeed(f, u)
	if err != nil {
		return
	}
	final := f.url.String()
	if final != u {
		if d.seen[final] {
			return
		}
		d.seen[final] = true
	}
	d.feeds = append(d.feeds, Feed{URL: final, Title: strings.TrimSpace(feed.Title), Kind: feed.FeedType, Items: len(feed.Items), Found: found})
}

// feedAccept is the Accept header of feed requests.
const feedAccept = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"

// announcedFeeds returns the absolute URLs of the feeds a page announces
// with <link rel="alternate" type="…">, comment feeds left out.
func announcedFeeds(page *fetched) []string {
	r, err := charset.NewReader(bytes.NewReader(page.body), page.contentType)
	if err != nil {
		r = bytes.NewReader(page.body)
	}
	doc, err := goquery.NewDocumentFromReader(r)
	if err != nil {
		return nil
	}
	base := page.url
	if href, ok := doc.Find("base[href]").First().Attr("href"); ok {
		if b, err := base.Parse(strings.TrimSpace(href)); err == nil {
			base = b
		}
	}
	var out []string
	doc.Find("link[rel][href]").Each(func(_ int, s *goquery.Selection) {
		rel, _ := s.Attr("rel")
		typ, _ := s.Attr("type")
		href, _ := s.Attr("href")
		title, _ := s.Attr("title")
		mt, _, _ := mime.ParseMediaType(typ)
		if !hasToken(rel, "alternate") || !feedTypes[strings.ToLower(mt)] || isCommentFeed(href, title) {
			return
		}
		u, err := base.Parse(strings.TrimSpace(href))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			return
		}
		u.Fragment = ""
		out = append(out, u.String())
	})
	return out
}

func hasToken(list, token string) bool {
	for _, t := range strings.Fields(list) {
		if strings.EqualFold(t, token) {
			return true
		}
	}
	return false
}

// isCommentFeed tells WordPress-style comment feeds ("… » Comments Feed",
// "… » RSS de los comentarios", /comments/feed/) from article feeds.
func isCommentFeed(href, title string) bool {
	t := strings.ToLower(title)
	return strings.Contains(href, "/comments/") || strings.Contains(t, "comentario") || strings.Contains(t, "comments")
}
