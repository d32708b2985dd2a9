package classify

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"text/tabwriter"

	"observatory"
)

// Evaluation: labelled items, a predictor, and precision, recall, F1 and
// confusion counts per label, beside a naive baseline of a dozen regular
// expressions so the margin is visible.

// Labels evaluated on news: the three tags and the pilot's focus sub-tag.
var NewsLabels = []string{observatory.TagMigration, observatory.TagGender, observatory.TagXenophobia, SubtagFemaleMigration}

// LabelThreat is the StereoImmigrants label for the threat frames
// (categories 4 collective threat and 5 personal threat).
const LabelThreat = "threat"

// Item is one labelled text.
type Item struct {
	ID     string   `json:"id"`
	Source string   `json:"source,omitempty"` // where the text comes from
	Title  string   `json:"title"`
	Body   string   `json:"body"`
	Tags   []string `json:"tags"` // the gold labels
	Note   string   `json:"note,omitempty"`
}

// Predictor labels a text.
type Predictor interface {
	Predict(title, body string) []string
}

// Predict returns the tags assigned, plus female-migration and threat
// (a framing sub-tag of xenophobia) when assigned, as evaluation labels.
func (c *Classifier) Predict(title, body string) []string {
	return predictionLabels(c.Analyze(title, body))
}

func predictionLabels(r Result) []string {
	out := r.Assigned()
	if r.HasSubtag(SubtagFemaleMigration) {
		out = append(out, SubtagFemaleMigration)
	}
	if framingScore(r) >= threatThreshold(r) {
		out = append(out, LabelThreat)
	}
	return out
}

// framingScore is the sum of the xenophobia framing sub-tags' scores.
func framingScore(r Result) float64 {
	t, _ := r.Tag(observatory.TagXenophobia)
	var sum float64
	for _, s := range t.Subtags {
		if cat, _ := LookupCategory(s.ID); cat.Framing {
			sum += s.Score
		}
	}
	return sum
}

// threatThreshold is the score the framing signals of one text must reach
// for the threat label: the sub-tag threshold, since the threat sets label
// single sentences, where one framing signal is the whole evidence.
func threatThreshold(r Result) float64 {
	t, _ := r.Tag(observatory.TagXenophobia)
	for _, s := range t.Subtags {
		return s.Threshold
	}
	return math.Inf(1)
}

// Counts is a confusion matrix for one label.
type Counts struct {
	TP, FP, FN, TN int
}

// Precision is TP/(TP+FP), 0 when nothing was predicted.
func (c Counts) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall is TP/(TP+FN), 0 when nothing was to be found.
func (c Counts) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

// F1 is the harmonic mean of precision and recall.
func (c Counts) F1() float64 {
	p, r := c.Precision(), c.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Score counts, for each label, how p's predictions on items agree with the
// gold labels.
func Score(items []Item, labels []string, p Predictor) map[string]Counts {
	out := make(map[string]Counts, len(labels))
	for _, it := range items {
		pred := p.Predict(it.Title, it.Body)
		for _, l := range labels {
			c := out[l]
			gold, got := slices.Contains(it.Tags, l), slices.Contains(pred, l)
			switch {
			case gold && got:
				c.TP++
			case got:
				c.FP++
			case gold:
				c.FN++
			default:
				c.TN++
			}
			out[l] = c
		}
	}
	return out
}

// Baseline is the naive comparison point issue 5 asks for: a dozen
// case-insensitive regular expressions, no folding, no context, no
// exclusions.
type Baseline struct {
	rules []baselineRule
}

type baselineRule struct {
	label string
	re    *regexp.Regexp
}

// NewBaseline returns the naive regular-expression baseline.
func NewBaseline() *Baseline {
	src := []struct{ label, re string }{
		{observatory.TagMigration, `(?i)\b(in|e)?migra(nte|ci[oó]n|torio|torias?|r)`},
		{observatory.TagMigration, `(?i)\brefugiad[oa]s?\b|\basilo\b`},
		{observatory.TagMigration, `(?i)\bdeporta(d[oa]s?|ci[oó]n|ciones|r)\b|\bremesas?\b`},
		{observatory.TagMigration, `(?i)\bfronteras?\b|\bextranjer[oa]s?\b`},
		{observatory.TagGender, `(?i)\bmujer(es)?\b|\bni[ñn]as?\b`},
		{observatory.TagGender, `(?i)\bg[eé]nero\b|\bfemini(cidio|sta|smo)\b|\bfemicidio\b`},
		{observatory.TagGender, `(?i)violencia (machista|sexual|dom[eé]stica)`},
		{observatory.TagXenophobia, `(?i)\bxen[oó]fob[oa]s?\b|\bxenofobia\b|\bracis(mo|ta)\b`},
		{observatory.TagXenophobia, `(?i)\bilegal(es)?\b`},
		{observatory.TagXenophobia, `(?i)\b(avalancha|oleada|invasi[oó]n|plaga)\b`},
		{observatory.TagXenophobia, `(?i)\bdiscrimina(ci[oó]n|d[oa]s?)\b`},
		{SubtagFemaleMigration, `(?i)\b(mujer(es)?|ni[ñn]as?)\b.{0,80}\b(in|e)?migra|(in|e)?migra\w*\b.{0,80}\b(mujer(es)?|ni[ñn]as?)\b`},
	}
	b := &Baseline{}
	for _, s := range src {
		b.rules = append(b.rules, baselineRule{label: s.label, re: regexp.MustCompile(s.re)})
	}
	return b
}

// Predict labels a text with every rule that matches; the threat label is
// predicted with xenophobia.
func (b *Baseline) Predict(title, body string) []string {
	text := title + "\n" + body
	var out []string
	for _, r := range b.rules {
		if !slices.Contains(out, r.label) && r.re.MatchString(text) {
			out = append(out, r.label)
		}
	}
	if slices.Contains(out, observatory.TagXenophobia) {
		out = append(out, LabelThreat)
	}
	return out
}

// LoadDevSet reads a JSON Lines file of Items (the development set in
// classify/testdata/devset.jsonl).
func LoadDevSet(path string) ([]Item, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("classify: dev set: %w", err)
	}
	defer f.Close()
	var items []Item
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var it Item
		if err := json.Unmarshal([]byte(line), &it); err != nil {
			return nil, fmt.Errorf("classify: dev set %s:%d: %w", path, n, err)
		}
		for _, t := range it.Tags {
			if !slices.Contains(NewsLabels, t) {
				return nil, fmt.Errorf("classify: dev set %s:%d: unknown label %q", path, n, t)
			}
		}
		items = append(items, it)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("classify: dev set %s: %w", path, err)
	}
	return items, nil
}

