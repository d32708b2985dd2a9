package sources

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// FeedPreview is what one read of a feed would collect, stored nowhere:
// the "test this source" action.
type FeedPreview struct {
	URL      string        `json:"url"`       // as asked
	FinalURL string        `json:"final_url"` // where it answered, after redirects
	Title    string        `json:"title"`
	Kind     string        `json:"kind"` // "rss", "atom" or "json"
	Items    []PreviewItem `json:"items"`
	Newest   time.Time     `json:"newest"` // date of the newest item; zero when no item has one
	// Warnings are problems that do not stop the crawler but a
	// coordinator should know about (Spanish / English).
	Warnings []string `json:"warnings,omitempty"`
}

// PreviewItem is an item of the feed: the article the crawler would fetch.
type PreviewItem struct {
	Title     string    `json:"title"`
	URL       string    `json:"url"` // absolute; empty when the item has no link
	Published time.Time `json:"published"`
}

// maxPreviewItems bounds the items a preview lists.
const maxPreviewItems = 200

// TestFeed fetches the feed at feedURL once with client and returns the
// items it would collect, storing nothing. A feed that cannot be read or
// parsed gives a *FetchError whose Reason says why in plain words, Spanish
// first (not found, access denied, a web page instead of a feed, empty…).
func TestFeed(ctx context.Context, client *http.Client, feedURL string) (FeedPreview, error) {
	p := FeedPreview{URL: feedURL}
	f, err := get(ctx, client, feedURL, MaxFeedSize, feedAccept)
	if err != nil {
		return p, err
	}
	feed, err := parseFeed(f, feedURL)
	if err != nil {
		return p, err
	}
	p.FinalURL = f.url.String()
	p.Title = strings.TrimSpace(feed.Title)
	p.Kind = feed.FeedType
	if p.FinalURL != feedURL {
		p.Warnings = append(p.Warnings, fmt.Sprintf("el feed redirige a %s: conviene registrar esa dirección / the feed redirects to %[1]s: better register that address", p.FinalURL))
	}
	base := f.url
	if l, err := url.Parse(feed.Link); err == nil && l.IsAbs() {
		base = l
	}
	noLink, noDate := 0, 0
	for _, it := range feed.Items {
		if len(p.Items) == maxPreviewItems {
			break
		}
		pi := PreviewItem{Title: strings.TrimSpace(it.Title), URL: itemURL(base, it.Link, it.GUID)}
		switch {
		case it.PublishedParsed != nil:
			pi.Published = it.PublishedParsed.UTC()
		case it.UpdatedParsed != nil:
			pi.Published = it.UpdatedParsed.UTC()
		}
		if pi.URL == "" {
			noLink++
		}
		if pi.Published.IsZero() {
			noDate++
		} else if pi.Published.After(p.Newest) {
			p.Newest = pi.Published
		}
		p.Items = append(p.Items, pi)
	}
	switch {
	case len(p.Items) == 0:
		p.Warnings = append(p.Warnings, "el feed no tiene artículos ahora mismo / the feed has no items right now")
	case noLink > 0:
		p.Warnings = append(p.Warnings, fmt.Sprintf("%d de %d artículos no tienen enlace y no se pueden recoger / %[1]d of %[2]d items have no link and cannot be collected", noLink, len(p.Items)))
	}
	if len(p.Items) > 0 && noDate == len(p.Items) {
		p.Warnings = append(p.Warnings, "ningún artículo tiene fecha; se usará la de la página / no item has a date; the page's will be used")
	}
	return p, nil
}

// itemURL makes an item's link absolute, falling back on a GUID that is a
// web address.
func itemURL(base *url.URL, link, guid string) string {
	for _, raw := range []string{link, guid} {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		u, err := base.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			continue
		}
		if raw == guid && !strings.HasPrefix(raw, "http") {
			continue // a GUID that is not a URL
		}
		return u.String()
	}
	return ""
}
