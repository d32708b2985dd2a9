package classify

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Page furniture. An extractor keeps, with an article's text, some of what
// surrounds it on the page: "Lea también" links, lists of related or most
// read headlines, tag and navigation lines. A headline about deportations
// under a football report does not make it a migration story, so matches
// inside that furniture do not count. pageNoise finds it:
//
//   - a marker ("Lea también", "Noticias relacionadas", "Lo más leído",
//     "Etiquetas", "Read more", "À lire aussi"…) at the start of a line,
//     alone or followed by ":" — the rest of the line and the headline-like
//     lines that follow it (short, with no final full stop) up to a blank
//     line or a line of prose;
//   - a section's link list ("Más de Sucesos:", "Más noticias de Economía:");
//   - a navigation or tag line: three items or more separated by " | ",
//     " · " or " • ", with no final full stop; a short teaser that ends in
//     "Leer más", "Read more", "Lire la suite";
//   - inside a paragraph (extractors that join paragraphs), a marker
//     followed by ":" — in capitals ("MIRA:"), or of several words ("le
//     puede interesar:") — or one of the unmistakable markers with a capital
//     initial near the end of the text ("… Noticias relacionadas Migración
//     deporta …"), up to the end of the line or sentence, at most
//     maxInlineWords words.
//
// Markers are compared folded (case and accents ignored).

// noiseMarkers open a related-links block at the start of a line. Those in
// markersNeedColon are also ordinary words: they count only before a colon.
var noiseMarkers = []string{
	// Spanish
	"lea tambien", "lee tambien", "lea mas", "lee mas", "lea ademas", "lee ademas",
	"vea tambien", "ver tambien", "mira tambien", "mire tambien",
	"le puede interesar", "te puede interesar", "tambien le puede interesar", "tambien te puede interesar",
	"puede interesarle", "podria interesarle", "podria interesarte", "le podria interesar", "te podria interesar",
	"noticias relacionadas", "notas relacionadas", "articulos relacionados", "contenido relacionado",
	"temas relacionados", "enlaces relacionados", "mas noticias", "mas leidas", "mas leidos", "lo mas leido",
	"lo mas visto", "mas vistas", "mas vistos", "otros articulos", "otras noticias", "ultimas noticias",
	"sigue leyendo", "siga leyendo", "te recomendamos", "le recomendamos", "recomendados",
	"palabras clave", "etiquetas", "temas", "mira", "mire", "lea", "lee", "relacionado", "relacionada",
	"relacionados", "relacionadas", "tags",
	"tambien lea", "tambien lee", "le sugerimos", "te sugerimos", "lecturas relacionadas", "puede leer",
	"puedes leer", "lea aqui", "vea aqui", "ver mas", "leer mas", "mas informacion", "ademas",
	"en contexto", "contexto", "recomendamos", "video", "galeria",
	// English
	"read more", "read also", "also read", "see also", "related", "related articles", "related stories",
	"related news", "most read", "most popular", "more news", "more stories", "recommended", "topics",
	// French
	"lire aussi", "a lire aussi", "a lire egalement", "lire egalement", "voir aussi", "sur le meme sujet",
	"les plus lus", "articles lies", "mots cles", "mots-cles",
}

var markersNeedColon = map[string]bool{
	"mira": true, "mire": true, "lea": true, "lee": true, "temas": true, "topics": true,
	"related": true, "relacionado": true, "relacionada": true, "relacionados": true, "relacionadas": true,
	"etiquetas": true, "tags": true, "recommended": true, "recomendados": true,
	"mas informacion": true, "ademas": true, "en contexto": true, "contexto": true, "recomendamos": true,
	"video": true, "galeria": true,
}

// bareMarkers, with a capital initial, open a link list even inside a
// paragraph and without a colon: prose does not use them so.
var bareMarkers = []string{
	"noticias relacionadas", "notas relacionadas", "articulos relacionados", "contenido relacionado",
	"lo mas leido", "lo mas visto", "mas leidas", "lea tambien", "lee tambien", "vea tambien",
	"te puede interesar", "le puede interesar", "tambien te puede interesar", "tambien le puede interesar",
	"related articles", "related stories", "most read", "read more", "lire aussi", "sur le meme sujet",
}

