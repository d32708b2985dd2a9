package classify

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The matcher is a token-level automaton in two layers, with no dependency:
//
//  1. a byte trie over folded words, walked while the text is folded and
//     tokenised in a single pass (each word of the lexicon is a node; a
//     prefix word marks every token that passes through its node);
//  2. phrases as sequences of word slots, started from an index of their
//     first word and checked against the following tokens.
//
// Only tokens that are some lexicon word ("hits") are recorded, so the cost
// per byte is one table lookup and one transition.

const (
	deadNode = 0
	rootNode = 1
)

type matcher struct {
	class  [256]uint8
	nclass int
	trans  []int32   // node*nclass + class → next node
	flags  []uint8   // per node: flagExact, flagPrefix
	exact  [][]int32 // node → exact word ids
	prefix [][]int32 // node → prefix word ids

	words   []wordPat
	phrases []cphrase
	first   [][]int32 // word id → phrases starting with it
	ops     []coperand
	rules   []crule
	byOpA   [][]int32 // operand id → rules whose A side it is
	excl    [][]int32 // tag index → exclusion rules
	hasExcl bool
	// hasTextScope: some exclusion covers the whole text (NOT TEXT).
	hasTextScope bool
	// dl matches the places of DATELINE exclusions, only at the start of
	// a body: kept out of this automaton, where country and city names,
	// frequent in the news, would cost a hit each everywhere. A DATELINE
	// rule's b is an operand of dl.
	dl *matcher
}

const (
	flagExact  = 1
	flagPrefix = 2
)

type cphrase struct {
	slots [][]int32 // word ids per slot
	ops   []int32   // operands containing this phrase
}

type coperand struct {
	phrases []int32
	forms   []string // written form, parallel to phrases
}

type crule struct {
	*rule
	a, b     int32 // operand ids; b = -1 for a term, a dl rule for a DATELINE
	tagIdx   int
	dateline bool   // a DATELINE exclusion (kind, without reading *rule)
	where    string // file:line, for explanations
}

func tagIndex(tag string) int { return slices.Index(topTags(), tag) }

// compile builds the matcher of a parsed lexicon.
func compile(lx *lexicon) *matcher {
	m := &matcher{}
	wordID := map[wordPat]int32{}
	phraseID := map[string]int32{}
	opID := map[string]int32{}

	word := func(w wordPat) int32 {
		if id, ok := wordID[w]; ok {
			return id
		}
		id := int32(len(m.words))
		m.words = append(m.words, w)
		wordID[w] = id
		return id
	}
	phr := func(p phrase) int32 {
		k := p.key()
		if id, ok := phraseID[k]; ok {
			return id
		}
		id := int32(len(m.phrases))
		cp := cphrase{}
		for _, slot := range p {
			var ids []int32
			for _, w := range slot {
				ids = append(ids, word(w))
			}
			slices.Sort(ids)
			ids = slices.Compact(ids)
			cp.slots = append(cp.slots, ids)
		}
		m.phrases = append(m.phrases, cp)
		phraseID[k] = id
		return id
	}
	operandOf := func(o operand) int32 {
		var keys []string
		for _, p := range o.phrases {
			keys = append(keys, p.key())
		}
		k := strings.Join(keys, "\x00")
		if id, ok := opID[k]; ok {
			return id
		}
		id := int32(len(m.ops))
		co := coperand{}
		seen := map[int32]bool{}
		for i, p := range o.phrases {
			pid := phr(p)
			if seen[pid] {
				continue
			}
			seen[pid] = true
			co.phrases = append(co.phrases, pid)
			co.forms = append(co.forms, o.forms[i])
			m.phrases[pid].ops = append(m.phrases[pid].ops, id)
		}
		m.ops = append(m.ops, co)
		opID[k] = id
		return id
	}

	m.excl = make([][]int32, len(topTags()))
	var places []*rule // the B sides of DATELINE rules, as terms of dl
	for _, r := range lx.rules {
		cr := crule{rule: r, a: operandOf(r.a), b: -1, tagIdx: tagIndex(r.tag), where: r.origin()}
		switch r.kind {
		case ruleTerm:
		case ruleDateline:
			cr.b, cr.dateline = int32(len(places)), true
			places = append(places, &rule{tag: r.tag, kind: ruleTerm, a: r.b, weight: 1, file: r.file, line: r.line})
		default:
			cr.b = operandOf(r.b)
		}
		idx := int32(len(m.rules))
		m.rules = append(m.rules, cr)
		if r.exclude {
			m.excl[cr.tagIdx] = append(m.excl[cr.tagIdx], idx)
			m.hasExcl = true
			m.hasTextScope = m.hasTextScope || r.textScope
		}
	}
	if len(places) > 0 {
		m.dl = compile(&lexicon{rules: places})
	}
	m.byOpA = make([][]int32, len(m.ops))
	for i, r := range m.rules {
		if !r.exclude {
			m.byOpA[r.a] = append(m.byOpA[r.a], int32(i))
		}
	}
	m.first = make([][]int32, len(m.words))
	for pid, p := range m.phrases {
		for _, w := range p.slots[0] {
			m.first[w] = append(m.first[w], int32(pid))
		}
	}
	m.buildTrie()
	return m
}

