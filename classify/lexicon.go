package classify

import (
	"bufio"
	"errors"
	"fmt"
	"maps"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The lexicon format is described in lexicons/README.md. In short, one file
// per tag and language, named TAG.LANG.txt (migration.es.txt), plus
// lists.LANG.txt for shared word lists. A line is one of:
//
//	# comment
//	@threshold 4              a setting of the file's tag
//	[refugees]                the sub-tag of the entries that follow ([migration] = none)
//	$migrante = migrante~, inmigrante~    a named list (repeat the name to extend it)
//	solicitante~ de asilo = 3             a term or phrase with its weight (1 if omitted)
//	$metafora NEAR/4 $migrante = 3        proximity: A within 4 words of B
//	$migrante AFTER/3 {matan a}           proximity in order: A within 3 words after B (BEFORE/n: before B)
//	$nacionalidad SENT $delito = 2        co-occurrence in one sentence
//	NOT aves migratorias                  exclusion: that span never counts for the tag
//	NOT migra* NEAR/3 $animal             exclusion in context
//	NOT TEXT migración NEAR/6 $tecnologia exclusion of every occurrence in the text once one is excluded
//	NOT salvadoreño~ DATELINE $fechado_sv exclusion of every occurrence once the body opens with a dateline naming B
//
// A word ending in ~ is inflected (Spanish: migrante → migrantes, extranjero →
// extranjera, extranjeros, extranjeras); a word ending in * is a prefix
// (deport* → deportado, deportaciones). Matching is case- and
// accent-insensitive; ñ is kept apart from n.

// LexiconError is a mistake in a lexicon file: the file, the line and why.
type LexiconError struct {
	File   string
	Line   int
	Reason string
}

func (e *LexiconError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Reason)
}

// Rule kinds.
type ruleKind uint8

const (
	ruleTerm ruleKind = iota // a term or phrase
	ruleNear                 // A within N words of B (in either order, or as dir says)
	ruleSent                 // A and B in the same sentence
	// ruleDateline (exclusions only): A, anywhere in the text, once the
	// body opens with a dateline naming B ("SAN SALVADOR, 12 may (EFE).-").
	ruleDateline
)

func (k ruleKind) String() string {
	switch k {
	case ruleNear:
		return "NEAR"
	case ruleSent:
		return "SENT"
	case ruleDateline:
		return "DATELINE"
	}
	return "TERM"
}

// wordPat is one folded word of a pattern: exact, or a prefix.
type wordPat struct {
	text   string
	prefix bool
}

// phrase is a sequence of slots, each a set of alternative words (the
// inflected forms of one lexicon word).
type phrase [][]wordPat

func (p phrase) key() string {
	var b strings.Builder
	for i, slot := range p {
		if i > 0 {
			b.WriteByte(' ')
		}
		for j, w := range slot {
			if j > 0 {
				b.WriteByte('|')
			}
			b.WriteString(w.text)
			if w.prefix {
				b.WriteByte('*')
			}
		}
	}
	return b.String()
}

// operand is a set of phrases: one pattern, a {set} or a $list.
type operand struct {
	src     string   // as written
	phrases []phrase // resolved
	forms   []string // the written form of each phrase, parallel to phrases
}

// rule is one lexicon line that scores or excludes.
type rule struct {
	tag, subtag string
	kind        ruleKind
	exclude     bool
	textScope   bool // NOT TEXT: once the exclusion fires, it covers every occurrence of its words in the text
	a, b        operand
	n           int  // NEAR distance in words
	dir         int8 // NEAR order: 0 either, +1 A before B (BEFORE/n), -1 A after B (AFTER/n)
	weight      float64
	src         string // the line as written, without the weight
	file        string
	line        int
}

func (r *rule) origin() string { return fmt.Sprintf("%s:%d", r.file, r.line) }