// sectionLeads open a section's link list before a colon: "Más de Sucesos:".
var sectionLeads = []string{"mas de ", "mas sobre ", "mas en ", "mas noticias ", "otras noticias ", "lo mas ", "more from ", "more on ", "plus de "}

const (
	maxHeadlineWords = 30   // a longer line without a full stop is prose
	maxInlineWords   = 30   // an inline headline, at most
	maxMarkerBytes   = 48   // folded bytes compared
	maxBareBytes     = 32   // text bytes folded to find a bare marker (the longest is 28 letters)
	bareTail         = 1500 // bytes at the end of a text searched for bare markers
)

// pageNoise appends to out the byte spans of text that are page furniture,
// sorted by start, and returns it.
func pageNoise(text string, out []span) []span {
	n0 := len(out)
	inList := false
	for ls := 0; ls < len(text); {
		le := strings.IndexByte(text[ls:], '\n')
		if le < 0 {
			le = len(text)
		} else {
			le += ls
		}
		start, end := trimSpan(text, ls, le)
		line := text[start:end]
		switch {
		case line == "":
			inList = false
		case inList && headlineLike(line):
			out = append(out, span{start, end})
		default:
			inList = false
			if n, word, ok := markerAt(line); ok {
				rest := strings.TrimLeft(line[n:], " :-–—")
				switch {
				case rest == "" || headlineLike(rest) || !word && (wordCount(rest) <= maxHeadlineWords || !strings.ContainsAny(rest, ".!?")):
					out = append(out, span{start, end})
					inList = true
				case !word || allCaps(line[:n]):
					// A marker that opens a paragraph joined to prose:
					// only its headline is furniture.
					out = append(out, span{start, start + n + inlineEnd(line[n:])})
					out = inlineNoise(text, start+n, end, out)
				default:
					// "Mira: dijo…": an ordinary word before prose.
					out = inlineNoise(text, start, end, out)
				}
				break
			}
			if navLine(line) || teaserLine(line) {
				out = append(out, span{start, end})
				break
			}
			out = inlineNoise(text, start, end, out)
		}
		ls = le + 1
	}
	n1 := len(out)
	out = bareNoise(text, out)
	if len(out) > n1 {
		slices.SortFunc(out[n0:], func(a, b span) int { return cmp.Compare(a.start, b.start) })
	}
	return out
}

// trimSpan returns text[lo:hi] without its surrounding white space, as
// offsets.
func trimSpan(text string, lo, hi int) (int, int) {
	for lo < hi && isSpaceByte(text[lo]) {
		lo++
	}
	for hi > lo && isSpaceByte(text[hi-1]) {
		hi--
	}
	return lo, hi
}

