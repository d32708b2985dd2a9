package crawler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"observatory"
	"observatory/crawler/canonical"
	"observatory/crawler/extract"
)

// target is one place a source announces its articles.
type target struct {
	kind     string // "feed", "sitemap", "listing"
	url      string
	selector string // listings only
}

func targetsOf(src *observatory.Source) []target {
	var ts []target
	for _, f := range src.Feeds {
		ts = append(ts, target{kind: "feed", url: f})
	}
	for _, s := range src.Sitemaps {
		ts = append(ts, target{kind: "sitemap", url: s})
	}
	for _, l := range src.Listings {
		ts = append(ts, target{kind: "listing", url: l.URL, selector: l.LinkSelector})
	}
	return ts
}

// maxChildSitemaps bounds the sitemaps read from a sitemap index per run,
// newest first.
const maxChildSitemaps = 3

const (
	acceptFeed = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
	acceptHTML = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
)

// run is the state of one crawl of one source.
type run struct {
	src     *observatory.Source
	health  observatory.SourceHealth
	sum     Summary
	start   time.Time
	touched map[string]bool // feed-state keys used this run
	// validators are the ETag and Last-Modified of the documents read
	// this run, committed to the health only if the run left nothing
	// behind.
	validators map[string][2]string
	incomplete bool // an item failed for a reason that may pass, or items were left for later
	fetched    int  // item pages requested
	ttl        time.Duration
	// failures
	targetsOK  int
	targetErr  error // first error reading a feed, sitemap or listing
	itemErr    error // first error reading an item's page
	storeErr   error // the store failed: stop and report
	retryAfter time.Duration
	limited    bool // the outlet asked us to slow down (429/503)
}

// crawlSource reads a source's feeds, sitemaps and listings, fetches and
// stores the new items, and records the outcome in the source's health.
func (c *Crawler) crawlSource(ctx context.Context, src *observatory.Source) Summary {
	r := &run{src: src, start: c.cfg.Now(), touched: make(map[string]bool), validators: make(map[string][2]string)}
	r.sum = Summary{SourceID: src.ID, Name: src.Name}
	h, err := c.cfg.Store.Health(ctx, src.ID)
	if err != nil {
		r.sum.Err = "no se pudo leer el estado de la fuente / could not read source state: " + err.Error()
		return r.sum
	}
	h.SourceID = src.ID
	if h.Feeds == nil {
		h.Feeds = make(map[string]observatory.FeedState)
	}
	r.health = h
	c.dups.load(ctx, c.cfg.Store, r.start)

	targets := targetsOf(src)
	type found struct {
		item
		target string
	}
	var items []found
	seen := make(map[string]bool)
	for _, t := range targets {
		if ctx.Err() != nil {
			break
		}
		its, err := c.collect(ctx, r, t)
		if err != nil {
			c.noteTargetError(r, t, err)
			continue
		}
		r.targetsOK++
		for _, it := range its {
			if !seen[it.Link] {
				seen[it.Link] = true
				items = append(items, found{it, t.url})
			}
		}
	}
	r.sum.Items = len(items)
	changed := make(map[string]bool)
	for _, it := range items {
		if ctx.Err() != nil || r.storeErr != nil || r.limited {
			break
		}
		if r.fetched >= c.cfg.MaxItems {
			r.incomplete = true // the rest next time; known items cost nothing then
			break
		}
		isNew, err := c.processItem(ctx, r, it.item)
		if isNew && err == nil {
			changed[it.target] = true // for adaptive polling: this feed brought news
		}
		if err != nil {
			r.sum.Failed++
			if r.itemErr == nil {
				r.itemErr = err
			}
			if !permanent(err) {
				r.incomplete = true
			}
			var se *StatusError
			if errors.As(err, &se) && (se.Code == 429 || se.Code == 503) {
				r.limited = true
				r.retryAfter = max(r.retryAfter, se.RetryAfter)
			}
		}
	}
	for _, t := range targets {
		st := r.health.Feeds[t.url]
		if changed[t.url] || (st.LastChanged.IsZero() && r.touched[t.url]) {
			st.LastChanged = r.start
			r.health.Feeds[t.url] = st
		}
	}
	if !r.incomplete && !r.limited && r.storeErr == nil && ctx.Err() == nil {
		for u, v := range r.validators {
			st := r.health.Feeds[u]
			st.ETag, st.LastModified = v[0], v[1]
			r.health.Feeds[u] = st
		}
	}
	c.finishRun(ctx, r, len(targets))
	return r.sum
}