// tagSettings are the per-tag numbers a lexicon may set.
type tagSettings struct {
	Threshold       float64 // tag assigned when its score reaches this
	SubtagThreshold float64 // sub-tag listed when its own score reaches this
	TitleWeight     float64 // a match in the title counts this many times
	Decay           float64 // each repeat of the same entry counts this fraction of the previous one
	// SubtagCaps bound what a sub-tag's entries add to the tag's score: a
	// weak frame corroborates other evidence but never decides alone.
	SubtagCaps map[string]float64
	// LoneMentionWords: in a body longer than this many words, matches in
	// one sentence alone (and none in the title) do not assign the tag;
	// 0 = off.
	LoneMentionWords int
	// LoneTitleWords: in a body longer than this many words, matches in
	// the title alone do not assign the tag; 0 = off.
	LoneTitleWords int
	// PassingSentences and PassingScore (@passing-mention N S): in a body
	// longer than LoneMentionWords, evidence in at most N sentences and none
	// in the title assigns the tag only from a score of S; 0 = off.
	PassingSentences int
	PassingScore     float64
}

var defaultSettings = tagSettings{Threshold: 3, SubtagThreshold: 2, TitleWeight: 2, Decay: 0.5}

// lexicon is the parsed form of a set of lexicon files.
type lexicon struct {
	version  string
	rules    []*rule
	settings map[string]tagSettings
	files    []string
}

// rawRule holds a rule whose operands are not yet resolved (lists may be
// defined later, in any file).
type rawRule struct {
	r    *rule
	a, b string
}

type listDef struct {
	items []string // operand sources
	file  string
	line  int
}

// parseLexicon parses a set of lexicon files (name → content): every
// *.txt file, and the optional VERSION file.
func parseLexicon(files map[string][]byte) (*lexicon, error) {
	lx := &lexicon{settings: make(map[string]tagSettings)}
	lists := make(map[string]*listDef)
	var raws []rawRule
	set := make(map[string]map[string]string) // tag → setting → file:line
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !strings.HasSuffix(name, ".txt") {
			continue
		}
		data := files[name]
		if !utf8.Valid(data) {
			return nil, &LexiconError{File: name, Line: firstInvalidLine(data), Reason: "not valid UTF-8 (save the file as UTF-8)"}
		}
		lx.files = append(lx.files, name)
		if err := parseFile(lx, name, string(data), lists, &raws, set); err != nil {
			return nil, err
		}
	}
	if v, ok := files["VERSION"]; ok {
		lx.version = strings.TrimSpace(string(v))
	}
	res := &resolver{lists: lists, done: make(map[string]resolvedList)}
	for _, raw := range raws {
		lang := langOf(raw.r.file)
		a, err := res.operand(raw.a, lang, raw.r.file, raw.r.line)
		if err != nil {
			return nil, err
		}
		raw.r.a = a
		if raw.r.kind != ruleTerm {
			b, err := res.operand(raw.b, lang, raw.r.file, raw.r.line)
			if err != nil {
				return nil, err
			}
			raw.r.b = b
		}
		lx.rules = append(lx.rules, raw.r)
	}
	for _, t := range topTags() {
		if _, ok := lx.settings[t]; !ok {
			lx.settings[t] = defaultSettings
		}
	}
	return lx, nil
}

// langOf returns the language part of TAG.LANG.txt.
func langOf(file string) string {
	parts := strings.Split(strings.TrimSuffix(path.Base(file), ".txt"), ".")
	if len(parts) == 2 {
		return parts[1]
	}
	return ""
}

const listsFile = "lists"

