package index

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"

	"observatory"
)

// QueryError is a query an analyst wrote that cannot be run. Its message
// says what is wrong, in Spanish first and then in English, and it wraps
// observatory.ErrInvalid.
type QueryError struct {
	Msg string
}

func (e *QueryError) Error() string { return "consulta no válida / invalid query: " + e.Msg }

// Unwrap makes errors.Is(err, observatory.ErrInvalid) true.
func (e *QueryError) Unwrap() error { return observatory.ErrInvalid }

func queryErr(format string, args ...any) error {
	return &QueryError{Msg: fmt.Sprintf(format, args...)}
}

// The analyst's query language is bleve's query-string syntax (terms,
// "phrases", field:value, +required, -excluded, wild*cards, /regexps/,
// term~1 fuzziness, ^boosts, field:>"2026-01-01" date ranges) extended
// with the boolean operators AND, OR, NOT (also &&, ||, !) and
// parentheses. Clauses side by side without an operator combine as in
// bleve: at least one must match, + ones must, - ones must not. AND binds
// tighter than OR, and both bind tighter than juxtaposition, so
// `mujeres migrantes AND trabajo` means mujeres OR (migrantes AND trabajo).

type lexKind int

const (
	lexLeaf lexKind = iota
	lexLParen
	lexRParen
	lexAnd
	lexOr
	lexNot
	lexPlus  // "+" directly before "("
	lexMinus // "-" directly before "("
)

type lexeme struct {
	kind lexKind
	text string
}

// lexQuery splits a query into clauses and operators. Quotes and
// backslash escapes keep their content together.
func lexQuery(s string) ([]lexeme, error) {
	var out []lexeme
	var cur strings.Builder
	inQuote := false
	emit := func() {
		if cur.Len() == 0 {
			return
		}
		w := cur.String()
		cur.Reset()
		switch w {
		case "AND", "&&":
			out = append(out, lexeme{kind: lexAnd, text: w})
		case "OR", "||":
			out = append(out, lexeme{kind: lexOr, text: w})
		case "NOT", "!":
			out = append(out, lexeme{kind: lexNot, text: w})
		default:
			out = append(out, lexeme{kind: lexLeaf, text: w})
		}
	}
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '\\':
			cur.WriteRune(r)
			if i+1 < len(rs) {
				i++
				cur.WriteRune(rs[i])
			}
		case r == '"':
			inQuote = !inQuote
			cur.WriteRune(r)
		case inQuote:
			cur.WriteRune(r)
		case unicode.IsSpace(r):
			emit()
		case r == '(':
			switch w := cur.String(); {
			case w == "+" || w == "-":
				cur.Reset()
				k := lexPlus
				if w == "-" {
					k = lexMinus
				}
				out = append(out, lexeme{kind: k, text: w})
			case strings.HasSuffix(w, ":"):
				return nil, queryErr("no se admiten paréntesis tras un campo (%s…); repita el campo en cada término / parentheses after a field are not supported; repeat the field for each term", w)
			default:
				emit()
			}
			out = append(out, lexeme{kind: lexLParen, text: "("})
		case r == ')':
			emit()
			out = append(out, lexeme{kind: lexRParen, text: ")"})
		default:
			cur.WriteRune(r)
		}
	}
	if inQuote {
		return nil, queryErr("faltan las comillas de cierre / a closing quote is missing")
	}
	emit()
	return out, nil
}

// clause mode within a sequence of juxtaposed clauses.
const (
	modeShould = iota
	modeMust
	modeMustNot
)

type node struct {
	mode  int
	q     query.Query
	empty bool // only stop words: ignored, as bleve's query string does
}

type queryParser struct {
	lx  []lexeme
	pos int
	rw  *rewriter
}

func (p *queryParser) peek() (lexeme, bool) {
	if p.pos < len(p.lx) {
		return p.lx[p.pos], true
	}
	return lexeme{}, false
}

// sequence parses juxtaposed clauses up to the end or a closing parenthesis.
func (p *queryParser) sequence() (node, error) {
	var nodes []node
	for {
		l, ok := p.peek()
		if !ok || l.kind == lexRParen {
			break
		}
		n, err := p.or()
		if err != nil {
			return node{}, err
		}
		nodes = append(nodes, n)
	}
	return combineSequence(nodes), nil
}

