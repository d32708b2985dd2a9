package crawler

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/rss"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"

	"observatory/crawler/canonical"
	"observatory/crawler/extract"
)

// item is one article announced by a feed, a sitemap or a listing page.
type item struct {
	Link      string // resolved and cleaned of tracking parameters
	Title     string
	Summary   string // plain text
	Published time.Time
	Authors   []string
	ImageURL  string
	Language  string // the feed's declared language
}

// ErrNotFeed is returned (wrapped) for a document that is neither RSS,
// Atom, RDF, JSON Feed nor a sitemap.
var ErrNotFeed = errors.New("crawler: not a feed")

// feedInfo is what a feed says about itself that polling can use.
type feedInfo struct {
	TTL   time.Duration // RSS <ttl> or sy:updatePeriod/updateFrequency
	Items int           // entries in the document, with or without a usable link
}

// parseFeed parses an RSS, Atom, RDF or JSON feed, or a sitemap (a Google
// News sitemap or a plain one; a sitemap index yields its sitemaps in
// index), from bytes fetched by the crawler. It converts the charset to
// UTF-8 first: the HTTP header's, the XML declaration's or a byte-order
// mark's, and Windows-1252 for undeclared bytes that are not UTF-8.
func parseFeed(body []byte, contentType, feedURL string) (items []item, index []string, info feedInfo, err error) {
	base, _ := url.Parse(feedURL)
	body = feedToUTF8(body, contentType)
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, nil, info, fmt.Errorf("%w: empty document", ErrNotFeed)
	}
	if isSitemap(trimmed) {
		items, index, err = parseSitemap(trimmed, base)
		return items, index, info, err
	}
	fp := gofeed.NewParser()
	fp.KeepOriginalFeed = true
	f, err := fp.Parse(bytes.NewReader(body))
	if err != nil && bytes.HasPrefix(trimmed, []byte("{")) {
		f, err = lenientJSONFeed(trimmed) // wrong types in fields we do not use
	}
	if err != nil {
		return nil, nil, info, fmt.Errorf("%w: %v", ErrNotFeed, err)
	}
	info.TTL = feedTTL(f)
	info.Items = len(f.Items)
	lang := normLang(f.Language)
	for _, it := range f.Items {
		if it == nil {
			continue
		}
		link := it.Link
		if link == "" && len(it.Links) > 0 {
			link = it.Links[0]
		}
		if link == "" && strings.HasPrefix(it.GUID, "http") {
			link = it.GUID
		}
		l, err := canonical.Resolve(base, link)
		if err != nil {
			continue
		}
		x := item{Link: l, Title: plainText(it.Title), Summary: plainText(it.Description), Language: lang}
		if x.Summary == "" {
			x.Summary = truncateRunes(plainText(it.Content), 600)
		}
		switch {
		case it.PublishedParsed != nil:
			x.Published = *it.PublishedParsed
		case it.UpdatedParsed != nil:
			x.Published = *it.UpdatedParsed
		}
		for _, a := range it.Authors {
			if a != nil && strings.TrimSpace(a.Name) != "" {
				x.Authors = append(x.Authors, strings.TrimSpace(a.Name))
			}
		}
		if it.Image != nil {
			x.ImageURL = it.Image.URL
		}
		items = append(items, x)
	}
	return items, nil, info, nil
}

