package extract

import (
	"bytes"
	"errors"
	"net/url"
	"strings"

	readability "codeberg.org/readeck/go-readability/v2"
	"github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
)

// Engine is an extraction library. Both are measured by bench_test.go on
// the article-extraction benchmarks; DefaultEngine is the better by F1.
type Engine int

const (
	// Trafilatura is github.com/markusmobius/go-trafilatura without its
	// fallback extractors.
	Trafilatura Engine = iota
	// TrafilaturaFallback is go-trafilatura comparing its result with
	// Readability's and DOM Distiller's, as its published figures do.
	TrafilaturaFallback
	// Readability is codeberg.org/readeck/go-readability/v2, the
	// maintained port of Mozilla's Readability.js.
	Readability
)

// DefaultEngine is the engine Extract uses unless told otherwise.
const DefaultEngine = TrafilaturaFallback

func (e Engine) String() string {
	switch e {
	case Trafilatura:
		return "trafilatura"
	case TrafilaturaFallback:
		return "trafilatura+fallback"
	case Readability:
		return "readability"
	}
	return "unknown"
}

// maxNodes bounds the element count handed to the libraries: a page with
// millions of elements is hostile, not an article.
const maxNodes = 200_000

func (e Engine) extract(doc *html.Node, base *url.URL) (Result, error) {
	switch e {
	case Readability:
		return viaReadability(doc, base)
	default:
		return viaTrafilatura(doc, base, e == TrafilaturaFallback)
	}
}

func viaTrafilatura(doc *html.Node, base *url.URL, fallback bool) (Result, error) {
	res, err := trafilatura.ExtractDocument(doc, trafilatura.Options{
		OriginalURL:     base,
		EnableFallback:  fallback,
		ExcludeComments: true,
		MaxTreeSize:     maxNodes,
		HtmlDateMode:    trafilatura.Extensive,
	})
	if err != nil {
		return Result{}, errors.Join(ErrNoContent, err)
	}
	md := res.Metadata
	text := res.ContentText
	if res.ContentNode != nil {
		text = nodeText(res.ContentNode)
	}
	r := Result{
		Title:     md.Title,
		Text:      text,
		Published: md.Date,
		ImageURL:  md.Image,
	}
	if md.Author != "" {
		r.Authors = splitAuthors(md.Author)
	}
	return r, nil
}

func viaReadability(doc *html.Node, base *url.URL) (Result, error) {
	p := readability.NewParser()
	p.MaxElemsToParse = maxNodes
	art, err := p.ParseDocument(doc, base)
	if err != nil {
		return Result{}, errors.Join(ErrNoContent, err)
	}
	var buf bytes.Buffer
	if art.Node != nil {
		if err := art.RenderText(&buf); err != nil {
			return Result{}, err
		}
	}
	r := Result{Title: art.Title(), Text: buf.String(), ImageURL: art.ImageURL()}
	if t, err := art.PublishedTime(); err == nil {
		r.Published = t
	}
	if b := strings.TrimSpace(art.Byline()); b != "" {
		r.Authors = splitAuthors(b)
	}
	return r, nil
}