// permanent reports whether an item's failure will not pass by trying
// again: the page is gone, forbidden, disallowed or has no article.
func permanent(err error) bool {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Code == 404 || se.Code == 410 || se.Code == 403 || se.Code == 401
	}
	return errors.Is(err, ErrRobots) || errors.Is(err, extract.ErrNoContent) || errors.Is(err, ErrBlockedAddress)
}

// collect reads one target, with conditional GET, and returns its items.
func (c *Crawler) collect(ctx context.Context, r *run, t target) ([]item, error) {
	its, index, err := c.readTarget(ctx, r, t, t.url)
	if err != nil || len(index) == 0 {
		return its, err
	}
	// A sitemap index: read its newest sitemaps.
	var all []item
	var firstErr error
	for _, child := range index[:min(len(index), maxChildSitemaps)] {
		ci, _, err := c.readTarget(ctx, r, t, child)
		if err != nil {
			firstErr = cmpOr(firstErr, err)
			continue
		}
		all = append(all, ci...)
	}
	if len(all) == 0 && firstErr != nil {
		return nil, firstErr
	}
	return all, nil
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

func (c *Crawler) readTarget(ctx context.Context, r *run, t target, u string) ([]item, []string, error) {
	st := r.health.Feeds[u]
	r.touched[u] = true
	accept := acceptFeed
	if t.kind == "listing" {
		accept = acceptHTML
	}
	p, err := c.fetch(ctx, u, &st, accept)
	now := c.cfg.Now()
	if err != nil {
		return nil, nil, err
	}
	st.LastChecked = now
	if p.NotModified {
		r.health.Feeds[u] = st
		return nil, nil, nil
	}
	// The new validators are kept only once every item was dealt with
	// (see crawlSource): a 304 must not hide items a failed run left.
	r.validators[u] = [2]string{p.ETag, p.LastModified}
	r.health.Feeds[u] = st
	if t.kind == "listing" {
		its, err := parseListing(p.Body, p.ContentType, p.URL, t.selector)
		return its, nil, err
	}
	its, index, info, err := parseFeed(p.Body, p.ContentType, p.URL)
	if err != nil {
		delete(r.validators, u)
		return nil, nil, err
	}
	r.ttl = max(r.ttl, info.TTL)
	return its, index, nil
}

func (c *Crawler) noteTargetError(r *run, t target, err error) {
	if r.targetErr == nil {
		r.targetErr = fmt.Errorf("%s %s: %w", t.kind, t.url, err)
	}
	var se *StatusError
	if errors.As(err, &se) && (se.Code == 429 || se.Code == 503) {
		r.limited = true
		r.retryAfter = max(r.retryAfter, se.RetryAfter)
	}
	c.log.Warn("crawl target failed", "source_id", r.src.ID, "kind", t.kind, "url", t.url, "err", err)
}

// processItem stores one announced item unless it is already known. It
// reports whether the item was new to the store (with a nil error: stored
// now).
func (c *Crawler) processItem(ctx context.Context, r *run, it item) (bool, error) {
	st := c.cfg.Store
	if _, ok, err := st.ArticleByLink(ctx, it.Link); err != nil {
		r.storeErr = err
		return false, err
	} else if ok {
		r.sum.Known++
		return false, nil
	}
	r.fetched++
	p, err := c.fetch(ctx, it.Link, nil, acceptHTML)
	if err != nil {
		return true, err
	}
	hints := append([]string{it.Language}, r.src.Languages...)
	res, xerr := extract.Extract(bytes.NewReader(p.Body), p.URL,
		extract.WithContentType(p.ContentType), extract.WithLanguageHint(hints...))
	if xerr != nil && !errors.Is(xerr, extract.ErrNoContent) {
		return true, xerr
	}
	fetched, err := canonical.Clean(p.URL)
	if err != nil {
		fetched = it.Link
	}
	canon := res.CanonicalURL
	if canon == "" {
		canon = fetched
	}
	links := compactLinks(it.Link, fetched, canon)
	if canon != it.Link {
		if id, ok, err := st.ArticleByLink(ctx, canon); err != nil {
			r.storeErr = err
			return false, err
		} else if ok {
			// Known under another link: remember this one too.
			if _, err := st.SaveArticle(ctx, &observatory.Article{ID: id, URL: canon}, links...); err != nil {
				r.storeErr = err
				return false, err
			}
			r.sum.Known++
			return false, nil
		}
	}
	now := c.cfg.Now()
	a := &observatory.Article{
		ID:         observatory.ArticleID(canon),
		URL:        canon,
		SourceID:   r.src.ID,
		SourceName: r.src.Name,
		Country:    r.src.Country,
		Medium:     r.src.Medium,
		Title:      firstNonEmpty(res.Title, it.Title),
		Text:       res.Text,
		Summary:    it.Summary,
		Published:  pickDate(now, it.Published, res.Published),
		Fetched:    now,
		Authors:    res.Authors,
		Language:   firstNonEmpty(res.Language, it.Language, firstOf(r.src.Languages)),
		ImageURL:   firstNonEmpty(res.ImageURL, it.ImageURL),
	}
	if len(a.Authors) == 0 {
		a.Authors = it.Authors
	}
	if len(a.Text) < len(it.Summary) {
		a.Text = it.Summary // the page gave less than the feed said: keep the feed's words
	}
	if a.Title == "" && a.Text == "" {
		return true, fmt.Errorf("%w: %s", extract.ErrNoContent, p.URL)
	}
	group, mark := c.dups.assign(a, now)
	a.Group = group
	if c.cfg.Process != nil {
		c.cfg.Process(ctx, a)
	}
	created, err := st.SaveArticle(ctx, a, links...)
	if err != nil {
		r.storeErr = err
		return false, err
	}
	if !created {
		r.sum.Known++
		return false, nil
	}
	r.sum.New++
	if group != "" {
		r.sum.Grouped++
	}
	if mark != "" {
		c.markGroup(ctx, mark)
	}
	return true, nil
}

// markGroup sets Group on the first article of a new near-duplicate group,
// when the store allows updating articles.
func (c *Crawler) markGroup(ctx context.Context, id string) {
	up, ok := c.cfg.Store.(articleUpdater)
	if !ok {
		return
	}
	a, err := up.Article(ctx, id)
	if err != nil || a.Group != "" {
		return
	}
	a.Group = id
	if err := up.UpdateArticles(ctx, []observatory.Article{*a}); err != nil {
		c.log.Warn("mark near-duplicate group", "article_id", id, "err", err)
	}
}

func compactLinks(links ...string) []string {
	var out []string
	for _, l := range links {
		if l != "" && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// pickDate prefers the feed item's date, then the page's; a date more than
// a day in the future is a mistake; no date at all means first seen now.
func pickDate(now time.Time, dates ...time.Time) time.Time {
	for _, d := range dates {
		if !d.IsZero() && d.Before(now.Add(24*time.Hour)) && d.Year() > 1990 {
			return d
		}
	}
	return now
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func firstOf(s []string) string {
	if len(s) > 0 {
		return s[0]
	}
	return ""
}