func parseFile(lx *lexicon, name, data string, lists map[string]*listDef, raws *[]rawRule, set map[string]map[string]string) error {
	base := strings.TrimSuffix(name, ".txt")
	parts := strings.Split(base, ".")
	if len(parts) != 2 || parts[1] == "" {
		return &LexiconError{File: name, Reason: "file name must be TAG.LANG.txt (for example migration.es.txt)"}
	}
	tag, lang := parts[0], parts[1]
	if !slices.Contains(supportedLangs, lang) {
		return &LexiconError{File: name, Reason: fmt.Sprintf("unknown language %q (known: %s)", lang, strings.Join(supportedLangs, ", "))}
	}
	if tag != listsFile && !slices.Contains(topTags(), tag) {
		return &LexiconError{File: name, Reason: fmt.Sprintf("unknown tag %q (known: %s, or %s for shared lists)", tag, strings.Join(topTags(), ", "), listsFile)}
	}
	subtag := ""
	sc := bufio.NewScanner(strings.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	lineNo := 0
	for sc.Scan() {
		lineNo++
		line := strings.TrimSpace(sc.Text())
		if lineNo == 1 {
			line = strings.TrimPrefix(line, "\uFEFF")
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fail := func(format string, args ...any) error {
			return &LexiconError{File: name, Line: lineNo, Reason: fmt.Sprintf(format, args...)}
		}
		switch {
		case isListDef(line):
			lname, items, _ := strings.Cut(line, "=")
			lname = strings.TrimSpace(lname)
			if !validListName(lname) {
				return fail("bad list name %q: use $ followed by letters, digits, - or _", lname)
			}
			d := lists[lname]
			if d == nil {
				d = &listDef{file: name, line: lineNo}
				lists[lname] = d
			}
			for _, it := range splitItems(items) {
				if it == "" {
					return fail("empty item in list %s", lname)
				}
				d.items = append(d.items, it)
			}
			continue
		case tag == listsFile:
			return fail("a lists file holds only $lists and comments")
		case strings.HasPrefix(line, "@"):
			if err := parseSetting(lx, tag, line, set, name, lineNo); err != nil {
				return err
			}
			continue
		case strings.HasPrefix(line, "["):
			if !strings.HasSuffix(line, "]") {
				return fail("a section is written [sub-tag]")
			}
			id := strings.TrimSpace(line[1 : len(line)-1])
			if id == tag {
				subtag = ""
				continue
			}
			st, ok := lookupSubtag(id)
			if !ok || st.Parent != tag {
				return fail("unknown sub-tag %q for %s (known: %s)", id, tag, strings.Join(subtagIDs(tag), ", "))
			}
			subtag = id
			continue
		}
		r := &rule{tag: tag, subtag: subtag, weight: 1, file: name, line: lineNo}
		body := line
		if rest, ok := strings.CutPrefix(body, "NOT "); ok {
			r.exclude = true
			body = strings.TrimSpace(rest)
		} else if rest, ok := strings.CutPrefix(body, "EXCEPTO "); ok {
			r.exclude = true
			body = strings.TrimSpace(rest)
		}
		if r.exclude {
			for _, kw := range []string{"TEXT ", "TEXTO "} {
				if rest, ok := strings.CutPrefix(body, kw); ok {
					r.textScope = true
					body = strings.TrimSpace(rest)
				}
			}
		}
		if lhs, w, ok := strings.Cut(body, "="); ok {
			if r.exclude {
				return fail("an exclusion has no weight")
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(w), 64)
			if err != nil {
				return fail("weight %q is not a number", strings.TrimSpace(w))
			}
			if f == 0 || f > 100 || f < -100 {
				return fail("weight %v out of range (non-zero, between -100 and 100)", f)
			}
			r.weight = f
			body = strings.TrimSpace(lhs)
		}
		r.src = body
		a, b, kind, n, dir, err := splitRule(body)
		if err != nil {
			return fail("%v", err)
		}
		r.kind, r.n, r.dir = kind, n, dir
		if kind == ruleDateline {
			if !r.exclude {
				return fail("DATELINE is for exclusions: NOT A DATELINE B")
			}
			r.textScope = true // the dateline covers the whole text
		}
		*raws = append(*raws, rawRule{r: r, a: a, b: b})
	}
	if err := sc.Err(); err != nil {
		return &LexiconError{File: name, Line: lineNo + 1, Reason: err.Error()}
	}
	return nil
}

// isListDef reports whether line defines a list: "$name = …" with a
// single word before "=" and a comma-separated list or set after it, not a
// weight.
func isListDef(line string) bool {
	lhs, rhs, ok := strings.Cut(line, "=")
	lhs = strings.TrimSpace(lhs)
	if !ok || !strings.HasPrefix(lhs, "$") || strings.ContainsAny(lhs, " \t") {
		return false
	}
	_, err := strconv.ParseFloat(strings.TrimSpace(rhs), 64)
	return err != nil
}

func validListName(s string) bool {
	if len(s) < 2 || s[0] != '$' {
		return false
	}
	for _, r := range s[1:] {
		if !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 0x7f) {
			return false
		}
	}
	return true
}

// splitItems splits "a, b, c" at top-level commas.
func splitItems(s string) []string {
	parts := strings.Split(s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	if len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1] // a trailing comma is allowed
	}
	return parts
}