func (m *matcher) buildTrie() {
	// Byte classes: 0 for bytes no word uses, then one per byte used.
	m.nclass = 1
	for _, w := range m.words {
		for i := 0; i < len(w.text); i++ {
			if m.class[w.text[i]] == 0 {
				m.class[w.text[i]] = uint8(m.nclass)
				m.nclass++
			}
		}
	}
	m.trans = make([]int32, 2*m.nclass)
	m.flags = make([]uint8, 2)
	for id, w := range m.words {
		n := int32(rootNode)
		for i := 0; i < len(w.text); i++ {
			c := int32(m.class[w.text[i]])
			next := m.trans[n*int32(m.nclass)+c]
			if next == deadNode {
				next = int32(len(m.flags))
				m.flags = append(m.flags, 0)
				m.trans = append(m.trans, make([]int32, m.nclass)...)
				m.trans[n*int32(m.nclass)+c] = next
			}
			n = next
		}
		for len(m.exact) < len(m.flags) {
			m.exact = append(m.exact, nil)
			m.prefix = append(m.prefix, nil)
		}
		if w.prefix {
			m.flags[n] |= flagPrefix
			m.prefix[n] = append(m.prefix[n], int32(id))
		} else {
			m.flags[n] |= flagExact
			m.exact[n] = append(m.exact[n], int32(id))
		}
	}
}

// hit is a token that is some lexicon word.
type hit struct {
	tok, sent  int32
	start, end int   // byte span in the field
	wOff, wLen int32 // word ids in scratch.words
}

type span struct{ start, end int }

// scratch is the per-call working memory, pooled.
type scratch struct {
	hits   []hit
	words  []int32
	sents  []span
	occs   []occ
	opOcc  [][]int32    // operand id → occurrence indices
	touch  []int32      // operands with occurrences
	excl   [][]exclSpan // tag index → excluded spans
	ev     []match
	noise  []span // page furniture in the body (see pageNoise)
	fired  []bool // text-scope exclusion rule → it fired in a field of this text
	tokens int    // words in the field last scanned
	// dateline: DATELINE place (dl rule index) → the body opens with it.
	dateline []bool
	dl       *scratch // working memory of the dl matcher
}

// dropHitsIn removes the hits that start inside one of spans (sorted, as
// the hits are): their words do not count.
func (s *scratch) dropHitsIn(spans []span) {
	if len(spans) == 0 {
		return
	}
	out, j := s.hits[:0], 0
	for _, h := range s.hits {
		for j < len(spans) && spans[j].end <= h.start {
			j++
		}
		if j < len(spans) && spans[j].start <= h.start {
			continue
		}
		out = append(out, h)
	}
	s.hits = out
}

