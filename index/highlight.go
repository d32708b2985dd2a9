package index

import (
	"bytes"
	"compress/flate"
	"html"
	"io"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search"
)

// The body text is stored deflated in its own stored-only field: bleve
// compresses stored fields with snappy, which keeps about 75% of news
// text; deflate keeps about half, and the stored text is a third of the
// index. So bleve's highlighter, which reads the stored field, is not
// used: hits carry the locations of their matched terms and highlight
// builds the fragments, escaping everything but its own <mark>.

var flaters = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.DefaultCompression)
	return w
}}

func deflate(s string) string {
	if s == "" {
		return ""
	}
	var buf bytes.Buffer
	w := flaters.Get().(*flate.Writer)
	w.Reset(&buf)
	io.WriteString(w, s)
	w.Close()
	flaters.Put(w)
	return buf.String()
}

func inflate(s string) string {
	if s == "" {
		return ""
	}
	r := flate.NewReader(strings.NewReader(s))
	defer r.Close()
	out, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return ""
	}
	return string(out)
}

const (
	fragmentSize = 200 // bytes of context per fragment, about
	maxFragments = 2   // from the body
)

type span struct{ start, end int }

// matchSpans returns the byte ranges of the matched terms of field, in
// order, without overlaps, checked against text.
func matchSpans(h *search.DocumentMatch, field string, text string) []span {
	var out []span
	for _, locs := range h.Locations[field] {
		for _, l := range locs {
			s, e := int(l.Start), int(l.End)
			if s < e && e <= len(text) && utf8.RuneStart(text[s]) && (e == len(text) || utf8.RuneStart(text[e])) {
				out = append(out, span{s, e})
			}
		}
	}
	slices.SortFunc(out, func(a, b span) int { return a.start - b.start })
	j := 0
	for _, sp := range out {
		if j > 0 && sp.start < out[j-1].end {
			continue
		}
		out[j] = sp
		j++
	}
	return out[:j]
}

// markup escapes text[from:to] and wraps the spans inside it in <mark>.
func markup(text string, from, to int, spans []span) string {
	var b strings.Builder
	cur := from
	for _, sp := range spans {
		if sp.start < cur || sp.end > to {
			continue
		}
		b.WriteString(html.EscapeString(text[cur:sp.start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[sp.start:sp.end]))
		b.WriteString("</mark>")
		cur = sp.end
	}
	b.WriteString(html.EscapeString(text[cur:to]))
	return b.String()
}

// highlightTitle marks the matches in a title, whole.
func highlightTitle(h *search.DocumentMatch, title string) (string, bool) {
	spans := matchSpans(h, fieldTitle, title)
	if len(spans) == 0 {
		return "", false
	}
	return markup(title, 0, len(title), spans), true
}

// highlightText returns up to maxFragments fragments of about
// fragmentSize bytes around the matches of text, the ones with most
// matches first, each cut at word boundaries, with "…" where it is cut.
func highlightText(h *search.DocumentMatch, text string) []string {
	spans := matchSpans(h, fieldText, text)
	if len(spans) == 0 {
		return nil
	}
	type frag struct {
		start, end, hits int
	}
	var frags []frag
	for i := 0; i < len(spans); {
		start := wordStart(text, max(0, spans[i].start-fragmentSize/4))
		end := wordEnd(text, min(len(text), start+fragmentSize))
		if end < spans[i].end {
			end = wordEnd(text, spans[i].end)
		}
		f := frag{start: start, end: end}
		for i < len(spans) && spans[i].end <= end {
			f.hits++
			i++
		}
		if f.hits == 0 { // a span longer than a fragment
			f.hits, f.end = 1, spans[i].end
			i++
		}
		frags = append(frags, f)
	}
	slices.SortStableFunc(frags, func(a, b frag) int { return b.hits - a.hits })
	frags = frags[:min(len(frags), maxFragments)]
	slices.SortFunc(frags, func(a, b frag) int { return a.start - b.start })
	out := make([]string, 0, len(frags))
	for _, f := range frags {
		s := markup(text, f.start, f.end, spans)
		if f.start > 0 {
			s = "…" + s
		}
		if f.end < len(text) {
			s += "…"
		}
		out = append(out, s)
	}
	return out
}

// wordStart moves i back to the start of the word it falls in.
func wordStart(s string, i int) int {
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	for j := i; j > 0 && i-j < 20; {
		r, size := utf8.DecodeLastRuneInString(s[:j])
		if r == ' ' || r == '\n' {
			return j
		}
		j -= size
	}
	return i
}

// wordEnd moves i forward to the end of the word it falls in.
func wordEnd(s string, i int) int {
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	for j := i; j < len(s) && j-i < 20; {
		r, size := utf8.DecodeRuneInString(s[j:])
		if r == ' ' || r == '\n' {
			return j
		}
		j += size
	}
	return i
}