func isSpaceByte(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

// markerAt reports whether line starts with a marker and returns the
// length, in bytes of line, of the marker (and of the colon after it), and
// whether the marker is also an ordinary word ("Mira:", "Temas:").
func markerAt(line string) (n int, word, ok bool) {
	if !startsLikeMarker(line) {
		return 0, false, false
	}
	var f foldBuf
	f.fold(line)
	whole := f.n > 0 && f.ends[f.n-1] == len(line)
	for _, m := range noiseMarkers {
		if !f.wordPrefix(m) {
			continue
		}
		k := len(m)
		for k < f.n && f.b[k] == ' ' {
			k++
		}
		switch {
		case k < f.n && f.b[k] == ':':
			return strings.IndexByte(line, ':') + 1, markersNeedColon[m], true
		case markersNeedColon[m] || k < f.n || !whole:
			continue // without a colon, a marker is the whole line
		}
		return len(line), false, true
	}
	// A short lead before a colon: "Más de Sucesos:".
	if c := bytes.IndexByte(f.b[:f.n], ':'); c > 0 && bytes.Count(f.b[:c], []byte(" ")) < 5 {
		for _, lead := range sectionLeads {
			if f.prefix(lead) {
				return strings.IndexByte(line, ':') + 1, false, true
			}
		}
	}
	return 0, false, false
}

// startsLikeMarker is a cheap test before folding: the first two letters
// of a marker or lead (a line that starts with an accented letter is
// folded to see).
func startsLikeMarker(line string) bool {
	if len(line) < 2 || line[0] >= utf8.RuneSelf || line[1] >= utf8.RuneSelf {
		return len(line) >= 2
	}
	return markerStarts.has(line[0], line[1])
}

// letterPairs is a set of two ASCII letters, folded to lower case.
type letterPairs [26 * 26]bool

func pairsOf(lists ...[]string) *letterPairs {
	var p letterPairs
	for _, m := range slices.Concat(lists...) {
		p[int(m[0]-'a')*26+int(m[1]-'a')] = true
	}
	return &p
}

func (p *letterPairs) has(c, d byte) bool {
	c, d = c|0x20, d|0x20
	return c >= 'a' && c <= 'z' && d >= 'a' && d <= 'z' && p[int(c-'a')*26+int(d-'a')]
}

// markerStarts and bareStarts are the first two letters of the markers:
// a cheap test before folding.
var (
	markerStarts = pairsOf(noiseMarkers, sectionLeads)
	bareStarts   = pairsOf(bareMarkers)
)

// inlineNoise appends the inline markers before a colon in text[from:to]
// (a line that may hold several joined paragraphs): "… LEA TAMBIÉN: …".
func inlineNoise(text string, from, to int, out []span) []span {
	for i := from; i < to; {
		c := strings.IndexByte(text[i:to], ':')
		if c < 0 {
			break
		}
		c += i
		if ms := inlineMarkerStart(text, from, c); ms >= 0 {
			out = append(out, span{ms, c + 1 + inlineEnd(text[c+1:to])})
		}
		i = c + 1
	}
	return out
}

// inlineMarkerStart returns where a marker ending just before the colon at
// c begins, or -1: a marker of several words in any case, of one word in
// capitals ("MIRA:").
func inlineMarkerStart(text string, from, c int) int {
	lo := max(from, c-maxMarkerBytes+8)
	for lo < c && !utf8.RuneStart(text[lo]) {
		lo++
	}
	before := text[lo:c]
	var f foldBuf
	f.fold(before)
	n := f.n
	for n > 0 && f.b[n-1] == ' ' {
		n--
	}
	for _, m := range noiseMarkers {
		k := n - len(m)
		if k < 0 || string(f.b[k:n]) != m || k > 0 && isWordByte(f.b[k-1]) {
			continue
		}
		start := 0
		if k > 0 {
			start = f.ends[k-1]
		}
		for start < len(before) && before[start] == ' ' {
			start++
		}
		if !strings.Contains(m, " ") && !allCaps(before[start:]) {
			continue // one word: only in capitals
		}
		return lo + start
	}
	return -1
}

// bareNoise appends the bare markers with a capital initial (see
// bareMarkers) and the headlines that follow them, in the last bareTail
// bytes of text, where pages put their link lists, unless a span of out
// already holds them.
func bareNoise(text string, out []span) []span {
	found := out
	for i := max(0, len(text)-bareTail); i+1 < len(text); i++ {
		c := text[i]
		if c < 'A' || c > 'Z' || i > 0 && text[i-1] != ' ' && text[i-1] != '\n' || !bareStarts.has(c, text[i+1]) {
			continue
		}
		var f foldBuf
		f.fold(text[i:min(len(text), i+maxBareBytes)])
		for _, m := range bareMarkers {
			if !f.wordPrefix(m) {
				continue
			}
			end := i + f.ends[len(m)-1]
			if slices.ContainsFunc(found, func(sp span) bool { return sp.start <= i && i < sp.end }) {
				i = end
				break
			}
			rest := strings.TrimLeft(text[end:], " :")
			skip := len(text[end:]) - len(rest)
			out = append(out, span{i, end + skip + inlineEnd(rest)})
			i = end
			break
		}
	}
	return out
}

// inlineEnd returns how much of s, after a marker, is its headline: up to
// the end of the line, the end of a sentence (not a list number's "1.") or
// maxInlineWords words.
func inlineEnd(s string) int {
	end := len(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		end = i
	}
	n, inWord := 0, false
	for i := 0; i < end; i++ {
		switch b := s[i]; {
		case b == '.' && i > 0 && s[i-1] >= '0' && s[i-1] <= '9':
		case b == '.' || b == '!' || b == '?':
			if i+1 == end || s[i+1] == ' ' {
				return i + 1
			}
		case b == ' ':
			if inWord {
				n++
				if n == maxInlineWords {
					return i
				}
			}
			inWord = false
			continue
		}
		inWord = true
	}
	return end
}

// headlineLike reports whether a line reads as a listed headline: short,
// and bulleted or without a final full stop.
func headlineLike(line string) bool {
	w := wordCount(line)
	if bulleted(line) {
		return w <= maxHeadlineWords+10
	}
	return w <= maxHeadlineWords && !strings.HasSuffix(line, ".")
}

func bulleted(line string) bool {
	for _, b := range []string{"- ", "· ", "• ", "* ", "– ", "— ", "> "} {
		if strings.HasPrefix(line, b) {
			return true
		}
	}
	i := 0
	for i < len(line) && line[i] >= '0' && line[i] <= '9' {
		i++
	}
	return i > 0 && i < 3 && i+1 < len(line) && (line[i] == '.' || line[i] == ')') && line[i+1] == ' '
}

// navLine reports whether a line is a list of links or tags.
func navLine(line string) bool {
	if strings.HasSuffix(line, ".") || strings.IndexByte(line, '|') < 0 && !strings.Contains(line, "·") && !strings.Contains(line, "•") {
		return false
	}
	seps := strings.Count(line, " | ") + strings.Count(line, " · ") + strings.Count(line, " • ")
	return seps >= 2 && wordCount(line) <= maxHeadlineWords+10
}

// teaserEnds end a teaser for another article: "… Leer más".
var teaserEnds = []string{"leer más", "lee más", "ver más", "seguir leyendo", "siga leyendo", "read more", "lire la suite", "lire plus"}

// teaserLine reports whether a line is a short teaser that links to
// another article.
func teaserLine(line string) bool {
	for _, e := range teaserEnds {
		if len(line) > len(e) && strings.EqualFold(line[len(line)-len(e):], e) {
			return wordCount(line) <= maxHeadlineWords+10
		}
	}
	return false
}

// wordCount counts the words of s separated by ASCII white space.
func wordCount(s string) int {
	n, in := 0, false
	for i := 0; i < len(s); i++ {
		if isSpaceByte(s[i]) {
			in = false
		} else if !in {
			in = true
			n++
		}
	}
	return n
}

func allCaps(s string) bool { return s == strings.ToUpper(s) }

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b >= 0x80
}

// foldBuf holds the folded start of a string (case and accents removed,
// spaces and punctuation kept as single bytes) and, for each folded byte,
// the offset in the string just after the rune it came from.
type foldBuf struct {
	b    [maxMarkerBytes]byte
	ends [maxMarkerBytes]int
	n    int
}

func (f *foldBuf) fold(s string) {
	f.n = 0
	for i := 0; i < len(s) && f.n < maxMarkerBytes; {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		fr, k := foldRune(r)
		switch {
		case k == kindIgnore:
			continue
		case k != kindLetter:
			fr = " "
			if r < utf8.RuneSelf {
				fr = string(rune(r))
			}
		}
		if f.n+len(fr) > maxMarkerBytes {
			return
		}
		for j := 0; j < len(fr); j++ {
			f.b[f.n], f.ends[f.n] = fr[j], i
			f.n++
		}
	}
}

func (f *foldBuf) prefix(m string) bool {
	return len(m) <= f.n && string(f.b[:len(m)]) == m
}

// wordPrefix reports whether the folded text starts with m followed by the
// end or a non-letter.
func (f *foldBuf) wordPrefix(m string) bool {
	return f.prefix(m) && (len(m) == f.n || !isWordByte(f.b[len(m)]))
}
