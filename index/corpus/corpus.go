// Package corpus generates synthetic Spanish news articles for benchmarks
// of the index: realistic lengths (about 3 KB of text), a Zipf-distributed
// vocabulary with a long tail of rare words and names, eight pilot
// countries with their outlets, ten years of dates, and the observatory's
// tags at rates close to a general outlet's crawl (migration ≈ 10%,
// gender ≈ 12%, xenophobia ≈ 2%), with the topic words that earn them.
//
// The word lists are written for this package, not taken from any corpus.
// A Generator is deterministic for a seed: article i is the same on every
// run, so benchmarks can be compared.
package corpus

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"observatory"
)

// Options shape the corpus. The zero value gives the defaults.
type Options struct {
	Seed     uint64
	From, To time.Time // publication dates, uniform; default 2017-01-01 to 2027-01-01
	// MedianWords is the median body length in words (default 470, about 3 KB).
	MedianWords int
	// TailWords is the size of the rare-word tail (default 60,000).
	TailWords int
}

// Generator produces articles. It is not safe for concurrent use.
type Generator struct {
	opt      Options
	words    []string  // head vocabulary then tail, by rank
	cdf      []float64 // cumulative Zipf weights over words
	sources  []observatory.Source
	rng      *rand.Rand
	firstDay int64
	days     int64
}