// exclSpan is an excluded occurrence; sub is the sub-tag the exclusion is
// limited to ("" = the whole tag).
type exclSpan struct {
	o   occ
	sub string
}

// occ is one occurrence of a phrase.
type occ struct {
	phrase     int32
	tok0, tok1 int32 // token span, inclusive
	sent       int32
	start, end int
	sentEnd    int32 // sentence of the last token
}

// scan folds and tokenises text, walking the trie, and records hits and
// sentence spans. It is the hot path.
func (m *matcher) scan(text string, s *scratch) {
	s.hits, s.words, s.sents = s.hits[:0], s.words[:0], s.sents[:0]
	var (
		nc       = int32(m.nclass)
		trans    = m.trans
		flags    = m.flags
		class    = &m.class
		ascii    = &tables.ascii
		node     int32
		inTok    bool
		tokStart int
		tok      int32 = -1
		wStart   int32
		sentOpen bool
		sentBeg  int
		prevNode int32 // node before the last step, for a combining tilde
		lastN    bool  // the last folded byte was 'n'
	)
	step := func(b byte) {
		prevNode = node
		if node != deadNode {
			node = trans[node*nc+int32(class[b])]
			if node != deadNode && flags[node]&flagPrefix != 0 {
				s.words = append(s.words, m.prefix[node]...)
			}
		}
	}
	begin := func(i int) {
		inTok = true
		tokStart = i
		tok++
		node = rootNode
		wStart = int32(len(s.words))
		if !sentOpen {
			sentOpen = true
			sentBeg = i
		}
	}
	end := func(i int) {
		inTok = false
		if node != deadNode && flags[node]&flagExact != 0 {
			s.words = append(s.words, m.exact[node]...)
		}
		if n := int32(len(s.words)) - wStart; n > 0 {
			s.hits = append(s.hits, hit{tok: tok, sent: int32(len(s.sents)), start: tokStart, end: i, wOff: wStart, wLen: n})
		}
	}
	boundary := func(i int) {
		if sentOpen {
			s.sents = append(s.sents, span{sentBeg, i})
			sentOpen = false
		}
	}
	lastEnd := 0
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			if f := ascii[c]; f != 0 {
				if !inTok {
					begin(i)
				}
				// step(f), inlined: this is the innermost loop.
				if node != deadNode {
					prevNode = node
					node = trans[node*nc+int32(class[f])]
					if node != deadNode && flags[node]&flagPrefix != 0 {
						s.words = append(s.words, m.prefix[node]...)
					}
				} else {
					// Off the trie: skip the rest of an ASCII word at once.
					j := i + 1
					for j < len(text) && text[j] < utf8.RuneSelf && ascii[text[j]] != 0 {
						j++
					}
					lastN = false
					prevNode = deadNode
					i = j
					lastEnd = i
					continue
				}
				lastN = f == 'n'
				i++
				lastEnd = i
				continue
			}
			if inTok {
				end(i)
			}
			switch c {
			case '\n':
				if newlineEndsSentence(text[i+1:]) {
					boundary(lastEnd)
				}
			case '.', '!', '?':
				if (i+1 == len(text) || isSentenceGap(text[i+1])) && (c != '.' || periodEndsSentence(text, i, tokStart, lastEnd)) {
					boundary(i + 1)
				}
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		var f string
		var k runeKind
		switch {
		case r < latinLimit:
			f, k = tables.fold[r], tables.kind[r]
		case r == 0x0303 && inTok && lastN:
			node = prevNode
			for j := 0; j < len(foldedEnye); j++ {
				step(foldedEnye[j])
			}
			lastN = false
			i += size
			lastEnd = i
			continue
		case r == 0x2026: // …
			if inTok {
				end(i)
			}
			boundary(i + size)
			i += size
			continue
		default:
			f, k = foldRuneSlow(r)
		}
		switch k {
		case kindLetter:
			if !inTok {
				begin(i)
			}
			for j := 0; j < len(f); j++ {
				step(f[j])
			}
			lastN = f == "n"
			i += size
			lastEnd = i
		case kindIgnore:
			i += size
			if inTok {
				lastEnd = i
			}
		default:
			if inTok {
				end(i)
			}
			i += size
		}
	}
	if inTok {
		end(len(text))
	}
	boundary(lastEnd)
	s.tokens = int(tok + 1)
}

