package index

import (
	"fmt"
	"sort"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	_ "github.com/blevesearch/bleve/v2/analysis/analyzer/custom" // the "custom" analyzer type
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/es"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/lang/pt"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/token/stop"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	_ "github.com/blevesearch/bleve/v2/analysis/tokenmap" // the "custom" token map type
	"github.com/blevesearch/bleve/v2/registry"
)

// foldFilterName is the token filter that folds every token to ASCII
// (niñez → ninez, MIGRACIÓN → migracion after lower-casing).
//
// bleve's asciifolding is a char filter: it rewrites the text before the
// tokenizer, so the byte offsets of the tokens point into the folded text,
// not the original, and every highlight after an "ñ" or an "á" would be
// shifted. Folding each token instead keeps the offsets right.
const foldFilterName = "observatory_fold"

var registerOnce sync.Once

// registerAnalysis adds the fold token filter to bleve's global registry.
// It runs once, from the first Open or mapping construction, not at init.
func registerAnalysis() {
	registerOnce.Do(func() {
		err := registry.RegisterTokenFilter(foldFilterName,
			func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
				return foldFilter{}, nil
			})
		if err != nil {
			panic(fmt.Sprintf("index: register %s: %v", foldFilterName, err))
		}
	})
}

type foldFilter struct{}

var asciiFolder = asciifolding.New()

func (foldFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, t := range input {
		if !isASCII(t.Term) {
			t.Term = asciiFolder.Filter(t.Term)
		}
	}
	return input
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Analyzer names stored in the index mapping.
const (
	analyzerES   = "observatory_es"
	analyzerEN   = "observatory_en"
	analyzerFR   = "observatory_fr"
	analyzerPT   = "observatory_pt"
	analyzerName = "observatory_name" // authors: folded, lower-case, not stemmed
)

// languages maps an ISO 639-1 code to the analyzer of its text fields.
// Text in any other language is analysed as Spanish, the observatory's
// main language.
var languages = map[string]string{
	"es": analyzerES,
	"en": analyzerEN,
	"fr": analyzerFR,
	"pt": analyzerPT,
}

// defaultLanguage is the language of articles whose language is empty or
// has no analyzer.
const defaultLanguage = "es"

// languageOf returns the analysed language for an article's language code.
func languageOf(code string) string {
	if _, ok := languages[code]; ok {
		return code
	}
	return defaultLanguage
}

// queryAnalyzers returns the analyzers a query's words are read with,
// Spanish first. The coverage is Spanish with some English; French and
// Portuguese items are indexed with their own analyzers but queried
// through these two (their light stemmers mostly agree with Spanish), as
// every extra reading adds clauses to every query.
func queryAnalyzers() []string {
	return []string{analyzerES, analyzerEN}
}

// foldedStopList returns bleve's stop list for a language folded to ASCII,
// since the stop filter runs after folding ("más" must stop "mas").
func foldedStopList(name string) ([]any, error) {
	tm, err := registry.NewCache().TokenMapNamed(name)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(tm))
	for w := range tm {
		seen[string(asciiFolder.Filter([]byte(w)))] = true
	}
	words := make([]string, 0, len(seen))
	for w := range seen {
		words = append(words, w)
	}
	sort.Strings(words)
	out := make([]any, len(words))
	for i, w := range words {
		out[i] = w
	}
	return out, nil
}

// customAnalysis describes the analyzers the mapping defines: per language,
// lower-case, fold to ASCII, drop (folded) stop words, stem.
type analyzerSpec struct {
	name    string
	stop    string   // bleve stop token map to fold
	before  []string // token filters before lower-casing
	stemmer string
}

func analyzerSpecs() []analyzerSpec {
	return []analyzerSpec{
		{name: analyzerES, stop: es.StopName, stemmer: es.LightStemmerName},
		{name: analyzerEN, stop: en.StopName, before: []string{en.PossessiveName}, stemmer: porter.Name},
		{name: analyzerFR, stop: fr.StopName, before: []string{fr.ElisionName}, stemmer: fr.LightStemmerName},
		{name: analyzerPT, stop: pt.StopName, stemmer: pt.LightStemmerName},
	}
}

type customAnalysis interface {
	AddCustomTokenMap(name string, config map[string]any) error
	AddCustomTokenFilter(name string, config map[string]any) error
	AddCustomAnalyzer(name string, config map[string]any) error
}

func addAnalyzers(im customAnalysis) error {
	registerAnalysis()
	for _, s := range analyzerSpecs() {
		words, err := foldedStopList(s.stop)
		if err != nil {
			return err
		}
		mapName := s.stop + "_folded"
		if err := im.AddCustomTokenMap(mapName, map[string]any{"type": "custom", "tokens": words}); err != nil {
			return err
		}
		if err := im.AddCustomTokenFilter(mapName, map[string]any{"type": stop.Name, "stop_token_map": mapName}); err != nil {
			return err
		}
		filters := append([]any{}, toAny(s.before)...)
		filters = append(filters, lowercase.Name, foldFilterName, mapName, s.stemmer)
		if err := im.AddCustomAnalyzer(s.name, map[string]any{
			"type":          "custom",
			"tokenizer":     unicode.Name,
			"token_filters": filters,
		}); err != nil {
			return err
		}
	}
	return im.AddCustomAnalyzer(analyzerName, map[string]any{
		"type":          "custom",
		"tokenizer":     unicode.Name,
		"token_filters": []any{lowercase.Name, foldFilterName},
	})
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