// proximityOps are the proximity operators, English and Spanish, with the
// order they ask for (see rule.dir).
var proximityOps = map[string]int8{
	"NEAR": 0, "CERCA": 0,
	"BEFORE": +1, "ANTES": +1,
	"AFTER": -1, "DESPUES": -1, "DESPUÉS": -1,
}

// datelineOps are the dateline operator, English and Spanish.
var datelineOps = []string{"DATELINE", "FECHADO"}

// isOperator reports whether a word of a rule line is an operator.
func isOperator(f string) bool {
	if f == "SENT" || f == "ORACION" || f == "ORACIÓN" || slices.Contains(datelineOps, f) {
		return true
	}
	name, _, _ := strings.Cut(f, "/")
	_, ok := proximityOps[name]
	return ok
}

// splitRule finds the operator of a rule line.
func splitRule(body string) (a, b string, kind ruleKind, n int, dir int8, err error) {
	fields := strings.Fields(body)
	for i, f := range fields {
		if !isOperator(f) {
			continue
		}
		var k ruleKind
		var dist int
		switch {
		case f == "SENT" || f == "ORACION" || f == "ORACIÓN":
			k = ruleSent
		case slices.Contains(datelineOps, f):
			k = ruleDateline
		default:
			name, num, ok := strings.Cut(f, "/")
			if !ok {
				return "", "", 0, 0, 0, fmt.Errorf("%s needs a distance, for example %s/5", f, f)
			}
			d, perr := strconv.Atoi(num)
			if perr != nil || d < 1 || d > 50 {
				return "", "", 0, 0, 0, fmt.Errorf("%s: the distance must be a whole number of words from 1 to 50", f)
			}
			k, dist, dir = ruleNear, d, proximityOps[name]
		}
		if i == 0 || i == len(fields)-1 {
			return "", "", 0, 0, 0, fmt.Errorf("%s needs something on each side", f)
		}
		a = strings.Join(fields[:i], " ")
		b = strings.Join(fields[i+1:], " ")
		for _, g := range fields[i+1:] {
			if isOperator(g) {
				return "", "", 0, 0, 0, fmt.Errorf("only one operator per line")
			}
		}
		return a, b, k, dist, dir, nil
	}
	return body, "", ruleTerm, 0, 0, nil
}

func parseSetting(lx *lexicon, tag, line string, set map[string]map[string]string, file string, lineNo int) error {
	fail := func(format string, args ...any) error {
		return &LexiconError{File: file, Line: lineNo, Reason: fmt.Sprintf(format, args...)}
	}
	fields := strings.Fields(line)
	key := fields[0]
	if fields[0] == "@passing-mention" {
		// @passing-mention 2 5.25
		if len(fields) != 3 {
			return fail("@passing-mention is written @passing-mention SENTENCES SCORE, for example @passing-mention 2 5.25")
		}
		n, err := strconv.Atoi(fields[1])
		if err != nil || n < 0 || n > 20 {
			return fail("@passing-mention: %q is not a number of sentences from 0 to 20", fields[1])
		}
		v, err := strconv.ParseFloat(fields[2], 64)
		if err != nil || v <= 0 {
			return fail("@passing-mention: score %q is not a positive number", fields[2])
		}
		s, ok := lx.settings[tag]
		if !ok {
			s = defaultSettings
		}
		s.PassingSentences, s.PassingScore = n, v
		return recordSetting(lx, tag, key, s, set, file, lineNo)
	}
	if fields[0] == "@subtag-cap" {
		// @subtag-cap threat-framing 2
		if len(fields) != 3 {
			return fail("@subtag-cap is written @subtag-cap SUB-TAG VALUE, for example @subtag-cap threat-framing 2")
		}
		if st, ok := lookupSubtag(fields[1]); !ok || st.Parent != tag {
			return fail("unknown sub-tag %q for %s (known: %s)", fields[1], tag, strings.Join(subtagIDs(tag), ", "))
		}
		key = fields[0] + " " + fields[1]
		fields = []string{fields[0], fields[2]}
	}
	if len(fields) != 2 {
		return fail("a setting is written @name value, for example @threshold 4")
	}
	v, err := strconv.ParseFloat(fields[1], 64)
	if err != nil {
		return fail("setting %s: %q is not a number", fields[0], fields[1])
	}
	s, ok := lx.settings[tag]
	if !ok {
		s = defaultSettings
	}
	switch fields[0] {
	case "@threshold":
		if v <= 0 {
			return fail("@threshold must be positive")
		}
		s.Threshold = v
	case "@subtag-threshold":
		if v <= 0 {
			return fail("@subtag-threshold must be positive")
		}
		s.SubtagThreshold = v
	case "@title-weight":
		if v < 1 || v > 10 {
			return fail("@title-weight must be between 1 and 10")
		}
		s.TitleWeight = v
	case "@decay":
		if v < 0 || v > 1 {
			return fail("@decay must be between 0 and 1")
		}
		s.Decay = v
	case "@lone-mention-words", "@lone-title-words":
		if v < 0 || v != math.Trunc(v) {
			return fail("%s must be a whole number of words, 0 or more", fields[0])
		}
		if fields[0] == "@lone-title-words" {
			s.LoneTitleWords = int(v)
		} else {
			s.LoneMentionWords = int(v)
		}
	case "@subtag-cap":
		if v < 0 {
			return fail("@subtag-cap must not be negative")
		}
		caps := maps.Clone(s.SubtagCaps)
		if caps == nil {
			caps = make(map[string]float64)
		}
		caps[strings.Fields(line)[1]] = v
		s.SubtagCaps = caps
	default:
		return fail("unknown setting %s (known: @threshold, @subtag-threshold, @subtag-cap, @lone-mention-words, @lone-title-words, @passing-mention, @title-weight, @decay)", fields[0])
	}
	return recordSetting(lx, tag, key, s, set, file, lineNo)
}

