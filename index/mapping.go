package index

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"

	"observatory"
)

// Field names in the index. The keyword fields (kind, lang, country,
// source, medium, tag, subtag, month) are indexed together in one field,
// fieldKeywords, as "name=value" terms, with doc values: a search computes
// all eight facets for every hit, and reading one doc-values field per hit
// instead of eight took a fifth off a broad search. Text fields are
// analysed in the item's language and have no doc values.
const (
	fieldKind        = "kind"
	fieldLang        = "lang"
	fieldCountry     = "country"
	fieldSource      = "source"
	fieldSourceName  = "source_name"
	fieldMedium      = "medium"
	fieldTag         = "tag"
	fieldSubtag      = "subtag"
	fieldTagScores   = "tag_scores"
	fieldPublished   = "published"    // to the hour: ranges (see setPeriods)
	fieldPublishedAt = "published_at" // the exact instant, stored only
	fieldSortKey     = "sort_key"     // the instant to the second and the ID: date sorting
	fieldMonth       = "month"
	fieldKeywords    = "kw"        // every keyword, as name=value (see keywordTerm)
	fieldWeek        = "week"      // query syntax only: rewritten to a date range
	fieldAggWeek     = "agg_week"  // tag|country|source|week, see aggregate.go
	fieldAggMonth    = "agg_month" // tag|country|source|month
	fieldTitle       = "title"
	fieldText        = "text"
	fieldTextZ       = "text_z" // the body, deflated, stored only (see highlight.go)
	fieldAuthors     = "authors"
	fieldURL         = "url"
)

// titleBoost weighs a match in the title above one in the body.
const titleBoost = 3.0

// doc is what one article or library document looks like to bleve. Its
// bleve type is its analysed language, which picks the analyzer of the
// text fields (see newMapping).
type doc struct {
	Kind        string    `json:"kind"`
	Lang        string    `json:"lang"`
	Country     string    `json:"country,omitempty"`
	Source      string    `json:"source,omitempty"`
	SourceName  string    `json:"source_name,omitempty"`
	Medium      string    `json:"medium,omitempty"`
	Tag         []string  `json:"-"`
	Subtag      []string  `json:"-"`
	Keywords    []string  `json:"kw,omitempty"`
	TagScores   string    `json:"tag_scores,omitempty"`
	Published   time.Time `json:"published"`
	PublishedAt string    `json:"published_at,omitempty"`
	SortKey     string    `json:"sort_key,omitempty"`
	Month       string    `json:"-"`
	AggWeek     []string  `json:"agg_week,omitempty"`
	AggMonth    []string  `json:"agg_month,omitempty"`
	Title       string    `json:"title"`
	Text        string    `json:"text"`
	TextZ       string    `json:"text_z,omitempty"`
	Authors     []string  `json:"authors,omitempty"`
	URL         string    `json:"url,omitempty"`
}

// BleveType tells bleve which document mapping (and so which analyzers)
// to use.
func (d *doc) BleveType() string { return d.Lang }

// articleDoc converts a stored article to its indexed form.
func articleDoc(a *observatory.Article) *doc {
	d := &doc{
		Kind:       observatory.KindArticle,
		Lang:       languageOf(strings.ToLower(a.Language)),
		Country:    a.Country,
		Source:     a.SourceID,
		SourceName: a.SourceName,
		Medium:     a.Medium,
		Published:  a.Published,
		Title:      a.Title,
		Text:       a.Text,
		Authors:    a.Authors,
		URL:        a.URL,
	}
	if d.Text == "" {
		d.Text = a.Summary
	}
	d.TextZ = deflate(d.Text)
	if d.Published.IsZero() {
		d.Published = a.Fetched
	}
	setTags(d, a.Tags)
	setPeriods(d, a.ID)
	setAggregates(d)
	setKeywords(d)
	return d
}

// keywordTerm is the term of a keyword field's value in fieldKeywords.
func keywordTerm(field, v string) string { return field + "=" + v }

// setKeywords fills the keywords field from the keyword fields.
func setKeywords(d *doc) {
	add := func(field string, vs ...string) {
		for _, v := range vs {
			if v != "" {
				d.Keywords = append(d.Keywords, keywordTerm(field, v))
			}
		}
	}
	add(fieldKind, d.Kind)
	add(fieldLang, d.Lang)
	add(fieldCountry, d.Country)
	add(fieldSource, d.Source)
	add(fieldMedium, d.Medium)
	add(fieldTag, d.Tag...)
	add(fieldSubtag, d.Subtag...)
	add(fieldMonth, d.Month)
}

