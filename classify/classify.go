// Package classify tags texts with the observatory's three tags — migration,
// gender, xenophobia — and their sub-tags, from plain-text lexicons an
// analyst can read and edit, and explains every tag with the terms that
// matched and the sentences they matched in.
//
// Lexicons are embedded in the binary (lexicons/*.txt) and may be
// overridden, file by file, from a directory (the data directory's
// lexicons/ folder). See lexicons/README.md for the format.
package classify

import (
	"cmp"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"observatory"
)

//go:embed lexicons/*.txt lexicons/VERSION
var embedded embed.FS

// Config configures a Classifier.
type Config struct {
	// Dir is an optional override directory (the data directory's lexicons/
	// folder); its files replace the embedded ones of the same name. A
	// missing directory means no overrides.
	Dir    string
	Logger *slog.Logger // may be nil
}

// Classifier tags texts. It is safe for concurrent use; Reload swaps the
// lexicons atomically.
type Classifier struct {
	cfg    Config
	log    *slog.Logger
	mu     sync.Mutex // serialises Reload
	state  atomic.Pointer[state]
	pool   sync.Pool
	maxEvi int
}

type state struct {
	lx      *lexicon
	m       *matcher
	version string
	files   []LexiconFile
}

// LexiconFile describes one lexicon file in force.
type LexiconFile struct {
	Name   string `json:"name"`
	Origin string `json:"origin"` // "embedded" or "override"
	Rules  int    `json:"rules"`
}

// maxEvidence caps the explanation of one tag; the strongest evidence is kept.
const maxEvidence = 30

// New loads the embedded lexicons and the overrides of cfg.Dir. A mistake
// in a file is returned as a *LexiconError naming the file, line and reason.
func New(cfg Config) (*Classifier, error) {
	c := &Classifier{cfg: cfg, log: cfg.Logger, maxEvi: maxEvidence}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.pool.New = func() any { return new(scratch) }
	st, err := load(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("classify: %w", err)
	}
	c.state.Store(st)
	return c, nil
}

// Version returns the version of the lexicons in force: the declared
// version (lexicons/VERSION) and a digest of every file's content, so that
// any edit of an override gives a new version.
func (c *Classifier) Version() string { return c.state.Load().version }

// Files lists the lexicon files in force.
func (c *Classifier) Files() []LexiconFile { return slices.Clone(c.state.Load().files) }

// Reload re-reads the overrides. On error the previous lexicons stay in
// force and the error names file:line: reason.
func (c *Classifier) Reload() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	st, err := load(c.cfg.Dir)
	if err != nil {
		return fmt.Errorf("classify: reload: %w", err)
	}
	old := c.state.Swap(st)
	if old.version != st.version {
		c.log.Info("lexicons reloaded", "lexicon_version", st.version, "previous_version", old.version)
	}
	return nil
}

// EmbeddedLexicons returns the lexicon files built into the binary, for an
// analyst to copy into the override directory and edit.
func EmbeddedLexicons() fs.FS {
	sub, err := fs.Sub(embedded, "lexicons")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	return sub
}

func load(dir string) (*state, error) {
	files := map[string][]byte{}
	origin := map[string]string{}
	ents, err := fs.ReadDir(embedded, "lexicons")
	if err != nil {
		return nil, err
	}
	for _, e := range ents {
		b, err := fs.ReadFile(embedded, "lexicons/"+e.Name())
		if err != nil {
			return nil, err
		}
		files[e.Name()] = b
		origin[e.Name()] = "embedded"
	}
	if dir != "" {
		ents, err := os.ReadDir(dir)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return nil, fmt.Errorf("lexicon directory: %w", err)
		default:
			for _, e := range ents {
				name := e.Name()
				if e.IsDir() || !(strings.HasSuffix(name, ".txt") || name == "VERSION") {
					continue
				}
				b, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					return nil, &LexiconError{File: filepath.Join(dir, name), Reason: err.Error()}
				}
				files[name] = b
				origin[name] = "override"
			}
		}
	}
	st, err := buildState(files)
	if err != nil {
		var le *LexiconError
		if errors.As(err, &le) && origin[le.File] == "override" {
			le.File = filepath.Join(dir, le.File)
		}
		return nil, err
	}
	for i := range st.files {
		st.files[i].Origin = origin[st.files[i].Name]
	}
	return st, nil
}