// lenientJSONFeed reads a JSON Feed whose fields do not all have the
// types of the specification (tags as a string, say), keeping the fields
// the crawler uses.
func lenientJSONFeed(b []byte) (*gofeed.Feed, error) {
	var doc struct {
		Language string           `json:"language"`
		Items    []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	str := func(m map[string]any, keys ...string) string {
		for _, k := range keys {
			if v, ok := m[k].(string); ok && v != "" {
				return v
			}
		}
		return ""
	}
	f := &gofeed.Feed{Language: doc.Language, FeedType: "json"}
	for _, m := range doc.Items {
		it := &gofeed.Item{
			Link:        str(m, "url", "external_url"),
			GUID:        str(m, "id"),
			Title:       str(m, "title"),
			Description: str(m, "summary"),
			Content:     str(m, "content_html", "content_text"),
			Published:   str(m, "date_published"),
		}
		if t := parseW3CDate(it.Published); !t.IsZero() {
			it.PublishedParsed = &t
		}
		if a, ok := m["author"].(map[string]any); ok {
			if n := str(a, "name"); n != "" {
				it.Authors = append(it.Authors, &gofeed.Person{Name: n})
			}
		}
		f.Items = append(f.Items, it)
	}
	return f, nil
}

var xmlDeclRE = regexp.MustCompile(`^\s*<\?xml[^>]*?\?>`)
var xmlEncRE = regexp.MustCompile(`encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']`)

// feedToUTF8 returns body as UTF-8 with its XML declaration (if any)
// saying so, so that the XML parsers do not convert a second time.
func feedToUTF8(body []byte, contentType string) []byte {
	var enc encoding.Encoding
	var label string
	switch {
	case bytes.HasPrefix(body, []byte{0xEF, 0xBB, 0xBF}):
		body = body[3:]
		label = "utf-8"
	case bytes.HasPrefix(body, []byte{0xFE, 0xFF}), bytes.HasPrefix(body, []byte{0xFF, 0xFE}):
		enc = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM)
		label = "utf-16"
	}
	if label == "" {
		if _, params, err := mime.ParseMediaType(contentType); err == nil && params["charset"] != "" {
			label = params["charset"]
		}
	}
	decl := xmlDeclRE.Find(body)
	if label == "" && decl != nil {
		if m := xmlEncRE.FindSubmatch(decl); m != nil {
			label = string(m[1])
		}
	}
	if enc == nil && label != "" {
		var name string
		enc, name = charset.Lookup(label)
		if name == "utf-8" && !utf8.Valid(body) {
			enc = nil // a UTF-8 label over bytes that are not: decided below
		}
	}
	if enc == nil && !utf8.Valid(body) {
		enc, _ = charset.Lookup("windows-1252")
	}
	if enc != nil {
		body = extract.Decode(body, enc)
	} else if !utf8.Valid(body) {
		body = []byte(strings.ToValidUTF8(string(body), "\uFFFD"))
	}
	if decl := xmlDeclRE.Find(body); decl != nil {
		fixed := xmlEncRE.ReplaceAll(decl, []byte(`encoding="utf-8"`))
		body = append(fixed, body[len(decl):]...)
	}
	return body
}

// feedTTL reads the feed's own polling hints.
func feedTTL(f *gofeed.Feed) time.Duration {
	var ttl time.Duration
	if orig, ok := f.OriginalFeed().(*rss.Feed); ok && orig != nil {
		if m, err := strconv.Atoi(strings.TrimSpace(orig.TTL)); err == nil && m > 0 {
			ttl = time.Duration(m) * time.Minute
		}
	}
	if sy, ok := f.Extensions["sy"]; ok {
		period := map[string]time.Duration{"hourly": time.Hour, "daily": 24 * time.Hour,
			"weekly": 7 * 24 * time.Hour, "monthly": 30 * 24 * time.Hour, "yearly": 365 * 24 * time.Hour}
		var p time.Duration
		if e := sy["updatePeriod"]; len(e) > 0 {
			p = period[strings.ToLower(strings.TrimSpace(e[0].Value))]
		}
		freq := 1
		if e := sy["updateFrequency"]; len(e) > 0 {
			if n, err := strconv.Atoi(strings.TrimSpace(e[0].Value)); err == nil && n > 0 {
				freq = n
			}
		}
		if p > 0 {
			ttl = max(ttl, p/time.Duration(freq))
		}
	}
	return ttl
}

func isSitemap(b []byte) bool {
	head := b[:min(len(b), 2048)]
	return bytes.Contains(head, []byte("<urlset")) || bytes.Contains(head, []byte("<sitemapindex"))
}