func setTags(d *doc, tags []observatory.TagResult) {
	var scores []string
	for _, t := range tags {
		if t.Tag == "" {
			continue
		}
		d.Tag = append(d.Tag, t.Tag)
		d.Subtag = append(d.Subtag, t.Subtags...)
		scores = append(scores, t.Tag+"="+strconv.FormatFloat(t.Score, 'g', 4, 64))
	}
	d.TagScores = strings.Join(scores, " ")
}

func setPeriods(d *doc, id string) {
	if d.Published.IsZero() {
		return
	}
	t := d.Published.UTC()
	d.PublishedAt = t.Format(time.RFC3339Nano)
	// Sorting by date reads the sort key's doc values for every hit.
	// With the ID in the key, ties need no tie-breaker on _id, which
	// bleve reads from each hit's stored record: at a million articles a
	// date-sorted search then touched most of the stored text.
	d.SortKey = t.Format(sortKeyLayout) + id
	// bleve indexes a date as 16 prefix terms of its 64-bit value; with
	// every article at its own second, the dictionary holds a term per
	// article and the field took a sixth of the index. To the hour, ranges
	// lose nothing a search page shows; sorting goes by the sort key and
	// the hits show the exact instant from published_at.
	d.Published = t.Truncate(time.Hour)
	d.Month = t.Format("2006-01")
}

// sortKeyLayout is the instant part of the sort key: fixed width, so that
// keys sort as instants.
const sortKeyLayout = "20060102150405"

// isoWeek formats t's ISO 8601 week as "2026-W47", as digests name weeks.
func isoWeek(t time.Time) string {
	y, w := t.ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

// parseTagScores reads the stored tag_scores field back.
func parseTagScores(s string) []observatory.TagScore {
	var out []observatory.TagScore
	for _, f := range strings.Fields(s) {
		tag, score, ok := strings.Cut(f, "=")
		if !ok {
			continue
		}
		v, _ := strconv.ParseFloat(score, 64)
		out = append(out, observatory.TagScore{Tag: tag, Score: v})
	}
	return out
}

// newMapping builds the index mapping: one document mapping per analysed
// language, identical but for the analyzer of the text fields. Nothing is
// indexed dynamically and nothing goes to the composite _all field: the
// query builder names the fields it searches.
func newMapping() (*mapping.IndexMappingImpl, error) {
	im := mapping.NewIndexMapping()
	if err := addAnalyzers(im); err != nil {
		return nil, err
	}
	im.DefaultAnalyzer = analyzerES
	im.DefaultType = defaultLanguage
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	for lang, analyzer := range languages {
		dm := docMapping(analyzer)
		im.AddDocumentMapping(lang, dm)
		if lang == defaultLanguage {
			im.DefaultMapping = docMapping(analyzer)
		}
	}
	return im, nil
}

func docMapping(textAnalyzer string) *mapping.DocumentMapping {
	dm := mapping.NewDocumentStaticMapping()
	dm.DefaultAnalyzer = textAnalyzer

	kw := func(store bool) *mapping.FieldMapping {
		return &mapping.FieldMapping{
			Type:         "text",
			Analyzer:     keyword.Name,
			Index:        true,
			Store:        store,
			DocValues:    true,
			SkipFreqNorm: true,
		}
	}
	storedOnly := &mapping.FieldMapping{Type: "text", Analyzer: keyword.Name, Store: true}
	text := func(analyzer string, store bool) *mapping.FieldMapping {
		return &mapping.FieldMapping{
			Type:               "text",
			Analyzer:           analyzer,
			Index:              true,
			Store:              store,
			IncludeTermVectors: true, // phrases and highlights need positions
		}
	}
	// Dates are only searched by range: sorting uses sort_key, and doc
	// values of a datetime hold all 16 prefix terms of every date.
	date := &mapping.FieldMapping{Type: "datetime", Index: true}

	for name, fm := range map[string]*mapping.FieldMapping{
		fieldKeywords:    kw(false),
		fieldKind:        storedOnly,
		fieldLang:        storedOnly,
		fieldCountry:     storedOnly,
		fieldSource:      storedOnly,
		fieldMedium:      storedOnly,
		fieldSortKey:     kw(false),
		fieldAggWeek:     kw(false),
		fieldAggMonth:    kw(false),
		fieldSourceName:  storedOnly,
		fieldTagScores:   storedOnly,
		fieldURL:         storedOnly,
		fieldTextZ:       storedOnly,
		fieldPublishedAt: storedOnly,
		fieldPublished:   date,
		fieldTitle:       text(textAnalyzer, true),
		fieldText:        text(textAnalyzer, false), // stored deflated in text_z
		fieldAuthors:     text(analyzerName, true),
	} {
		f := *fm
		f.Name = name
		dm.AddFieldMappingsAt(name, &f)
	}
	return dm
}
