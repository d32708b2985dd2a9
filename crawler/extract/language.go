package extract

import (
	"strings"
	"unicode/utf8"

	"github.com/abadojack/whatlanggo"
)

// languages the observatory expects: the pilot countries write Spanish,
// and English, French and Portuguese turn up in regional and agency copy.
var languages = map[whatlanggo.Lang]bool{
	whatlanggo.Spa: true, whatlanggo.Eng: true, whatlanggo.Fra: true, whatlanggo.Por: true,
}

// detectSample bounds the text given to the detector: enough for a
// reliable guess, cheap on long articles.
const detectSample = 1200

// detectLanguage returns an ISO 639-1 code. The text decides when the
// detector is reliable; otherwise the page's declared language, then the
// outlet's or feed's, act as priors; the detector's guess comes last.
func detectLanguage(text, pageLang string, hints []string) string {
	if len(text) > detectSample {
		cut := detectSample
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	var guess string
	info := whatlanggo.DetectWithOptions(text, whatlanggo.Options{Whitelist: languages})
	if utf8.RuneCountInString(strings.TrimSpace(text)) > 0 {
		guess = info.Lang.Iso6391()
	}
	priors := append([]string{pageLang}, hints...)
	for i, p := range priors {
		priors[i] = normLang(p)
	}
	if guess != "" && info.IsReliable() {
		// A declared language the detector ranks close is preferred: short
		// Spanish and Portuguese texts are easy to confuse.
		if info.Confidence < 0.5 {
			for _, p := range priors {
				if p != "" && p != guess && close(p, guess) {
					return p
				}
			}
		}
		return guess
	}
	for _, p := range priors {
		if p != "" {
			return p
		}
	}
	return guess
}

// close reports whether two languages are often confused on short texts.
func close(a, b string) bool {
	romance := map[string]bool{"es": true, "pt": true, "fr": true, "it": true, "ca": true, "gl": true}
	return romance[a] && romance[b]
}

// normLang reduces "es-CR", "es_CR" or "ES" to "es"; it drops what is not
// a two-letter code.
func normLang(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	if len(s) != 2 || s[0] < 'a' || s[0] > 'z' || s[1] < 'a' || s[1] > 'z' {
		return ""
	}
	return s
}
