package sources

import (
	"fmt"
	"slices"
	"time"

	"observatory"
)

// WeekCount is how many articles of a source belong to one week.
type WeekCount struct {
	Week     time.Time `json:"week"` // Monday 00:00 UTC that starts the week (WeekStart)
	Articles int       `json:"articles"`
}

// WeekStart returns the Monday 00:00 UTC that starts t's ISO week.
func WeekStart(t time.Time) time.Time {
	t = t.UTC()
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// WeeklyCounts groups article dates by week, oldest first. The dates to
// give are when each article was published (when it was fetched if the
// date is unknown), so the backlog a first crawl collects falls in the
// weeks it belongs to.
func WeeklyCounts(dates []time.Time) []WeekCount {
	counts := make(map[time.Time]int)
	for _, d := range dates {
		if !d.IsZero() {
			counts[WeekStart(d)]++
		}
	}
	out := make([]WeekCount, 0, len(counts))
	for w, n := range counts {
		out = append(out, WeekCount{Week: w, Articles: n})
	}
	slices.SortFunc(out, func(a, b WeekCount) int { return a.Week.Compare(b.Week) })
	return out
}

// HealthPolicy holds the thresholds of HealthFlags; a zero field takes the
// default given.
type HealthPolicy struct {
	// A source fails when its reads have failed for FailingAfter (3 days)
	// and at least MinFailures (3) times in a row.
	FailingAfter time.Duration
	MinFailures  int
	// LongFailing (14 days) adds the advice to fix or deactivate it.
	LongFailing time.Duration
	// A source is silent when its last complete week brought fewer than
	// SilentRatio (0.25) times its usual weekly volume: the median of up
	// to BaselineWeeks (8) weeks before, judged only with MinHistory (4)
	// such weeks and a usual volume of at least MinUsual (5) a week.
	SilentRatio   float64
	BaselineWeeks int
	MinHistory    int
	MinUsual      float64
}

func (p HealthPolicy) withDefaults() HealthPolicy {
	def := func(v *float64, d float64) {
		if *v <= 0 {
			*v = d
		}
	}
	defInt := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	if p.FailingAfter <= 0 {
		p.FailingAfter = 72 * time.Hour
	}
	if p.LongFailing <= 0 {
		p.LongFailing = 14 * 24 * time.Hour
	}
	defInt(&p.MinFailures, 3)
	defInt(&p.BaselineWeeks, 8)
	defInt(&p.MinHistory, 4)
	def(&p.SilentRatio, 0.25)
	def(&p.MinUsual, 5)
	return p
}

// Kinds of HealthFlag.
const (
	FlagFailing = "failing" // reads have failed for days
	FlagSilent  = "silent"  // reads work but bring far fewer articles than usual
)

// HealthFlag is a problem a coordinator should look at, with the message
// shown on their page (Spanish / English).
type HealthFlag struct {
	Kind    string    `json:"kind"`
	Since   time.Time `json:"since"`
	Message string    `json:"message"`
}

// HealthFlags says whether src needs a coordinator's attention, from its
// crawl state h and its weekly article counts (WeeklyCounts; weeks without
// articles may be left out), as of now. An inactive source has no flags;
// a failing source is not also called silent, since its failure explains
// the silence. It is a pure function.
func HealthFlags(src *observatory.Source, h observatory.SourceHealth, weeks []WeekCount, now time.Time, p HealthPolicy) []HealthFlag {
	if !src.Active {
		return nil
	}
	p = p.withDefaults()
	if f, ok := failing(src, h, p); ok {
		return []HealthFlag{f}
	}
	if f, ok := silent(weeks, now, p); ok {
		return []HealthFlag{f}
	}
	return nil
}

func failing(src *observatory.Source, h observatory.SourceHealth, p HealthPolicy) (HealthFlag, bool) {
	if h.ConsecutiveFailures < p.MinFailures || h.LastAttempt.IsZero() {
		return HealthFlag{}, false
	}
	since := h.LastSuccess
	never := since.IsZero()
	if never {
		since = src.CreatedAt // the reads have failed since the source was registered
	}
	if since.IsZero() || h.LastAttempt.Sub(since) < p.FailingAfter {
		return HealthFlag{}, false
	}
	days := int(h.LastAttempt.Sub(since).Hours() / 24)
	var es, en string
	if never {
		es = fmt.Sprintf("No se ha podido leer nunca: %d intentos fallidos seguidos en %d días desde que se registró.", h.ConsecutiveFailures, days)
		en = fmt.Sprintf("Never read: %d failed attempts in a row over the %d days since it was registered.", h.ConsecutiveFailures, days)
	} else {
		es = fmt.Sprintf("Falla desde hace %d días (%d intentos seguidos; última lectura correcta el %s).", days, h.ConsecutiveFailures, h.LastSuccess.UTC().Format(time.DateOnly))
		en = fmt.Sprintf("Failing for %d days (%d attempts in a row; last good read on %s).", days, h.ConsecutiveFailures, h.LastSuccess.UTC().Format(time.DateOnly))
	}
	if h.LastError != "" {
		es += " Último error: " + h.LastError + "."
		en += " Last error: " + h.LastError + "."
	}
	if h.LastAttempt.Sub(since) >= p.LongFailing {
		es += " Revise la dirección del feed (pruebe la fuente o busque sus feeds) o desactívela."
		en += " Check the feed address (test the source or discover its feeds) or deactivate it."
	}
	return HealthFlag{Kind: FlagFailing, Since: since, Message: es + " / " + en}, true
}

func silent(weeks []WeekCount, now time.Time, p HealthPolicy) (HealthFlag, bool) {
	if len(weeks) == 0 {
		return HealthFlag{}, false
	}
	counts := make(map[time.Time]int, len(weeks))
	first := WeekStart(weeks[0].Week)
	for _, w := range weeks {
		ws := WeekStart(w.Week)
		counts[ws] += w.Articles
		if ws.Before(first) {
			first = ws
		}
	}
	week := func(back int, from time.Time) time.Time { return from.AddDate(0, 0, -7*back) }
	last := week(1, WeekStart(now)) // the last complete week
	// The usual volume: the weeks before the last one, after the first
	// week of collection (often partial).
	var base []int
	for i := 1; i <= p.BaselineWeeks; i++ {
		w := week(i, last)
		if !w.After(first) {
			break
		}
		base = append(base, counts[w])
	}
	if len(base) < p.MinHistory {
		return HealthFlag{}, false
	}
	usual := median(base)
	limit := usual * p.SilentRatio
	if usual < p.MinUsual || float64(counts[last]) >= limit {
		return HealthFlag{}, false
	}
	since := last // the start of the run of quiet weeks
	for w := week(1, last); w.After(first) && float64(counts[w]) < limit; w = week(1, w) {
		since = w
	}
	day := last.Format(time.DateOnly)
	es := fmt.Sprintf("Volumen muy por debajo de lo habitual: %d artículos la semana del %s frente a una mediana de %s por semana en las %d semanas anteriores.",
		counts[last], day, formatCount(usual), len(base))
	en := fmt.Sprintf("Weekly volume far below usual: %d articles in the week of %s against a median of %s a week over the previous %d weeks.",
		counts[last], day, formatCount(usual), len(base))
	if since.Before(last) {
		es += fmt.Sprintf(" Así desde la semana del %s.", since.Format(time.DateOnly))
		en += fmt.Sprintf(" So since the week of %s.", since.Format(time.DateOnly))
	}
	es += " Puede que el feed haya cambiado de dirección o que el sitio nos bloquee: revíselo antes de leer este silencio como falta de cobertura."
	en += " The feed may have moved or the site may be blocking us: check it before reading this silence as a lack of coverage."
	return HealthFlag{Kind: FlagSilent, Since: since, Message: es + " / " + en}, true
}

func median(v []int) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return float64(s[n/2])
	}
	return float64(s[n/2-1]+s[n/2]) / 2
}

func formatCount(f float64) string {
	if f == float64(int(f)) {
		return fmt.Sprint(int(f))
	}
	return fmt.Sprintf("%.1f", f)
}
