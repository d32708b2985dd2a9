package classify

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Folding makes matching case- and accent-insensitive: letters are lowered
// and stripped of their accents (á→a, Ü→u, ç→c), except ñ, which stays a
// letter of its own so that "año" never matches "ano". Text in decomposed
// form (NFD) folds to the same tokens as composed text: combining marks are
// dropped, and a combining tilde after n makes ñ. The tables below are built
// once; the hot path never runs a Unicode normaliser.

// runeKind says what a rune is to the tokenizer.
type runeKind uint8

const (
	kindSep    runeKind = iota // ends a token
	kindLetter                 // part of a token, with a folded form
	kindIgnore                 // inside a token but contributes nothing (combining marks, soft hyphen, zero-width)
)

// latinFold holds the folded form of each rune below latinLimit; "" with
// latinKind kindSep means separator.
const latinLimit = 0x250

type foldTables struct {
	fold [latinLimit]string
	kind [latinLimit]runeKind
	// ascii maps an ASCII byte to its folded byte, or 0 for a separator.
	ascii [128]byte
}

// tables is computed once from foldRuneSlow, the reference definition.
var tables = buildFoldTables()

const foldedEnye = "ñ"

func buildFoldTables() *foldTables {
	t := new(foldTables)
	for r := rune(0); r < latinLimit; r++ {
		t.fold[r], t.kind[r] = foldRuneSlow(r)
	}
	for b := 0; b < 128; b++ {
		if t.kind[b] == kindLetter {
			t.ascii[b] = t.fold[b][0]
		}
	}
	return t
}

// foldRuneSlow is the reference definition of folding for one rune.
func foldRuneSlow(r rune) (string, runeKind) {
	switch {
	case r < 0x80:
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return string(r), kindLetter
		case r >= 'A' && r <= 'Z':
			return string(r + 'a' - 'A'), kindLetter
		}
		return "", kindSep
	case r == 'ñ' || r == 'Ñ':
		return foldedEnye, kindLetter
	case r == 0x00AD || r == 0x200B || r == 0x200C || r == 0x200D || r == 0x2060 || r == 0xFEFF:
		return "", kindIgnore
	case r == 'ß':
		return "ss", kindLetter
	case r == 'æ' || r == 'Æ':
		return "ae", kindLetter
	case r == 'œ' || r == 'Œ':
		return "oe", kindLetter
	case r == 'ø' || r == 'Ø':
		return "o", kindLetter
	case r == 'đ' || r == 'Đ':
		return "d", kindLetter
	case r == 'ł' || r == 'Ł':
		return "l", kindLetter
	case r == 'ª':
		return "a", kindLetter
	case r == 'º':
		return "o", kindLetter
	}
	if unicode.Is(unicode.Mn, r) {
		return "", kindIgnore
	}
	if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return "", kindSep
	}
	if base, ok := latinBase(r); ok {
		return base, kindLetter
	}
	// Other scripts: decompose and drop the marks (rare; never for the
	// Latin letters of Spanish, English and French, which the tables hold).
	var b strings.Builder
	for _, d := range norm.NFD.String(string(r)) {
		if unicode.Is(unicode.Mn, d) {
			continue
		}
		d = unicode.ToLower(d)
		if d != r {
			if f, k := foldRuneSlow(d); k == kindLetter {
				b.WriteString(f)
			}
			continue
		}
		b.WriteRune(d)
	}
	if b.Len() == 0 {
		return "", kindIgnore
	}
	return b.String(), kindLetter
}

// latinBase strips the diacritic of a precomposed Latin letter.
func latinBase(r rune) (string, bool) {
	const groups = "" +
		"aÀÁÂÃÄÅàáâãäåĀāĂăĄąǍǎ|" +
		"cÇçĆćĈĉĊċČč|" +
		"dĎď|" +
		"eÈÉÊËèéêëĒēĔĕĖėĘęĚě|" +
		"gĜĝĞğĠġĢģ|" +
		"hĤĥĦħ|" +
		"iÌÍÎÏìíîïĨĩĪīĬĭĮįİıǏǐ|" +
		"jĴĵ|" +
		"kĶķ|" +
		"lĹĺĻļĽľĿŀ|" +
		"nŃńŅņŇňŉ|" +
		"oÒÓÔÕÖòóôõöŌōŎŏŐőǑǒ|" +
		"rŔŕŖŗŘř|" +
		"sŚśŜŝŞşŠšſ|" +
		"tŢţŤťŦŧ|" +
		"uÙÚÛÜùúûüŨũŪūŬŭŮůŰűŲųǓǔǕǖǗǘǙǚǛǜ|" +
		"wŴŵ|" +
		"yÝýÿŶŷŸ|" +
		"zŹźŻżŽž"
	for _, g := range strings.Split(groups, "|") {
		base, rest := g[:1], g[1:]
		if strings.ContainsRune(rest, r) {
			return base, true
		}
	}
	return "", false
}

// foldRune returns the folded form and kind of r using the tables.
func foldRune(r rune) (string, runeKind) {
	if r < latinLimit {
		return tables.fold[r], tables.kind[r]
	}
	if r == 0x0303 {
		return "", kindIgnore
	}
	return foldRuneSlow(r)
}

// token is one folded word of a text with its byte span in the original.
type token struct {
	Folded     string
	Start, End int
}

// Tokens splits s into folded tokens. It is the slow, allocating reference
// used for lexicon patterns and tests; the matcher's scanner folds the same
// way without allocating.
func Tokens(s string) []string {
	toks := tokenize(s)
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Folded
	}
	return out
}

func tokenize(s string) []token {
	var (
		out   []token
		b     strings.Builder
		start = -1
		end   int
	)
	flush := func() {
		if start >= 0 && b.Len() > 0 {
			out = append(out, token{Folded: b.String(), Start: start, End: end})
		}
		b.Reset()
		start = -1
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		f, k := foldRune(r)
		switch {
		case r == 0x0303 && start >= 0 && strings.HasSuffix(b.String(), "n"):
			cur := b.String()
			b.Reset()
			b.WriteString(cur[:len(cur)-1])
			b.WriteString(foldedEnye)
			end = i + size
		case k == kindSep:
			flush()
		case k == kindIgnore:
			if start >= 0 {
				end = i + size
			}
		default:
			if start < 0 {
				start = i
			}
			b.WriteString(f)
			end = i + size
		}
		i += size
	}
	flush()
	return out
}

// Fold returns s folded and with its tokens joined by single spaces: the
// canonical form the matcher sees. Fold(Fold(s)) == Fold(s).
func Fold(s string) string { return strings.Join(Tokens(s), " ") }