// newlineEndsSentence reports whether a line break ends a sentence, given
// the text after it: a blank line does, and so does a line that starts like
// a sentence (capital letter, digit, quote, dash, ¿ ¡ or a bullet). A line
// that goes on in lower case is a wrapped line (PDF text, e-mail).
func newlineEndsSentence(rest string) bool {
	for i := 0; i < len(rest); {
		r, size := utf8.DecodeRuneInString(rest[i:])
		switch {
		case r == ' ' || r == '\t' || r == '\r' || r == 0xA0:
			i += size
			continue
		case r == '\n':
			return true
		}
		return unicode.IsUpper(r) || unicode.IsDigit(r) || strings.ContainsRune("«\"“'‘—–-•·¿¡*>([", r)
	}
	return true
}

// periodEndsSentence reports whether the full stop at text[i], followed by
// a gap, ends a sentence: not when the next word starts in lower case
// ("a las 6 a. m., cuando", "desde EE. UU. a 100 personas"), nor after an
// initial ("José R. Mulino") or an abbreviation that comes before a name or
// a number ("Sr.", "Av.", "Col.", "EE. UU."). The last token started at
// tokStart; the last letter ended at lastEnd.
func periodEndsSentence(text string, i, tokStart, lastEnd int) bool {
	j := i + 1
	for j < len(text) && (text[j] == ' ' || text[j] == '\t') {
		j++
	}
	if j < len(text) {
		r, _ := utf8.DecodeRuneInString(text[j:])
		if unicode.IsLower(r) {
			return false
		}
	}
	if lastEnd != i || i-tokStart > maxAbbrevBytes || tokStart >= i {
		return true
	}
	w := text[tokStart:i]
	if b := w[0]; b < 'A' || b > 'Z' {
		return true // abbreviations and initials are capitalised; the end of a sentence rarely is
	}
	if len(w) == 1 {
		return false // an initial
	}
	var low [maxAbbrevBytes]byte
	for k := 0; k < len(w); k++ {
		b := w[k]
		if b >= 'A' && b <= 'Z' {
			b += 'a' - 'A'
		}
		low[k] = b
	}
	return !abbreviations[string(low[:len(w)])]
}

// maxAbbrevBytes bounds the abbreviations periodEndsSentence knows.
const maxAbbrevBytes = 5

// abbreviations that precede a name, a place or a number, so that an upper
// case word or a digit after their full stop goes on the same sentence,
// written with a capital (as they are met before a name). Not "UU.",
// "etc." nor "No.": they end sentences too ("Dijo que no.").
var abbreviations = map[string]bool{
	"sr": true, "sra": true, "srta": true, "dr": true, "dra": true, "lic": true, "licda": true,
	"ing": true, "arq": true, "gral": true, "cnel": true, "tte": true, "sgto": true, "cap": true,
	"mons": true, "pbro": true, "sto": true, "sta": true, "av": true, "avda": true, "col": true,
	"bo": true, "num": true, "art": true, "arts": true, "inc": true,
	"aprox": true, "dpto": true, "depto": true, "prov": true, "ee": true, "ff": true,
	"mr": true, "mrs": true, "ms": true, "st": true, "mt": true, "vol": true, "pp": true,
}

// isSentenceGap reports whether the byte after . ! ? ends a sentence.
func isSentenceGap(b byte) bool {
	return b == ' ' || b == '\n' || b == '\t' || b == '\r' || b == '"' || b == '\'' || b == ')' || b >= utf8.RuneSelf
}