func combineSequence(nodes []node) node {
	var must, should, mustNot []query.Query
	for _, n := range nodes {
		if n.empty {
			continue
		}
		switch n.mode {
		case modeMust:
			must = append(must, n.q)
		case modeMustNot:
			mustNot = append(mustNot, n.q)
		default:
			should = append(should, n.q)
		}
	}
	switch {
	case len(must)+len(should)+len(mustNot) == 0:
		return node{empty: true}
	case len(must) == 0 && len(mustNot) == 0 && len(should) == 1:
		return node{q: should[0]}
	case len(should) == 0 && len(mustNot) == 0 && len(must) == 1:
		return node{q: must[0]}
	}
	return node{q: query.NewBooleanQuery(must, should, mustNot)}
}

func (p *queryParser) or() (node, error) {
	return p.binary(lexOr, p.and, func(qs []query.Query) query.Query { return query.NewDisjunctionQuery(qs) })
}

func (p *queryParser) and() (node, error) {
	return p.binary(lexAnd, p.unary, func(qs []query.Query) query.Query { return query.NewConjunctionQuery(qs) })
}

// binary parses operands joined by the operator op and combines them.
func (p *queryParser) binary(op lexKind, operand func() (node, error), combine func([]query.Query) query.Query) (node, error) {
	first, err := operand()
	if err != nil {
		return node{}, err
	}
	nodes := []node{first}
	for {
		l, ok := p.peek()
		if !ok || l.kind != op {
			break
		}
		p.pos++
		n, err := operand()
		if err != nil {
			return node{}, err
		}
		nodes = append(nodes, n)
	}
	if len(nodes) == 1 {
		return first, nil
	}
	var qs []query.Query
	for _, n := range nodes {
		if !n.empty {
			qs = append(qs, standalone(n))
		}
	}
	return fromList(qs, combine), nil
}

func fromList(qs []query.Query, combine func([]query.Query) query.Query) node {
	switch len(qs) {
	case 0:
		return node{empty: true}
	case 1:
		return node{q: qs[0]}
	}
	return node{q: combine(qs)}
}

// standalone turns a negated clause into a query of its own: everything
// except what it matches.
func standalone(n node) query.Query {
	if n.mode == modeMustNot {
		return query.NewBooleanQuery(nil, nil, []query.Query{n.q})
	}
	return n.q
}

func (p *queryParser) unary() (node, error) {
	l, ok := p.peek()
	if !ok {
		return node{}, queryErr("falta un término al final / a term is missing at the end")
	}
	switch l.kind {
	case lexNot, lexMinus:
		p.pos++
		n, err := p.unaryOperand(l)
		if err != nil {
			return node{}, err
		}
		if n.mode == modeMustNot { // NOT NOT x
			n.mode = modeShould
		} else {
			n.mode = modeMustNot
		}
		return n, nil
	case lexPlus:
		p.pos++
		n, err := p.unaryOperand(l)
		if err != nil {
			return node{}, err
		}
		n.mode = modeMust
		return n, nil
	}
	return p.primary()
}

func (p *queryParser) unaryOperand(op lexeme) (node, error) {
	if _, ok := p.peek(); !ok {
		return node{}, queryErr("falta un término después de %s / a term is missing after %s", op.text, op.text)
	}
	return p.unary()
}

func (p *queryParser) primary() (node, error) {
	l, _ := p.peek()
	switch l.kind {
	case lexLParen:
		p.pos++
		n, err := p.sequence()
		if err != nil {
			return node{}, err
		}
		if r, ok := p.peek(); !ok || r.kind != lexRParen {
			return node{}, queryErr("falta cerrar un paréntesis / a closing parenthesis is missing")
		}
		p.pos++
		n.mode = modeShould
		return n, nil
	case lexRParen:
		return node{}, queryErr("sobra un paréntesis de cierre / unbalanced closing parenthesis")
	case lexAnd, lexOr:
		return node{}, queryErr("falta un término antes de %s / a term is missing before %s", l.text, l.text)
	}
	p.pos++
	return p.leaf(l.text)
}