// buildState parses and compiles a set of lexicon files.
func buildState(files map[string][]byte) (*state, error) {
	lx, err := parseLexicon(files)
	if err != nil {
		return nil, err
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range files {
			if !yield(n) {
				return
			}
		}
	})
	h := sha256.New()
	for _, n := range names {
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(files[n]))
		h.Write(files[n])
	}
	base := lx.version
	if base == "" {
		base = "0"
	}
	st := &state{lx: lx, m: compile(lx), version: base + "+" + hex.EncodeToString(h.Sum(nil))[:8]}
	counts := map[string]int{}
	for _, r := range lx.rules {
		counts[r.file]++
	}
	for _, n := range names {
		if strings.HasSuffix(n, ".txt") {
			st.files = append(st.files, LexiconFile{Name: n, Rules: counts[n]})
		}
	}
	return st, nil
}

// Result is the full answer for one text: every top-level tag with its
// score, threshold and decision, sub-tags and explanation.
type Result struct {
	Tags           []TagScore `json:"tags"` // every top-level tag, in taxonomy order
	LexiconVersion string     `json:"lexicon_version"`
}

// TagScore is one top-level tag's score and decision.
type TagScore struct {
	Tag         string        `json:"tag"`
	LabelES     string        `json:"label_es"`
	LabelEN     string        `json:"label_en"`
	Score       float64       `json:"score"`
	Threshold   float64       `json:"threshold"`
	Assigned    bool          `json:"assigned"`
	Subtags     []SubtagScore `json:"subtags"`
	Explanation []Evidence    `json:"explanation"`
}

// SubtagScore is one sub-tag's score; it is assigned when its tag is and
// its own score reaches the sub-tag threshold.
type SubtagScore struct {
	ID        string  `json:"id"`
	LabelES   string  `json:"label_es"`
	LabelEN   string  `json:"label_en"`
	Score     float64 `json:"score"`
	Threshold float64 `json:"threshold"`
	Assigned  bool    `json:"assigned"`
}

// Evidence is one lexicon entry that matched, with what it added to the
// score and the lexicon line that holds it.
type Evidence struct {
	observatory.Evidence
	Matched string  `json:"matched"` // the words of the text that matched, as written
	Weight  float64 `json:"weight"`  // contribution to the tag's score
	Rule    string  `json:"rule"`    // lexicon file:line
}

// Assigned returns the ids of the tags assigned.
func (r Result) Assigned() []string {
	var out []string
	for _, t := range r.Tags {
		if t.Assigned {
			out = append(out, t.Tag)
		}
	}
	return out
}

// Tag returns the score of tag.
func (r Result) Tag(tag string) (TagScore, bool) {
	for _, t := range r.Tags {
		if t.Tag == tag {
			return t, true
		}
	}
	return TagScore{}, false
}

// HasSubtag reports whether sub-tag id was assigned.
func (r Result) HasSubtag(id string) bool {
	for _, t := range r.Tags {
		for _, s := range t.Subtags {
			if s.ID == id && s.Assigned {
				return true
			}
		}
	}
	return false
}

// Classification returns the tags assigned, as stored on an article.
func (r Result) Classification() observatory.Classification {
	out := observatory.Classification{Tags: []observatory.TagResult{}, LexiconVersion: r.LexiconVersion}
	for _, t := range r.Tags {
		if !t.Assigned {
			continue
		}
		tr := observatory.TagResult{Tag: t.Tag, Score: t.Score, Subtags: []string{}, Explanation: []observatory.Evidence{}}
		for _, s := range t.Subtags {
			if s.Assigned {
				tr.Subtags = append(tr.Subtags, s.ID)
			}
		}
		for _, e := range t.Explanation {
			tr.Explanation = append(tr.Explanation, e.Evidence)
		}
		out.Tags = append(out.Tags, tr)
	}
	return out
}

// Classify returns the tags assigned to a text, each with its score,
// sub-tags and explanation.
func (c *Classifier) Classify(title, body string) observatory.Classification {
	return c.Analyze(title, body).Classification()
}