// LoadHatEval reads hateval2019-es from the shared data folder. Hateful
// tweets (HS=1, against immigrants or women) are labelled xenophobia: the
// set does not say which target a tweet has, so misogynist tweets count
// against the xenophobia tag's recall.
func LoadHatEval(dataDir string) ([]Item, error) {
	path := filepath.Join(dataDir, "hateval2019-es", "hateval2019_es.tsv")
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("classify: hateval: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = '\t'
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("classify: hateval %s: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	for _, need := range []string{"id", "HS", "text"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("classify: hateval %s: no %s column", path, need)
		}
	}
	var items []Item
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("classify: hateval %s: %w", path, err)
		}
		if len(rec) <= col["text"] || len(rec) <= col["HS"] {
			continue
		}
		it := Item{ID: rec[col["id"]], Source: "hateval2019-es", Body: rec[col["text"]]}
		if rec[col["HS"]] == "1" {
			it.Tags = []string{observatory.TagXenophobia}
		}
		items = append(items, it)
	}
	return items, nil
}

// LoadStereoImmigrants reads stereoimmigrants from the shared data folder;
// sentences of categories 4 and 5 (collective and personal threat) carry
// the threat label.
func LoadStereoImmigrants(dataDir string) ([]Item, error) {
	path := filepath.Join(dataDir, "stereoimmigrants", "stereoimmigrants.jsonl")
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("classify: stereoimmigrants: %w", err)
	}
	defer f.Close()
	var items []Item
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for n := 1; sc.Scan(); n++ {
		var rec struct {
			ID       string `json:"id"`
			Category string `json:"category"`
			Sentence string `json:"sentence"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return nil, fmt.Errorf("classify: stereoimmigrants %s:%d: %w", path, n, err)
		}
		it := Item{ID: rec.ID, Source: "stereoimmigrants", Body: rec.Sentence}
		if rec.Category == "4" || rec.Category == "5" {
			it.Tags = []string{LabelThreat}
		}
		items = append(items, it)
	}
	return items, sc.Err()
}

// EvalSet is one labelled set with the labels to score on it.
type EvalSet struct {
	Name   string
	Items  []Item
	Labels []string
}

// EvalReport is the result of one set: per label, the classifier's and the
// baseline's confusion counts.
type EvalReport struct {
	Set        string
	N          int
	Labels     []string
	Classifier map[string]Counts
	Baseline   map[string]Counts
}

// Evaluate scores c and the naive baseline on each set.
func Evaluate(c *Classifier, sets []EvalSet) []EvalReport {
	base := NewBaseline()
	var out []EvalReport
	for _, s := range sets {
		out = append(out, EvalReport{
			Set: s.Name, N: len(s.Items), Labels: s.Labels,
			Classifier: Score(s.Items, s.Labels, c),
			Baseline:   Score(s.Items, s.Labels, base),
		})
	}
	return out
}

// LoadEvalSets loads the development set at devPath (skipped when "") and
// its companion sets, then, when dataDir is not "", hateval2019-es and
// stereoimmigrants from it.
//
// A companion set is a file beside devPath whose name is devPath's stem, a
// hyphen and anything (devset.jsonl → devset-news.jsonl, devset-en.jsonl):
// sets kept apart because they measure different things (short written
// texts, full-length news articles, other languages), each reported on its
// own.
//
// A blind batch is a file beside devPath named blind-*.EXT: articles
// written and labelled before the lexicons were tuned on them, reported
// as "blind (NAME)" so its figures are read as an estimate, not as a
// development score.
func LoadEvalSets(devPath, dataDir string) ([]EvalSet, error) {
	var sets []EvalSet
	if devPath != "" {
		paths, err := companionSets(devPath)
		if err != nil {
			return nil, err
		}
		var joined []EvalSet
		for _, p := range append([]string{devPath}, paths...) {
			items, err := LoadDevSet(p)
			if err != nil {
				return nil, err
			}
			kind := "dev"
			if strings.HasPrefix(filepath.Base(p), blindPrefix) {
				kind = "blind"
			}
			sets = append(sets, EvalSet{Name: kind + " (" + filepath.Base(p) + ")", Items: items, Labels: NewsLabels})
			if j, ok := joinParagraphs(items); ok {
				joined = append(joined, EvalSet{Name: kind + " (" + filepath.Base(p) + ", paragraphs joined as the extractor returns them)", Items: j, Labels: NewsLabels})
			}
		}
		sets = append(sets, joined...)
	}
	if dataDir != "" {
		h, err := LoadHatEval(dataDir)
		if err != nil {
			return nil, err
		}
		sets = append(sets, EvalSet{Name: "hateval2019-es (HS)", Items: h, Labels: []string{observatory.TagXenophobia}})
		s, err := LoadStereoImmigrants(dataDir)
		if err != nil {
			return nil, err
		}
		sets = append(sets, EvalSet{Name: "stereoimmigrants (threat = categories 4-5)", Items: s, Labels: []string{LabelThreat}})
	}
	return sets, nil
}

// joinParagraphs returns items with the line breaks of their bodies turned
// into spaces, as the article extractor returns text, and whether any body
// had one: the classifier must not depend on line breaks it may not get.
func joinParagraphs(items []Item) ([]Item, bool) {
	out := make([]Item, len(items))
	any := false
	for i, it := range items {
		if strings.Contains(it.Body, "\n") {
			any = true
			it.Body = strings.Join(strings.Fields(it.Body), " ")
		}
		out[i] = it
	}
	return out, any
}

// blindPrefix starts the name of a blind batch beside the dev set.
const blindPrefix = "blind-"

// companionSets lists the files beside devPath named STEM-*.EXT, where
// devPath is STEM.EXT, then the blind batches named blind-*.EXT, each
// group sorted by name.
func companionSets(devPath string) ([]string, error) {
	dir, base := filepath.Split(devPath)
	ext := filepath.Ext(base)
	stem := strings.TrimSuffix(base, ext) + "-"
	ents, err := os.ReadDir(filepath.Clean(dir))
	if err != nil {
		return nil, fmt.Errorf("classify: dev sets beside %s: %w", devPath, err)
	}
	var out []string
	for _, prefix := range []string{stem, blindPrefix} {
		for _, e := range ents { // ReadDir returns entries sorted by name
			if n := e.Name(); !e.IsDir() && strings.HasPrefix(n, prefix) && strings.HasSuffix(n, ext) {
				out = append(out, filepath.Join(dir, n))
			}
		}
	}
	return out, nil
}

// WriteEval prints reports as a table: per label precision, recall, F1 and
// confusion counts of the classifier, then the baseline's F1 and the margin.
func WriteEval(w io.Writer, reports []EvalReport) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for i, r := range reports {
		if i > 0 {
			fmt.Fprintln(tw)
		}
		fmt.Fprintf(tw, "conjunto / set: %s, %d items\n", r.Set, r.N)
		fmt.Fprintln(tw, "etiqueta / label\tP\tR\tF1\tTP\tFP\tFN\tTN\tbaseline P\tbaseline R\tbaseline F1\tΔF1")
		for _, l := range r.Labels {
			c, b := r.Classifier[l], r.Baseline[l]
			fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%.3f\t%d\t%d\t%d\t%d\t%.3f\t%.3f\t%.3f\t%+.3f\n",
				l, c.Precision(), c.Recall(), c.F1(), c.TP, c.FP, c.FN, c.TN, b.Precision(), b.Recall(), b.F1(), c.F1()-b.F1())
		}
	}
	return tw.Flush()
}

// RunEval loads the sets, evaluates c and the baseline and prints the table:
// the one call behind `observatory eval`.
func RunEval(w io.Writer, c *Classifier, devPath, dataDir string) error {
	sets, err := LoadEvalSets(devPath, dataDir)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "léxico / lexicon %s\n\n", c.Version())
	return WriteEval(w, Evaluate(c, sets))
}
