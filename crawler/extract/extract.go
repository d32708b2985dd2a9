// Package extract turns one saved HTML page into an article: main text,
// title, publication date, authors, language, canonical URL and lead image.
// It is a pure function of the page bytes and its URL; the heavy lifting is
// done by a maintained extraction library (go-trafilatura, chosen by F1 on
// the article-extraction benchmarks, see bench_test.go), and this package
// adds what the crawler needs around it: charset decoding, a guarded
// canonical URL, language detection with the page's own hints as priors.
package extract

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// Result is what Extract finds in a page. Its JSON form is what
// `observatory extract` prints.
type Result struct {
	Title        string    `json:"title"`
	Text         string    `json:"text"`
	Published    time.Time `json:"published"`
	Authors      []string  `json:"authors"`
	Language     string    `json:"language"`
	CanonicalURL string    `json:"canonical_url"`
	ImageURL     string    `json:"image_url,omitempty"`
}

// ErrNoContent is returned (wrapped) when a page holds no main text.
var ErrNoContent = errors.New("extract: no main text found")

// MaxInput is the most Extract reads of a page; the crawler caps bodies
// before that, this only guards direct callers.
const MaxInput = 16 << 20

// Option tunes one call of Extract.
type Option func(*options)

type options struct {
	contentType string
	langHints   []string
	engine      Engine
}

// WithContentType passes the HTTP Content-Type header, whose charset wins
// over the page's own <meta charset>.
func WithContentType(ct string) Option { return func(o *options) { o.contentType = ct } }

// WithLanguageHint gives the language the outlet or its feed declares
// (ISO 639-1), used when the text alone is not conclusive.
func WithLanguageHint(langs ...string) Option {
	return func(o *options) { o.langHints = append(o.langHints, langs...) }
}

// WithEngine selects the extraction library; the default is the one the
// benchmark chose.
func WithEngine(e Engine) Option { return func(o *options) { o.engine = e } }

// Extract reads an HTML page fetched from pageURL and returns its article.
// It decodes the page's charset to UTF-8 first. A page without main text
// gives an error wrapping ErrNoContent, with the metadata found so far.
func Extract(r io.Reader, pageURL string, opts ...Option) (Result, error) {
	o := options{engine: DefaultEngine}
	for _, f := range opts {
		f(&o)
	}
	raw, err := io.ReadAll(io.LimitReader(r, MaxInput))
	if err != nil {
		return Result{}, fmt.Errorf("extract: read page: %w", err)
	}
	base, err := url.Parse(pageURL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") {
		return Result{}, fmt.Errorf("extract: page URL %q must be absolute http(s)", pageURL)
	}
	doc, err := html.Parse(bytes.NewReader(ToUTF8(raw, o.contentType)))
	if err != nil {
		return Result{}, fmt.Errorf("extract: parse HTML: %w", err)
	}
	meta := readMeta(doc, base)
	res, err := o.engine.extract(doc, base)
	if err != nil {
		return Result{CanonicalURL: meta.canonical(base)}, fmt.Errorf("extract: %s: %w", pageURL, err)
	}
	res.Text = cleanText(res.Text)
	res.Title = oneLine(firstNonEmpty(res.Title, meta.ogTitle, meta.title))
	// The libraries often keep the headline as the first paragraph; the
	// title is stored apart, so the text starts after it (and a fallback
	// that found nothing but the title finds no text).
	if first, rest, _ := strings.Cut(res.Text, "\n\n"); first == res.Title {
		res.Text = rest
	}
	// Explicit metadata (article:published_time, JSON-LD) carries the
	// time of day; the library's date search often keeps only the day.
	if !meta.published.IsZero() {
		res.Published = meta.published
	}
	if len(res.Authors) == 0 {
		res.Authors = splitAuthors(meta.author)
	}
	res.CanonicalURL = meta.canonical(base)
	if res.ImageURL == "" {
		res.ImageURL = meta.image
	}
	res.ImageURL = resolveHTTP(base, res.ImageURL)
	res.Language = detectLanguage(res.Title+"\n"+res.Text, meta.lang, o.langHints)
	if res.Authors == nil {
		res.Authors = []string{}
	}
	if strings.TrimSpace(res.Text) == "" {
		return res, fmt.Errorf("extract: %s: %w", pageURL, ErrNoContent)
	}
	return res, nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// cleanText normalises white space: single spaces inside paragraphs, one
// blank line between paragraphs, valid UTF-8.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	lines := strings.Split(strings.ReplaceAll(s, "\r", ""), "\n")
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		if l = oneLine(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n\n")
}

// splitAuthors splits a byline such as "Ana Pérez; Juan Ruiz" or
// "Por Ana Pérez y Juan Ruiz" into names.
func splitAuthors(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	for _, p := range []string{"Por ", "por ", "By ", "by ", "POR "} {
		s = strings.TrimPrefix(s, p)
	}
	f := func(r rune) bool { return r == ';' || r == ',' || r == '|' || r == '/' }
	var out []string
	for _, part := range strings.FieldsFunc(s, f) {
		for _, name := range strings.Split(part, " y ") {
			for _, n := range strings.Split(name, " and ") {
				if n = oneLine(n); n != "" && utf8.RuneCountInString(n) <= 80 && !containsFold(out, n) {
					out = append(out, n)
				}
			}
		}
	}
	return out
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