// phrasesOf finds every phrase occurrence among the hits.
func (m *matcher) phrasesOf(s *scratch) {
	s.occs = s.occs[:0]
	for i := range s.hits {
		h := &s.hits[i]
		for _, w := range s.words[h.wOff : h.wOff+h.wLen] {
			for _, pid := range m.first[w] {
				p := &m.phrases[pid]
				last := i
				ok := true
				for j := 1; j < len(p.slots); j++ {
					k := i + j
					if k >= len(s.hits) || s.hits[k].tok != h.tok+int32(j) || !anyIn(s.words[s.hits[k].wOff:s.hits[k].wOff+s.hits[k].wLen], p.slots[j]) {
						ok = false
						break
					}
					last = k
				}
				if !ok {
					continue
				}
				// A token may reach the same phrase through two words of
				// its first slot (an exact form and a prefix): keep one.
				if n := len(s.occs); n > 0 && s.occs[n-1].phrase == pid && s.occs[n-1].tok0 == h.tok {
					continue
				}
				s.occs = append(s.occs, occ{phrase: pid, tok0: h.tok, tok1: s.hits[last].tok, sent: h.sent, sentEnd: s.hits[last].sent, start: h.start, end: s.hits[last].end})
			}
		}
	}
	for _, op := range s.touch {
		s.opOcc[op] = s.opOcc[op][:0]
	}
	s.touch = s.touch[:0]
	if len(s.opOcc) < len(m.ops) {
		s.opOcc = make([][]int32, len(m.ops))
	}
	for i, o := range s.occs {
		for _, op := range m.phrases[o.phrase].ops {
			list := s.opOcc[op]
			if len(list) == 0 {
				s.touch = append(s.touch, op)
			} else if last := &s.occs[list[len(list)-1]]; last.tok0 == o.tok0 {
				// Two phrases of one operand at the same word (oleada~ and
				// oleadas): one occurrence, the longest.
				if o.tok1 > last.tok1 {
					list[len(list)-1] = int32(i)
				}
				continue
			}
			s.opOcc[op] = append(list, int32(i))
		}
	}
}

func anyIn(have []int32, want []int32) bool {
	for _, h := range have {
		for _, w := range want {
			if h == w {
				return true
			}
		}
	}
	return false
}

// match is one scoring rule satisfied in one field.
type match struct {
	rule  int32
	field int8  // 0 title, 1 body
	a, b  int32 // occurrence indices in the field's occs; b = -1 for a term
	// copies of the occurrences, since occs are reused between fields
	ao, bo occ
}

func overlaps(a, b occ) bool { return a.tok0 <= b.tok1 && b.tok0 <= a.tok1 }

// partner returns the first occurrence of operand op that satisfies rule r
// with occurrence a, skipping excluded ones, or -1.
func (m *matcher) partner(s *scratch, r *crule, a occ, excluded func(occ) bool) int32 {
	for _, bi := range s.opOcc[r.b] {
		b := s.occs[bi]
		if overlaps(a, b) {
			continue
		}
		switch r.kind {
		case ruleSent:
			if b.sent > a.sentEnd {
				return -1
			}
			if b.sentEnd < a.sent {
				continue
			}
		case ruleNear:
			var d int32
			after := b.tok0 > a.tok1 // b follows a
			if after {
				d = b.tok0 - a.tok1
			} else {
				d = a.tok0 - b.tok1
			}
			if b.tok0 > a.tok1+int32(r.n) {
				return -1
			}
			if d > int32(r.n) || (r.dir > 0 && !after) || (r.dir < 0 && after) {
				continue
			}
		}
		if excluded != nil && excluded(b) {
			continue
		}
		return bi
	}
	return -1
}

// datelineBytes is how much of a body's start is read for a dateline's
// place: the longest place name, and some.
const datelineBytes = 40