// Analyze returns the full result: every tag with its score, threshold,
// decision, sub-tags and explanation.
func (c *Classifier) Analyze(title, body string) Result {
	st := c.state.Load()
	s := c.pool.Get().(*scratch)
	defer c.pool.Put(s)
	s.ev = s.ev[:0]
	m := st.m
	if len(s.fired) < len(m.rules) {
		s.fired = make([]bool, len(m.rules))
	}
	clear(s.fired)
	fields := [2]string{title, body}
	var sents [2][]span
	bodyWords := 0
	// An exclusion of text scope that applies in one field covers the
	// other: the title is read for them first, then the body is scored,
	// then the title.
	if title != "" && body != "" && m.hasTextScope {
		m.scan(title, s)
		m.phrasesOf(s)
		m.markFired(s)
	}
	for _, f := range [2]int{1, 0} {
		text := fields[f]
		if text == "" {
			continue
		}
		n := len(s.ev)
		m.scan(text, s)
		if f == 1 {
			m.readDateline(text, s)
			bodyWords = s.tokens
			s.noise = pageNoise(text, s.noise[:0])
			s.dropHitsIn(s.noise)
		}
		m.phrasesOf(s)
		m.evaluate(s, int8(f))
		if len(s.ev) > n {
			sents[f] = slices.Clone(s.sents)
		}
	}
	return buildResult(st, s.ev, fields, sents, bodyWords, c.maxEvi)
}

// scored is a match with its contribution.
type scored struct {
	mt     match
	weight float64
}