// leaf parses one clause with bleve's query-string parser and rewrites it
// to the index's fields and analyzers.
func (p *queryParser) leaf(text string) (node, error) {
	mode := modeShould
	switch {
	case strings.HasPrefix(text, "+"):
		mode, text = modeMust, text[1:]
	case strings.HasPrefix(text, "-"):
		mode, text = modeMustNot, text[1:]
	}
	if text == "" {
		return node{}, queryErr("falta un término después de + o - / a term is missing after + or -")
	}
	q, err := query.NewQueryStringQuery(text).Parse()
	if err != nil {
		// bleve's parser recovers its own panics into the error: those
		// say nothing useful to an analyst, so only real parse messages
		// are passed on.
		why := firstLine(err.Error())
		if strings.Contains(why, "runtime error") {
			why = "sintaxis incompleta / incomplete syntax"
		}
		return node{}, queryErr("no se entiende «%s» (%s) / cannot parse %q", text, why, text)
	}
	q = unwrapSingle(q)
	rq, empty, err := p.rw.rewrite(q)
	if err != nil {
		return node{}, err
	}
	return node{mode: mode, q: rq, empty: empty}, nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// unwrapSingle returns the one clause of the boolean query bleve's parser
// wraps every query string in.
func unwrapSingle(q query.Query) query.Query {
	bq, ok := q.(*query.BooleanQuery)
	if !ok {
		return q
	}
	var parts []query.Query
	for _, sub := range []query.Query{bq.Must, bq.Should, bq.MustNot} {
		if sub == nil {
			continue
		}
		switch s := sub.(type) {
		case *query.ConjunctionQuery:
			parts = append(parts, s.Conjuncts...)
		case *query.DisjunctionQuery:
			parts = append(parts, s.Disjuncts...)
		default:
			parts = append(parts, s)
		}
	}
	if len(parts) == 1 && bq.MustNot == nil {
		return parts[0]
	}
	return q
}

// parseQuery turns an analyst's query string into a bleve query. An empty
// string matches everything.
func parseQuery(s string, m mapping.IndexMapping) (query.Query, error) {
	if strings.TrimSpace(s) == "" {
		return query.NewMatchAllQuery(), nil
	}
	if len(s) > maxQueryLen {
		return nil, queryErr("la consulta es demasiado larga (máx. %d caracteres) / the query is too long (max %d characters)", maxQueryLen, maxQueryLen)
	}
	lx, err := lexQuery(typographicQuotes.Replace(s))
	if err != nil {
		return nil, err
	}
	p := &queryParser{lx: lx, rw: &rewriter{m: m}}
	n, err := p.sequence()
	if err != nil {
		return nil, err
	}
	if p.pos < len(lx) {
		return nil, queryErr("sobra un paréntesis de cierre / unbalanced closing parenthesis")
	}
	if n.empty {
		return query.NewMatchNoneQuery(), nil
	}
	if n.mode == modeMustNot {
		return standalone(n), nil
	}
	return n.q, nil
}

const maxQueryLen = 2000

// typographicQuotes turns the quotes word processors and phones type into
// the straight quotes of the syntax.
var typographicQuotes = strings.NewReplacer("“", `"`, "”", `"`, "„", `"`, "«", `"`, "»", `"`)

// Field names an analyst may write, in English or Spanish, and the index
// field each one searches.
var queryFields = map[string]string{
	"title": fieldTitle, "titulo": fieldTitle,
	"text": fieldText, "texto": fieldText, "body": fieldText, "cuerpo": fieldText,
	"author": fieldAuthors, "authors": fieldAuthors, "autor": fieldAuthors, "autores": fieldAuthors,
	"country": fieldCountry, "pais": fieldCountry,
	"source": fieldSource, "fuente": fieldSource,
	"medium": fieldMedium, "medio": fieldMedium,
	"tag": fieldTag, "etiqueta": fieldTag,
	"subtag": fieldSubtag, "subetiqueta": fieldSubtag,
	"kind": fieldKind, "tipo": fieldKind,
	"language": fieldLang, "lang": fieldLang, "idioma": fieldLang,
	"month": fieldMonth, "mes": fieldMonth,
	"week": fieldWeek, "semana": fieldWeek,
	"published": fieldPublished, "date": fieldPublished, "fecha": fieldPublished,
}

// QueryFields lists the field names the query language accepts, for help
// pages.
func QueryFields() []string {
	return []string{"title/titulo", "text/texto", "authors/autor", "country/pais", "source/fuente",
		"medium/medio", "tag/etiqueta", "subtag/subetiqueta", "kind/tipo", "language/idioma",
		"month/mes", "week/semana", "published/fecha"}
}

func isTextField(f string) bool {
	return f == fieldTitle || f == fieldText || f == fieldAuthors
}

type rewriter struct {
	m mapping.IndexMapping
}

func (rw *rewriter) field(name string) (string, error) {
	if name == "" {
		return "", nil
	}
	key := strings.ToLower(string(asciiFolder.Filter([]byte(name))))
	f, ok := queryFields[key]
	if !ok {
		return "", queryErr("campo desconocido «%s»; use %s / unknown field %q", name, strings.Join(QueryFields(), ", "), name)
	}
	return f, nil
}

// normalizeKeyword puts a keyword value in the case the index stores.
func normalizeKeyword(field, v string) string {
	switch field {
	case fieldCountry:
		return strings.ToUpper(v)
	case fieldWeek:
		return strings.ToUpper(v)
	case fieldSource, fieldMonth:
		return v
	}
	return strings.ToLower(v)
}

// keywordQuery matches a keyword field exactly; tag: matches a tag or a
// sub-tag.
func keywordQuery(field, v string) query.Query {
	v = normalizeKeyword(field, v)
	if field == fieldTag {
		return query.NewDisjunctionQuery([]query.Query{
			termQuery(fieldKeywords, keywordTerm(fieldTag, v)), termQuery(fieldKeywords, keywordTerm(fieldSubtag, v))})
	}
	return termQuery(fieldKeywords, keywordTerm(field, v))
}

func termQuery(field, v string) *query.TermQuery {
	t := query.NewTermQuery(v)
	t.SetField(field)
	return t
}

// rewrite maps a parsed clause onto the index: unqualified text searches
// title (boosted) and text, each analysed by every language's analyzer
// that reads it differently; keyword fields match exactly. empty reports a
// clause made only of stop words.
func (rw *rewriter) rewrite(q query.Query) (query.Query, bool, error) {
	switch q := q.(type) {
	case *query.MatchQuery:
		f, err := rw.field(q.FieldVal)
		if err != nil {
			return nil, false, err
		}
		switch {
		case f == "" || isTextField(f):
			return rw.textQuery(f, q.Match, boostOf(q.BoostVal), func(field, analyzer string) query.Query {
				m := query.NewMatchQuery(q.Match)
				m.SetField(field)
				m.Analyzer = analyzer
				m.SetFuzziness(q.Fuzziness)
				m.SetPrefix(q.Prefix)
				return m
			})
		case f == fieldPublished:
			return nil, false, queryErr("use published:>\"2026-01-01\" o published:<\"2026-12-31\" para fechas / use published:>\"2026-01-01\" or published:<\"2026-12-31\" for dates")
		case f == fieldWeek:
			from, to, ok := weekRange(q.Match)
			if !ok {
				return nil, false, queryErr("semana no válida «%s»: escriba 2026-W47 / invalid week %q: write 2026-W47", q.Match, q.Match)
			}
			f := false
			dr := query.NewDateRangeInclusiveQuery(from, to, nil, &f)
			dr.SetField(fieldPublished)
			return dr, false, nil
		default:
			return withBoost(keywordQuery(f, q.Match), q.BoostVal), false, nil
		}
	case *query.MatchPhraseQuery:
		f, err := rw.field(q.FieldVal)
		if err != nil {
			return nil, false, err
		}
		switch {
		case f == "" || isTextField(f):
			return rw.textQuery(f, q.MatchPhrase, boostOf(q.BoostVal), func(field, analyzer string) query.Query {
				return newPhraseQuery(rw.m, q.MatchPhrase, field, analyzer, 1)
			})
		case f == fieldPublished:
			return nil, false, queryErr("use published:>\"2026-01-01\" o published:<\"2026-12-31\" para fechas / use published:>\"2026-01-01\" or published:<\"2026-12-31\" for dates")
		default:
			return withBoost(keywordQuery(f, q.MatchPhrase), q.BoostVal), false, nil
		}
	case *query.WildcardQuery:
		f, err := rw.field(q.FieldVal)
		if err != nil {
			return nil, false, err
		}
		pattern := q.Wildcard
		if f == "" || isTextField(f) {
			pattern = strings.ToLower(string(asciiFolder.Filter([]byte(pattern))))
		} else {
			pattern = normalizeKeyword(f, pattern)
		}
		if len(strings.NewReplacer("*", "", "?", "").Replace(pattern)) < 2 {
			return nil, false, queryErr("«%s» abarca demasiadas palabras; escriba al menos dos letras / %q matches too many words; write at least two letters", q.Wildcard, q.Wildcard)
		}
		return rw.termLevel(f, q.BoostVal, func(field, prefix string) query.Query {
			w := query.NewWildcardQuery(prefix + pattern)
			w.SetField(field)
			return w
		}), false, nil
	case *query.RegexpQuery:
		f, err := rw.field(q.FieldVal)
		if err != nil {
			return nil, false, err
		}
		if _, err := regexp.Compile(q.Regexp); err != nil {
			return nil, false, queryErr("expresión regular no válida /%s/ / invalid regular expression: %v", q.Regexp, err)
		}
		return rw.termLevel(f, q.BoostVal, func(field, prefix string) query.Query {
			re := q.Regexp
			if prefix != "" {
				re = regexp.QuoteMeta(prefix) + "(?:" + re + ")"
			}
			r := query.NewRegexpQuery(re)
			r.SetField(field)
			return r
		}), false, nil
	case *query.NumericRangeQuery:
		if q.FieldVal == "" {
			// a bare number: bleve adds a numeric clause on no field
			return nil, true, nil
		}
		f, err := rw.field(q.FieldVal)
		if err != nil {
			return nil, false, err
		}
		if f == fieldPublished {
			return nil, false, queryErr("escriba la fecha entre comillas: published:>\"2026-01-01\" / quote the date: published:>\"2026-01-01\"")
		}
		return nil, false, queryErr("el campo «%s» no admite rangos numéricos / field %q takes no numeric range", q.FieldVal, q.FieldVal)
	case *query.DateRangeQuery:
		f, err := rw.field(q.FieldVal)
		if err != nil {
			return nil, false, err
		}
		if f != fieldPublished {
			return nil, false, queryErr("solo published/fecha admite rangos de fechas / only published takes a date range")
		}
		q.SetField(fieldPublished)
		return q, false, nil
	case *query.DisjunctionQuery:
		return rw.rewriteList(q.Disjuncts, func(qs []query.Query) query.Query {
			d := query.NewDisjunctionQuery(qs)
			d.SetMin(q.Min)
			return d
		})
	case *query.ConjunctionQuery:
		return rw.rewriteList(q.Conjuncts, func(qs []query.Query) query.Query { return query.NewConjunctionQuery(qs) })
	case *query.BooleanQuery:
		var parts [3][]query.Query
		for i, sub := range []query.Query{q.Must, q.Should, q.MustNot} {
			if sub == nil {
				continue
			}
			rq, empty, err := rw.rewrite(sub)
			if err != nil {
				return nil, false, err
			}
			if !empty {
				parts[i] = []query.Query{rq}
			}
		}
		if len(parts[0])+len(parts[1])+len(parts[2]) == 0 {
			return nil, true, nil
		}
		return query.NewBooleanQuery(parts[0], parts[1], parts[2]), false, nil
	case *query.MatchNoneQuery, *query.MatchAllQuery:
		return q, false, nil
	}
	return nil, false, queryErr("tipo de consulta no admitido (%T) / unsupported query", q)
}

func (rw *rewriter) rewriteList(in []query.Query, combine func([]query.Query) query.Query) (query.Query, bool, error) {
	var out []query.Query
	for _, sub := range in {
		rq, empty, err := rw.rewrite(sub)
		if err != nil {
			return nil, false, err
		}
		if !empty {
			out = append(out, rq)
		}
	}
	switch len(out) {
	case 0:
		return nil, true, nil
	case 1:
		return out[0], false, nil
	}
	return combine(out), false, nil
}

func boostOf(b *query.Boost) float64 {
	if b == nil {
		return 1
	}
	return b.Value()
}

func withBoost(q query.Query, b *query.Boost) query.Query {
	if bq, ok := q.(query.BoostableQuery); ok && b != nil {
		bq.SetBoost(b.Value())
	}
	return q
}

// textFields returns the fields an unqualified or text-qualified clause
// searches, with their boosts.
func textFields(f string) []struct {
	name  string
	boost float64
} {
	if f != "" {
		return []struct {
			name  string
			boost float64
		}{{f, 1}}
	}
	return []struct {
		name  string
		boost float64
	}{{fieldTitle, titleBoost}, {fieldText, 1}}
}

// textQuery builds one clause per text field and per distinct analysis of
// text: "migrantes" reads the same in Spanish and English ("migrant") and
// becomes one clause per field, "mujeres" reads differently and becomes
// two.
func (rw *rewriter) textQuery(f, text string, boost float64, build func(field, analyzer string) query.Query) (query.Query, bool, error) {
	analyzers := []string{analyzerName}
	if f != fieldAuthors {
		analyzers = rw.distinctAnalyzers(text)
	}
	if len(analyzers) == 0 {
		return nil, true, nil
	}
	var qs []query.Query
	for _, tf := range textFields(f) {
		for _, a := range analyzers {
			q := build(tf.name, a)
			if bq, ok := q.(query.BoostableQuery); ok {
				bq.SetBoost(tf.boost * boost)
			}
			qs = append(qs, q)
		}
	}
	if len(qs) == 1 {
		return qs[0], false, nil
	}
	return query.NewDisjunctionQuery(qs), false, nil
}

// distinctAnalyzers returns the language analyzers that turn text into
// distinct token sequences, Spanish first. Text that any of them reads as
// stop words only ("la", "the") gives none: it would otherwise match, in
// the other language's reading, words the index never kept.
func (rw *rewriter) distinctAnalyzers(text string) []string {
	var out []string
	seen := make(map[string]bool)
	for _, name := range queryAnalyzers() {
		a := rw.m.AnalyzerNamed(name)
		if a == nil {
			continue
		}
		var key strings.Builder
		for _, t := range a.Analyze([]byte(text)) {
			key.Write(t.Term)
			key.WriteByte(0)
		}
		k := key.String()
		if k == "" {
			return nil
		}
		if !seen[k] {
			seen[k] = true
			out = append(out, name)
		}
	}
	return out
}

// termLevel builds an unanalysed clause (wildcard, regexp) on f, or on the
// title and text when f is empty. build gets the index field and, for a
// keyword, the prefix of its terms there (see keywordTerm).
func (rw *rewriter) termLevel(f string, boost *query.Boost, build func(field, prefix string) query.Query) query.Query {
	if f != "" && !isTextField(f) {
		q := build(fieldKeywords, keywordTerm(f, ""))
		if f == fieldTag {
			q = query.NewDisjunctionQuery([]query.Query{q, build(fieldKeywords, keywordTerm(fieldSubtag, ""))})
		}
		return withBoost(q, boost)
	}
	var qs []query.Query
	for _, tf := range textFields(f) {
		q := build(tf.name, "")
		if bq, ok := q.(query.BoostableQuery); ok {
			bq.SetBoost(tf.boost * boostOf(boost))
		}
		qs = append(qs, q)
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return query.NewDisjunctionQuery(qs)
}

// QueryHelp is the analysts' guide to the query language, in Markdown,
// Spanish first: the help page of the search UI.
//
//go:embed query_help.md
var QueryHelp string