// readDateline records in s.dateline which DATELINE places the body opens
// with ("SAN SALVADOR, 12 may (EFE).-", "CIUDAD DE GUATEMALA (AP) —",
// "CÚCUTA."): a place whose first word is the body's first word.
func (m *matcher) readDateline(body string, s *scratch) {
	if m.dl == nil {
		return
	}
	if len(s.dateline) < len(m.dl.rules) {
		s.dateline = make([]bool, len(m.dl.rules))
	}
	clear(s.dateline)
	if body == "" || body[0] >= 'a' && body[0] <= 'z' {
		return // a dateline's place is capitalised
	}
	if s.dl == nil {
		s.dl = new(scratch)
	}
	head := body
	if len(head) > datelineBytes {
		head = head[:datelineBytes]
		for len(head) > 0 && !utf8.RuneStart(body[len(head)]) {
			head = head[:len(head)-1]
		}
	}
	d := s.dl
	m.dl.scan(head, d)
	m.dl.phrasesOf(d)
	for _, op := range d.touch {
		if occs := d.opOcc[op]; d.occs[occs[0]].tok0 == 0 { // occurrences are in text order
			for _, ri := range m.dl.byOpA[op] {
				s.dateline[ri] = true
			}
		}
	}
}

// markFired records the text-scope exclusions that apply somewhere in the
// field just scanned (the title), so that they cover the other field too.
// A title has no dateline.
func (m *matcher) markFired(s *scratch) {
	for _, rules := range m.excl {
		for _, ri := range rules {
			r := &m.rules[ri]
			if r.dateline || s.fired[ri] || len(s.opOcc[r.a]) == 0 || !r.textScope {
				continue
			}
			for _, ai := range s.opOcc[r.a] {
				if r.kind == ruleTerm || m.partner(s, r, s.occs[ai], nil) >= 0 {
					s.fired[ri] = true
					break
				}
			}
		}
	}
}

// evaluate runs exclusions and rules over one field and appends matches.
func (m *matcher) evaluate(s *scratch, field int8) {
	if len(s.excl) < len(m.excl) {
		s.excl = make([][]exclSpan, len(m.excl))
	}
	for t := range s.excl {
		s.excl[t] = s.excl[t][:0]
	}
	if m.hasExcl {
		for t, rules := range m.excl {
			for _, ri := range rules {
				r := &m.rules[ri]
				if r.dateline && field == 1 && s.dateline[r.b] {
					s.fired[ri] = true
				}
				if len(s.opOcc[r.a]) == 0 {
					continue // nothing to exclude
				}
				n := len(s.excl[t])
				if !r.dateline {
					for _, ai := range s.opOcc[r.a] {
						a := s.occs[ai]
						if r.kind != ruleTerm && m.partner(s, r, a, nil) < 0 {
							continue
						}
						s.excl[t] = append(s.excl[t], exclSpan{o: a, sub: r.subtag})
					}
				}
				if !r.textScope {
					continue
				}
				// One sense per text: once the words are excluded somewhere
				// in the text, none of their occurrences counts.
				if len(s.excl[t]) > n {
					s.fired[ri] = true
				}
				if s.fired[ri] {
					s.excl[t] = s.excl[t][:n]
					for _, ai := range s.opOcc[r.a] {
						s.excl[t] = append(s.excl[t], exclSpan{o: s.occs[ai], sub: r.subtag})
					}
				}
			}
		}
	}
	for _, op := range s.touch {
		for _, ri := range m.byOpA[op] {
			r := &m.rules[ri]
			ex := s.excl[r.tagIdx]
			excluded := func(o occ) bool {
				for _, e := range ex {
					if (e.sub == "" || e.sub == r.subtag) && overlaps(o, e.o) {
						return true
					}
				}
				return false
			}
			for _, ai := range s.opOcc[op] {
				a := s.occs[ai]
				if len(ex) > 0 && excluded(a) {
					continue
				}
				mt := match{rule: ri, field: field, a: ai, b: -1, ao: a}
				if r.kind != ruleTerm {
					var exf func(occ) bool
					if len(ex) > 0 {
						exf = excluded
					}
					bi := m.partner(s, r, a, exf)
					if bi < 0 {
						continue
					}
					mt.b, mt.bo = bi, s.occs[bi]
				}
				s.ev = append(s.ev, mt)
			}
		}
	}
}