// recordSetting stores the settings s of tag, refusing a setting (key)
// made twice.
func recordSetting(lx *lexicon, tag, key string, s tagSettings, set map[string]map[string]string, file string, lineNo int) error {
	if set[tag] == nil {
		set[tag] = make(map[string]string)
	}
	if prev, dup := set[tag][key]; dup {
		return &LexiconError{File: file, Line: lineNo, Reason: fmt.Sprintf("%s for %s already set at %s", key, tag, prev)}
	}
	set[tag][key] = fmt.Sprintf("%s:%d", file, lineNo)
	lx.settings[tag] = s
	return nil
}

// resolver turns operand sources into phrases, expanding $lists.
type resolver struct {
	lists map[string]*listDef
	done  map[string]resolvedList
	stack []string
}

type resolvedList struct {
	phrases []phrase
	forms   []string
}

func (rs *resolver) operand(src, lang, file string, line int) (operand, error) {
	op := operand{src: src}
	fail := func(format string, args ...any) error {
		return &LexiconError{File: file, Line: line, Reason: fmt.Sprintf(format, args...)}
	}
	var items []string
	switch {
	case strings.HasPrefix(src, "{"):
		if !strings.HasSuffix(src, "}") {
			return op, fail("a set is written {a, b, c}")
		}
		items = splitItems(src[1 : len(src)-1])
		if len(items) == 0 {
			return op, fail("empty set")
		}
	default:
		items = []string{src}
	}
	for _, it := range items {
		if strings.HasPrefix(it, "$") {
			rl, err := rs.list(it, file, line)
			if err != nil {
				return op, err
			}
			op.phrases = append(op.phrases, rl.phrases...)
			op.forms = append(op.forms, rl.forms...)
			continue
		}
		p, err := parsePattern(it, lang)
		if err != nil {
			return op, fail("%q: %v", it, err)
		}
		op.phrases = append(op.phrases, p)
		op.forms = append(op.forms, it)
	}
	return op, nil
}

func (rs *resolver) list(name, file string, line int) (resolvedList, error) {
	if rl, ok := rs.done[name]; ok {
		return rl, nil
	}
	d, ok := rs.lists[name]
	if !ok {
		return resolvedList{}, &LexiconError{File: file, Line: line, Reason: fmt.Sprintf("list %s is not defined", name)}
	}
	if slices.Contains(rs.stack, name) {
		return resolvedList{}, &LexiconError{File: d.file, Line: d.line, Reason: fmt.Sprintf("list %s contains itself (%s)", name, strings.Join(append(rs.stack, name), " → "))}
	}
	rs.stack = append(rs.stack, name)
	defer func() { rs.stack = rs.stack[:len(rs.stack)-1] }()
	var rl resolvedList
	lang := langOf(d.file)
	for _, it := range d.items {
		op, err := rs.operand(it, lang, d.file, d.line)
		if err != nil {
			return rl, err
		}
		rl.phrases = append(rl.phrases, op.phrases...)
		rl.forms = append(rl.forms, op.forms...)
	}
	rs.done[name] = rl
	return rl, nil
}