// New returns a generator.
func New(opt Options) *Generator {
	if opt.From.IsZero() {
		opt.From = time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if opt.To.IsZero() {
		opt.To = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if opt.MedianWords <= 0 {
		opt.MedianWords = 470
	}
	if opt.TailWords <= 0 {
		opt.TailWords = 60_000
	}
	g := &Generator{opt: opt}
	seedRng := rand.New(rand.NewPCG(opt.Seed, 0x0b5e))
	g.words = append(strings.Fields(headWords), tail(seedRng, opt.TailWords)...)
	// Zipf with exponent ~1.1 over ranks, as in news text: the head
	// vocabulary covers about two thirds of the running words.
	g.cdf = make([]float64, len(g.words))
	sum := 0.0
	for i := range g.words {
		sum += 1 / math.Pow(float64(i+1)+2.7, 1.1)
		g.cdf[i] = sum
	}
	for i := range g.cdf {
		g.cdf[i] /= sum
	}
	g.sources = sources(seedRng)
	g.firstDay = opt.From.Unix() / 86400
	g.days = max(opt.To.Unix()/86400-g.firstDay, 1)
	return g
}

// Sources returns the synthetic outlets articles come from.
func (g *Generator) Sources() []observatory.Source { return g.sources }

// Article returns article number i. The same i gives the same article.
func (g *Generator) Article(i int) observatory.Article {
	g.rng = rand.New(rand.NewPCG(g.opt.Seed^uint64(i)*0x9e3779b97f4a7c15, uint64(i)))
	r := g.rng
	src := g.sources[r.IntN(len(g.sources))]
	day := g.firstDay + r.Int64N(g.days)
	pub := time.Unix(day*86400+r.Int64N(86400), 0).UTC()
	url := fmt.Sprintf("https://%s.example/%d/%08d", src.ID, pub.Year(), i)
	a := observatory.Article{
		ID:         observatory.ArticleID(url),
		URL:        url,
		SourceID:   src.ID,
		SourceName: src.Name,
		Country:    src.Country,
		Medium:     src.Medium,
		Published:  pub,
		Fetched:    pub.Add(time.Duration(r.IntN(7200)) * time.Second),
		Language:   "es",
	}
	if r.IntN(100) < 4 {
		a.Language = "en"
	}

	// topics: which tags this article earns
	migration := r.IntN(1000) < 100
	gender := r.IntN(1000) < 120
	xenophobia := migration && r.IntN(100) < 20
	var topics [][]string
	if migration {
		topics = append(topics, migrationWords)
	}
	if gender {
		topics = append(topics, genderWords)
	}
	if xenophobia {
		topics = append(topics, xenophobiaWords)
	}
	if len(topics) == 0 {
		topics = append(topics, generalTopics[r.IntN(len(generalTopics))])
	}
	if a.Language == "en" {
		a.Title = g.englishSentence(8 + r.IntN(6))
		a.Text = g.englishText(g.length())
	} else {
		a.Title = strings.TrimSuffix(g.sentence(6+r.IntN(9), topics, 0.25), ".")
		a.Text = g.text(g.length(), topics)
	}
	a.Summary = ""
	if r.IntN(3) == 0 {
		a.Authors = []string{g.name() + " " + g.name()}
	}
	if migration {
		a.Tags = append(a.Tags, observatory.TagResult{Tag: observatory.TagMigration, Score: 0.5 + r.Float64()/2,
			Subtags: pickSubtags(r, []string{"labour", "transit", "deportation", "refuge", "trafficking", "remittances"})})
	}
	if gender {
		a.Tags = append(a.Tags, observatory.TagResult{Tag: observatory.TagGender, Score: 0.5 + r.Float64()/2,
			Subtags: pickSubtags(r, []string{"violence", "care-work", "rights", "health"})})
	}
	if xenophobia {
		a.Tags = append(a.Tags, observatory.TagResult{Tag: observatory.TagXenophobia, Score: 0.5 + r.Float64()/2,
			Subtags: pickSubtags(r, []string{"criminalisation", "threat", "dehumanisation"})})
	}
	return a
}

func pickSubtags(r *rand.Rand, from []string) []string {
	n := r.IntN(3)
	out := make([]string, 0, n)
	for range n {
		s := from[r.IntN(len(from))]
		if !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func contains(ss []string, s string) bool {
	for _, v := range ss {
		if v == s {
			return true
		}
	}
	return false
}

// length draws a body length in words: log-normal around the median.
func (g *Generator) length() int {
	n := float64(g.opt.MedianWords) * math.Exp(g.rng.NormFloat64()*0.45)
	return int(math.Max(60, math.Min(n, float64(g.opt.MedianWords)*6)))
}

func (g *Generator) word() string {
	u := g.rng.Float64()
	lo, hi := 0, len(g.cdf)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if g.cdf[mid] < u {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return g.words[lo]
}

// sentence writes n words; a share of topical words and phrases, the
// rest from the general vocabulary, with the odd comma and proper name.
func (g *Generator) sentence(n int, topics [][]string, topical float64) string {
	r := g.rng
	var b strings.Builder
	for i := 0; i < n; i++ {
		var w string
		switch x := r.Float64(); {
		case x < topical:
			t := topics[r.IntN(len(topics))]
			w = t[r.IntN(len(t))]
		case x < topical+0.03:
			w = g.name()
		default:
			w = g.word()
		}
		if i == 0 {
			w = capitalize(w)
		} else {
			b.WriteByte(' ')
		}
		b.WriteString(w)
		if i > 2 && i < n-2 && r.IntN(9) == 0 {
			b.WriteByte(',')
		}
	}
	b.WriteByte('.')
	return b.String()
}

func (g *Generator) text(words int, topics [][]string) string {
	var b strings.Builder
	b.Grow(words * 7)
	written, inPara := 0, 0
	for written < words {
		n := 8 + g.rng.IntN(22)
		if b.Len() > 0 {
			if inPara >= 3+g.rng.IntN(3) {
				b.WriteString("\n\n")
				inPara = 0
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(g.sentence(n, topics, 0.06))
		written += n
		inPara++
	}
	return b.String()
}

func (g *Generator) englishSentence(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		w := englishWords[g.rng.IntN(len(englishWords))]
		if i == 0 {
			w = capitalize(w)
		} else {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	b.WriteByte('.')
	return b.String()
}

func (g *Generator) englishText(words int) string {
	var b strings.Builder
	for written := 0; written < words; {
		n := 8 + g.rng.IntN(20)
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(g.englishSentence(n))
		written += n
	}
	return b.String()
}

func capitalize(w string) string {
	if w == "" {
		return w
	}
	for i, r := range w {
		return strings.ToUpper(string(r)) + w[i+len(string(r)):]
	}
	return w
}

var syllables = strings.Fields("ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo ga go gu la le li lo lu " +
	"ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve vi za zo " +
	"bra bre cla cre dra fla gra gre pla pra pre tra tre lla lle ñe ña que qui gue gui ar er ir or an en in on al el es")

var endings = strings.Fields("o a os as ción ciones miento dad ar er ir ido ado ada ista ismo ero era al ez")

// tail invents rare words: the long tail of a real news vocabulary
// (names of places and people, technical terms, typos).
func tail(r *rand.Rand, n int) []string {
	seen := make(map[string]bool, n)
	out := make([]string, 0, n)
	for len(out) < n {
		k := 1 + r.IntN(3)
		var b strings.Builder
		for range k {
			b.WriteString(syllables[r.IntN(len(syllables))])
		}
		b.WriteString(endings[r.IntN(len(endings))])
		w := b.String()
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

func (g *Generator) name() string {
	k := 2 + g.rng.IntN(2)
	var b strings.Builder
	for range k {
		b.WriteString(syllables[g.rng.IntN(len(syllables))])
	}
	return capitalize(b.String())
}

var countries = []string{"GT", "HN", "SV", "NI", "CR", "PA", "CO", "DO"}

func sources(r *rand.Rand) []observatory.Source {
	media := []string{observatory.MediumPrint, observatory.MediumOnline, observatory.MediumOnline, observatory.MediumTV, observatory.MediumRadio}
	var out []observatory.Source
	for _, c := range countries {
		for i := range 15 {
			out = append(out, observatory.Source{
				ID:      fmt.Sprintf("%s-medio-%02d", strings.ToLower(c), i+1),
				Name:    fmt.Sprintf("Medio %d de %s", i+1, c),
				Country: c,
				Medium:  media[r.IntN(len(media))],
			})
		}
	}
	return out
}