type sitemapDoc struct {
	URLs []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
		News    struct {
			Title       string `xml:"title"`
			PubDate     string `xml:"publication_date"`
			Publication struct {
				Language string `xml:"language"`
			} `xml:"publication"`
		} `xml:"news"`
		Image struct {
			Loc string `xml:"loc"`
		} `xml:"image"`
	} `xml:"url"`
	Sitemaps []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"sitemap"`
}

// parseSitemap reads a sitemap (entries newest first when they carry
// dates) or a sitemap index (its sitemaps, newest first).
func parseSitemap(b []byte, base *url.URL) ([]item, []string, error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = false
	d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) { return r, nil } // already UTF-8
	var doc sitemapDoc
	if err := d.Decode(&doc); err != nil {
		return nil, nil, fmt.Errorf("%w: sitemap: %v", ErrNotFeed, err)
	}
	if len(doc.Sitemaps) > 0 {
		sort.SliceStable(doc.Sitemaps, func(i, j int) bool {
			return parseW3CDate(doc.Sitemaps[i].LastMod).After(parseW3CDate(doc.Sitemaps[j].LastMod))
		})
		var index []string
		for _, s := range doc.Sitemaps {
			if l, err := canonical.Resolve(base, s.Loc); err == nil {
				index = append(index, l)
			}
		}
		return nil, index, nil
	}
	var items []item
	for _, u := range doc.URLs {
		l, err := canonical.Resolve(base, u.Loc)
		if err != nil {
			continue
		}
		x := item{Link: l, Title: plainText(u.News.Title), Language: normLang(u.News.Publication.Language)}
		x.Published = parseW3CDate(u.News.PubDate)
		if x.Published.IsZero() {
			x.Published = parseW3CDate(u.LastMod)
		}
		x.ImageURL = strings.TrimSpace(u.Image.Loc)
		items = append(items, x)
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].Published.After(items[j].Published) })
	return items, nil, nil
}

// parseW3CDate reads the W3C datetime profile of ISO 8601 sitemaps use.
func parseW3CDate(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, l := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02", "2006-01", "2006"} {
		if t, err := time.Parse(l, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// parseListing returns the links that selector picks out of a listing
// page, resolved, cleaned, on the same site, in page order.
func parseListing(body []byte, contentType, pageURL, selector string) ([]item, error) {
	base, err := url.Parse(pageURL)
	if err != nil {
		return nil, err
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(extract.ToUTF8(body, contentType)))
	if err != nil {
		return nil, fmt.Errorf("crawler: listing %s: %w", pageURL, err)
	}
	sel, err := compileSelector(selector)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool)
	var items []item
	doc.FindMatcher(sel).Each(func(_ int, s *goquery.Selection) {
		a := s
		if goquery.NodeName(s) != "a" {
			a = s.Find("a[href]").First()
		}
		href, ok := a.Attr("href")
		if !ok {
			return
		}
		l, err := canonical.Resolve(base, href)
		if err != nil || seen[l] {
			return
		}
		lu, _ := url.Parse(l)
		if !canonical.SameSite(lu.Host, base.Host) || lu.Path == "/" {
			return
		}
		seen[l] = true
		items = append(items, item{Link: l, Title: oneLine(a.Text())})
	})
	return items, nil
}

func compileSelector(sel string) (goquery.Matcher, error) {
	m, err := cascadia.Compile(sel)
	if err != nil {
		return nil, fmt.Errorf("crawler: link selector %q: %w", sel, err)
	}
	return m, nil
}

// plainText turns a feed's HTML fragment into one line of text.
func plainText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return oneLine(s)
	}
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			return oneLine(b.String())
		case html.TextToken:
			b.Write(z.Text())
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			b.WriteByte(' ')
		}
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n])) + "…"
}

func normLang(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	if len(s) != 2 {
		return ""
	}
	return s
}