var errEmptyPattern = errors.New("no word in it")

// maxPhraseWords bounds a phrase, so that a match can only lie inside the
// terms that start a few words before it.
const maxPhraseWords = 8

// parsePattern reads "solicitante~ de asilo" into a phrase.
func parsePattern(s, lang string) (phrase, error) {
	var p phrase
	for _, chunk := range strings.Fields(s) {
		mark := byte(0)
		if n := len(chunk); n > 0 && (chunk[n-1] == '~' || chunk[n-1] == '*') {
			mark = chunk[n-1]
			chunk = chunk[:n-1]
		}
		if strings.ContainsAny(chunk, "~*{}$=") {
			return nil, fmt.Errorf("%q: ~ and * go only at the end of a word; {, }, $ and = are not allowed in a word", chunk)
		}
		toks := Tokens(chunk)
		if len(toks) == 0 {
			if mark != 0 {
				return nil, fmt.Errorf("%c must follow a word", mark)
			}
			continue
		}
		for i, t := range toks {
			last := i == len(toks)-1
			switch {
			case last && mark == '*':
				if len([]rune(t)) < 3 {
					return nil, fmt.Errorf("prefix %q is too short (3 letters at least)", t+"*")
				}
				p = append(p, []wordPat{{text: t, prefix: true}})
			case last && mark == '~':
				var slot []wordPat
				for _, f := range inflect(t, lang) {
					slot = append(slot, wordPat{text: f})
				}
				p = append(p, slot)
			default:
				p = append(p, []wordPat{{text: t}})
			}
		}
	}
	if len(p) == 0 {
		return nil, errEmptyPattern
	}
	if len(p) > maxPhraseWords {
		return nil, fmt.Errorf("a phrase has at most %d words", maxPhraseWords)
	}
	return p, nil
}

var supportedLangs = []string{"es", "en", "fr"}

// inflect returns the forms of a folded word for ~: number and, where the
// language marks it, gender. Extra forms that no text contains cost nothing.
func inflect(w, lang string) []string {
	forms := []string{w}
	add := func(f ...string) { forms = append(forms, f...) }
	last := w[len(w)-1]
	stem := w[:len(w)-1]
	switch lang {
	case "en":
		switch {
		case last == 'y' && len(w) > 2 && !strings.ContainsRune("aeiou", rune(w[len(w)-2])):
			add(stem + "ies")
		case last == 's' || last == 'x' || strings.HasSuffix(w, "ch") || strings.HasSuffix(w, "sh"):
			add(w + "es")
		default:
			add(w + "s")
		}
	case "fr":
		switch {
		case strings.HasSuffix(w, "al"):
			add(w+"e", w+"es", w[:len(w)-2]+"aux")
		case last == 'e':
			// Folded, "réfugié" ends like "femme": add the feminine of a
			// participle too (réfugiée, réfugiées); "femmee" matches nothing.
			add(w+"s", w+"e", w+"es")
		case last == 's' || last == 'x':
			add(w+"e", w+"es")
		default:
			add(w+"s", w+"e", w+"es")
		}
	default: // es
		switch {
		case last == 'o':
			add(stem+"a", w+"s", stem+"as")
		case last == 'a' || last == 'e':
			add(w + "s")
		case last == 'z':
			add(stem + "ces")
		case last == 'i' || last == 'u':
			add(w+"s", w+"es")
		case strings.HasSuffix(w, foldedEnye):
			add(w + "es")
		case strings.ContainsRune("aeiou", rune(last)):
			add(w + "s")
		default: // consonant: mujer → mujeres; trabajador → trabajadora(s); nación → naciones
			add(w+"es", w+"a", w+"as")
		}
	}
	return forms
}

// firstInvalidLine returns the 1-based line of the first invalid UTF-8 byte.
func firstInvalidLine(data []byte) int {
	line := 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size == 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		data = data[size:]
	}
	return line
}