func buildResult(st *state, ev []match, fields [2]string, sents [2][]span, bodyWords, maxEvi int) Result {
	m := st.m
	res := Result{LexiconVersion: st.version}
	byTag := make([][]match, len(topTags()))
	counts := make([]int, len(topTags()))
	for _, mt := range ev {
		counts[m.rules[mt.rule].tagIdx]++
	}
	for t, n := range counts {
		byTag[t] = make([]match, 0, n)
	}
	for _, mt := range ev {
		t := m.rules[mt.rule].tagIdx
		byTag[t] = append(byTag[t], mt)
	}
	seen := map[int32]int{}
	cache := sentenceCache{}
	res.Tags = make([]TagScore, 0, len(topTags()))
	for ti, tag := range topTags() {
		set := st.lx.settings[tag]
		cat, _ := LookupCategory(tag)
		ts := TagScore{Tag: tag, LabelES: cat.LabelES, LabelEN: cat.LabelEN, Threshold: set.Threshold, Subtags: []SubtagScore{}, Explanation: []Evidence{}}
		// Order: title first, then position; repeats of one rule decay.
		slices.SortStableFunc(byTag[ti], func(a, b match) int {
			return cmp.Or(cmp.Compare(a.field, b.field), cmp.Compare(a.ao.start, b.ao.start), cmp.Compare(a.rule, b.rule))
		})
		matches := suppressContained(m, byTag[ti])
		clear(seen)
		sc := make([]scored, 0, len(matches))
		subScore := make(map[string]float64, 4)
		for _, mt := range matches {
			r := &m.rules[mt.rule]
			w := r.weight * math.Pow(set.Decay, float64(seen[mt.rule]))
			seen[mt.rule]++
			if mt.field == 0 {
				w *= set.TitleWeight
			}
			if _, capped := set.SubtagCaps[r.subtag]; !capped {
				ts.Score += w
			}
			if r.subtag != "" {
				subScore[r.subtag] += w
			}
			sc = append(sc, scored{mt: mt, weight: w})
		}
		for _, id := range subtagIDs(tag) {
			if limit, capped := set.SubtagCaps[id]; capped {
				ts.Score += max(0, min(subScore[id], limit))
			}
		}
		ts.Score = round2(ts.Score)
		ts.Assigned = ts.Score >= set.Threshold && !loneMention(set, matches, bodyWords) && !titleAlone(set, matches, bodyWords) &&
			!passingMention(set, matches, bodyWords, ts.Score)
		for _, id := range subtagIDs(tag) {
			v := round2(subScore[id])
			if v == 0 {
				continue
			}
			sub, _ := LookupCategory(id)
			ts.Subtags = append(ts.Subtags, SubtagScore{ID: id, LabelES: sub.LabelES, LabelEN: sub.LabelEN, Score: v, Threshold: set.SubtagThreshold, Assigned: ts.Assigned && v >= set.SubtagThreshold})
		}
		if len(sc) > maxEvi {
			slices.SortStableFunc(sc, func(a, b scored) int { return cmp.Compare(math.Abs(b.weight), math.Abs(a.weight)) })
			sc = sc[:maxEvi]
			slices.SortStableFunc(sc, func(a, b scored) int {
				return cmp.Or(cmp.Compare(a.mt.field, b.mt.field), cmp.Compare(a.mt.ao.start, b.mt.ao.start))
			})
		}
		ts.Explanation = make([]Evidence, 0, len(sc))
		for _, x := range sc {
			ts.Explanation = append(ts.Explanation, evidenceOf(m, x, fields, sents, cache))
		}
		res.Tags = append(res.Tags, ts)
	}
	return res
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// loneMention reports whether a long text's only evidence for a tag lies
// in one sentence of the body: a story that mentions migration in passing
// ("…también marcharon trabajadoras domésticas sin papeles") is not a
// migration story, however many entries that one sentence holds.
// @lone-mention-words sets "long".
func loneMention(set tagSettings, matches []match, bodyWords int) bool {
	if set.LoneMentionWords <= 0 || bodyWords <= set.LoneMentionWords || len(matches) == 0 {
		return false
	}
	if len(matches) == 1 {
		return matches[0].field == 1
	}
	sent := matches[0].ao.sent
	for _, mt := range matches {
		if mt.field != 1 || mt.ao.sent != sent || mt.ao.sentEnd != sent || mt.b >= 0 && (mt.bo.sent != sent || mt.bo.sentEnd != sent) {
			return false
		}
	}
	return true
}

// titleAlone reports whether a long body never comes back to the evidence
// its title holds for a tag ("Muere el poeta que escribió desde el exilio"
// over an obituary): the story is about something else.
// @lone-title-words sets "long".
func titleAlone(set tagSettings, matches []match, bodyWords int) bool {
	if set.LoneTitleWords <= 0 || bodyWords <= set.LoneTitleWords || len(matches) == 0 {
		return false
	}
	for _, mt := range matches {
		if mt.field != 0 {
			return false
		}
	}
	return true
}

// passingMention reports whether a long text's evidence for a tag, none
// in the title, lies in so few sentences of the body
// (@passing-mention N S: at most N) that its score must reach S, and does
// not: a long political report that names women's work in one paragraph
// and violence against women in another is not a gender story.
func passingMention(set tagSettings, matches []match, bodyWords int, score float64) bool {
	if set.PassingSentences <= 0 || bodyWords <= set.LoneMentionWords || score >= set.PassingScore {
		return false
	}
	var sents [maxPassingSentences + 1]int32
	n := 0
	add := func(s int32) bool {
		for _, x := range sents[:n] {
			if x == s {
				return true
			}
		}
		if n == set.PassingSentences || n == len(sents) {
			return false // one sentence too many
		}
		sents[n] = s
		n++
		return true
	}
	for _, mt := range matches {
		if mt.field != 1 || !add(mt.ao.sent) || !add(mt.ao.sentEnd) || mt.b >= 0 && (!add(mt.bo.sent) || !add(mt.bo.sentEnd)) {
			return false
		}
	}
	return true
}

// maxPassingSentences bounds @passing-mention's number of sentences.
const maxPassingSentences = 20

// suppressContained keeps, among the term matches of one tag in one field,
// the longest: a term inside a longer term of the same tag does not count
// twice (leftmost-longest), and of two terms on the same words the heavier
// counts (the earlier rule, if they weigh the same). ms is sorted by
// field, position and rule; the result keeps that order.
func suppressContained(m *matcher, ms []match) []match {
	out := make([]match, 0, len(ms))
	// The terms that may contain words lo..hi of field f start at most
	// maxPhraseWords-1 words before hi and at the latest at lo.
	containing := func(f int8, lo, hi int32, yield func(j int, b match) bool) {
		k, _ := slices.BinarySearchFunc(ms, hi-maxPhraseWords+1, func(b match, t int32) int {
			return cmp.Or(cmp.Compare(b.field, f), cmp.Compare(b.ao.tok0, t))
		})
		for j := k; j < len(ms) && ms[j].field == f && ms[j].ao.tok0 <= lo; j++ {
			if m.rules[ms[j].rule].kind == ruleTerm && ms[j].ao.tok1 >= hi && !yield(j, ms[j]) {
				return
			}
		}
	}
	for i, a := range ms {
		keep := true
		if m.rules[a.rule].kind != ruleTerm {
			// A rule whose two sides both lie inside one term of the tag
			// ("mujer … migrante" inside "mujeres migrantes") adds nothing.
			containing(a.field, min(a.ao.tok0, a.bo.tok0), max(a.ao.tok1, a.bo.tok1), func(int, match) bool {
				keep = false
				return false
			})
		} else {
			wa := math.Abs(m.rules[a.rule].weight)
			containing(a.field, a.ao.tok0, a.ao.tok1, func(j int, b match) bool {
				if j == i {
					return true
				}
				longer := b.ao.tok1-b.ao.tok0 > a.ao.tok1-a.ao.tok0
				wb := math.Abs(m.rules[b.rule].weight)
				if longer || wb > wa || (wb == wa && j < i) {
					keep = false
					return false
				}
				return true
			})
		}
		if keep {
			out = append(out, a)
		}
	}
	return out
}

func fieldName(f int8) string {
	if f == 0 {
		return "title"
	}
	return "body"
}

func evidenceOf(m *matcher, x scored, fields [2]string, sents [2][]span, cache sentenceCache) Evidence {
	r := &m.rules[x.mt.rule]
	text := fields[x.mt.field]
	term := formOf(m, r.a, x.mt.ao.phrase)
	matched := text[x.mt.ao.start:x.mt.ao.end]
	start, end := x.mt.ao.start, x.mt.ao.end
	if x.mt.b >= 0 {
		sep := " + "
		if r.kind == ruleNear {
			sep = " … "
		}
		bo := x.mt.bo
		term += sep + formOf(m, r.b, bo.phrase)
		matched += sep + text[bo.start:bo.end]
		start, end = min(start, bo.start), max(end, bo.end)
	}
	return Evidence{
		Evidence: observatory.Evidence{
			Term:     term,
			Sentence: cache.around(x.mt.field, text, sents[x.mt.field], start, end),
			Field:    fieldName(x.mt.field),
			Position: x.mt.ao.start,
			Subtag:   r.subtag,
		},
		Matched: matched,
		Weight:  round2(x.weight),
		Rule:    r.where,
	}
}

// formOf returns the lexicon form of phrase pid within operand op, with the
// inflection mark removed.
func formOf(m *matcher, op int32, pid int32) string {
	o := &m.ops[op]
	for i, p := range o.phrases {
		if p == pid {
			return strings.ReplaceAll(o.forms[i], "~", "")
		}
	}
	return ""
}

// maxSentence caps a quoted sentence, in bytes, around the match.
const maxSentence = 320

// sentenceAround returns the sentence (or sentences) holding [start,end),
// as written, with runs of white space collapsed, cut to a window around the
// match when very long.
func sentenceAround(text string, sents []span, start, end int) string {
	lo, hi := sentenceBounds(sents, start, end)
	prefix, suffix := "", ""
	if hi-lo > maxSentence {
		pad := max((maxSentence-(end-start))/2, 40)
		if start-pad > lo {
			lo = start - pad
			prefix = "…"
		}
		if end+pad < hi {
			hi = end + pad
			suffix = "…"
		}
		for lo > 0 && !utf8.RuneStart(text[lo]) {
			lo--
		}
		for hi < len(text) && !utf8.RuneStart(text[hi]) {
			hi++
		}
	}
	return prefix + collapseSpace(text[lo:hi]) + suffix
}

// sentenceBounds returns the bytes of the sentence (or sentences) that
// hold [start,end).
func sentenceBounds(sents []span, start, end int) (lo, hi int) {
	lo, hi = start, end
	// Spans are sorted and disjoint: skip those that end before start.
	k, _ := slices.BinarySearchFunc(sents, start, func(sp span, t int) int { return cmp.Compare(sp.end+1, t+1) })
	for _, sp := range sents[k:] {
		if sp.start <= start && start < sp.end+1 {
			lo = sp.start
		}
		if sp.start <= end && end <= sp.end {
			hi = sp.end
			break
		}
	}
	if hi < end {
		hi = end
	}
	return lo, hi
}

// sentenceCache holds the quoted sentences of one text by field and
// bounds: several matches of a text fall in the same sentence.
type sentenceCache map[[3]int]string

func (c sentenceCache) around(field int8, text string, sents []span, start, end int) string {
	lo, hi := sentenceBounds(sents, start, end)
	if hi-lo > maxSentence {
		return sentenceAround(text, sents, start, end)
	}
	k := [3]int{int(field), lo, hi}
	q, ok := c[k]
	if !ok {
		q = collapseSpace(text[lo:hi])
		c[k] = q
	}
	return q
}

func collapseSpace(s string) string {
	s = strings.TrimSpace(s)
	if plainSpaced(s) {
		return s
	}
	var b strings.Builder
	space := false
	for _, r := range strings.TrimSpace(s) {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if r == utf8.RuneError {
			r = '\uFFFD'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// plainSpaced reports whether s is valid UTF-8 with single ASCII spaces
// between words and no other white space: collapseSpace would return it
// unchanged.
func plainSpaced(s string) bool {
	prevSpace := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < ' ' || c == 0x7f || c == ' ' && prevSpace {
				return false
			}
			prevSpace = c == ' '
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || unicode.IsSpace(r) {
			return false
		}
		prevSpace = false
		i += size
	}
	return true
}
