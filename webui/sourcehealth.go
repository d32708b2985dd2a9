package webui

import (
	"context"
	"slices"
	"time"

	"observatory"
	"observatory/sources"
)

// Health states of a source, as the list filters them.
const (
	stateOK       = "ok"       // read well last time
	stateRetrying = "retrying" // failing, not for long enough to be flagged
	stateFailing  = "failing"  // flagged: failing for days
	stateSilent   = "silent"   // flagged: far fewer articles than usual
	stateNever    = "never"    // not crawled yet
	stateInactive = "inactive" // deactivated
)

func healthStates() []string {
	return []string{stateOK, stateRetrying, stateFailing, stateSilent, stateNever, stateInactive}
}

// historyWeeks is how many weeks of volume the health flags look at: the
// baseline (8 weeks), the last complete week and the current one, with
// room for the first, partial, week of collection.
const historyWeeks = 16

// shownWeeks is how many weeks a source's page shows (the current one last).
const shownWeeks = 9

// sourceRow is a source with its health, as lists and pages show it.
type sourceRow struct {
	Src      observatory.Source
	Health   observatory.SourceHealth
	State    string
	Flags    []sources.HealthFlag
	Weeks    []sources.WeekCount // the last shownWeeks weeks, oldest first, zeros included
	MaxWeek  int                 // the largest of Weeks, for the bars
	LastWeek int                 // articles in the last complete week
	CanEdit  bool
}

// sourceRows adds health to sources: one read of the crawl states and one
// of the per-day counters for all of them.
func (s *Server) sourceRows(ctx context.Context, list []observatory.Source) ([]sourceRow, error) {
	now := s.cfg.Now().UTC()
	thisWeek := sources.WeekStart(now)
	health, err := s.cfg.Store.AllHealth(ctx)
	if err != nil {
		return nil, err
	}
	days, err := s.cfg.Store.ArticlesPerDay(ctx, thisWeek.AddDate(0, 0, -7*historyWeeks))
	if err != nil {
		return nil, err
	}
	rows := make([]sourceRow, len(list))
	for i := range list {
		src := list[i]
		h, ok := health[src.ID]
		if !ok {
			h.SourceID = src.ID
		}
		weekly := weekCounts(days[src.ID])
		row := sourceRow{Src: src, Health: h, Flags: sources.HealthFlags(&src, h, weekly, now, s.cfg.Health)}
		row.State = healthState(&src, h, row.Flags)
		row.Weeks, row.MaxWeek = lastWeeks(weekly, thisWeek, shownWeeks)
		if n := len(row.Weeks); n >= 2 {
			row.LastWeek = row.Weeks[n-2].Articles
		}
		rows[i] = row
	}
	return rows, nil
}

// sourceRow reads one source with its health.
func (s *Server) sourceRow(ctx context.Context, id string) (sourceRow, error) {
	src, err := s.cfg.Store.Source(ctx, id)
	if err != nil {
		return sourceRow{}, err
	}
	rows, err := s.sourceRows(ctx, []observatory.Source{*src})
	if err != nil {
		return sourceRow{}, err
	}
	return rows[0], nil
}

// weekCounts sums per-day counts into weeks (sources.WeekStart), oldest
// first, leaving out weeks without articles.
func weekCounts(days map[time.Time]int) []sources.WeekCount {
	byWeek := make(map[time.Time]int)
	for d, n := range days {
		byWeek[sources.WeekStart(d)] += n
	}
	out := make([]sources.WeekCount, 0, len(byWeek))
	for w, n := range byWeek {
		out = append(out, sources.WeekCount{Week: w, Articles: n})
	}
	slices.SortFunc(out, func(a, b sources.WeekCount) int { return a.Week.Compare(b.Week) })
	return out
}

// lastWeeks returns the n weeks ending with thisWeek, zeros included, and
// the largest count.
func lastWeeks(weekly []sources.WeekCount, thisWeek time.Time, n int) ([]sources.WeekCount, int) {
	out := make([]sources.WeekCount, n)
	most := 0
	for i := range out {
		w := thisWeek.AddDate(0, 0, -7*(n-1-i))
		out[i].Week = w
		for _, c := range weekly {
			if c.Week.Equal(w) {
				out[i].Articles = c.Articles
			}
		}
		most = max(most, out[i].Articles)
	}
	return out, most
}

func healthState(src *observatory.Source, h observatory.SourceHealth, flags []sources.HealthFlag) string {
	switch {
	case !src.Active:
		return stateInactive
	case len(flags) > 0 && flags[0].Kind == sources.FlagFailing:
		return stateFailing
	case len(flags) > 0 && flags[0].Kind == sources.FlagSilent:
		return stateSilent
	case h.LastAttempt.IsZero():
		return stateNever
	case h.ConsecutiveFailures > 0:
		return stateRetrying
	}
	return stateOK
}
