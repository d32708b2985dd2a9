package sources_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"observatory"
	"observatory/sources"
)

func TestWeekStart(t *testing.T) {
	gmt6 := time.FixedZone("GMT-6", -6*3600)
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2026, 11, 19, 12, 0, 0, 0, time.UTC), "2026-11-16"},  // Thursday
		{time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC), "2026-11-16"},   // Monday midnight
		{time.Date(2026, 11, 22, 23, 59, 0, 0, time.UTC), "2026-11-16"}, // Sunday night
		{time.Date(2026, 11, 15, 20, 0, 0, 0, gmt6), "2026-11-16"},      // Sunday evening in Central America is Monday in UTC
		{time.Date(2027, 1, 1, 8, 0, 0, 0, time.UTC), "2026-12-28"},     // across a year
	}
	for _, tt := range tests {
		got := sources.WeekStart(tt.in)
		if got.Format(time.DateOnly) != tt.want || got.Weekday() != time.Monday || got.Location() != time.UTC {
			t.Errorf("WeekStart(%v) = %v, want Monday %s UTC", tt.in, got, tt.want)
		}
	}
}

func TestWeeklyCounts(t *testing.T) {
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	got := sources.WeeklyCounts([]time.Time{d("2026-11-18"), d("2026-11-02"), d("2026-11-16"), {}, d("2026-11-08")})
	want := []sources.WeekCount{{Week: d("2026-11-02"), Articles: 2}, {Week: d("2026-11-16"), Articles: 2}}
	if !slices.EqualFunc(got, want, func(a, b sources.WeekCount) bool { return a.Week.Equal(b.Week) && a.Articles == b.Articles }) {
		t.Errorf("WeeklyCounts = %v, want %v", got, want)
	}
}

func TestHealthFlags(t *testing.T) {
	now := time.Date(2026, 11, 19, 12, 0, 0, 0, time.UTC) // Thursday; last complete week starts 2026-11-09
	day := 24 * time.Hour
	monday := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	// history gives weekly counts ending with the last complete week
	// (2026-11-09); zero weeks are left out, as WeeklyCounts leaves them.
	history := func(counts ...int) []sources.WeekCount {
		var out []sources.WeekCount
		last := monday("2026-11-09")
		for i, n := range counts {
			if n > 0 {
				out = append(out, sources.WeekCount{Week: last.AddDate(0, 0, -7*(len(counts)-1-i)), Articles: n})
			}
		}
		return out
	}
	steady := history(25, 30, 28, 31, 30, 29, 33, 30, 27)
	ok := observatory.SourceHealth{LastAttempt: now.Add(-time.Hour), LastSuccess: now.Add(-time.Hour)}
	failingFor := func(d time.Duration, n int) observatory.SourceHealth {
		return observatory.SourceHealth{LastAttempt: now, LastSuccess: now.Add(-d), ConsecutiveFailures: n,
			LastError: "acceso denegado (HTTP 403) / access denied (HTTP 403)"}
	}
	active := observatory.Source{Active: true, CreatedAt: now.Add(-120 * day)}

	tests := []struct {
		name     string
		src      observatory.Source
		h        observatory.SourceHealth
		weeks    []sources.WeekCount
		kind     string // "" when no flag
		since    time.Time
		contains []string
	}{
		{name: "healthy", src: active, h: ok, weeks: steady},
		{name: "inactive sources are not flagged", src: observatory.Source{}, h: failingFor(30*day, 200), weeks: history(30, 30, 30, 30, 30, 0)},
		{name: "failing for four days", src: active, h: failingFor(4*day, 12), weeks: steady, kind: sources.FlagFailing, since: now.Add(-4 * day),
			contains: []string{"Falla desde hace 4 días (12 intentos seguidos; última lectura correcta el 2026-11-15)", "Último error: acceso denegado (HTTP 403)", " / Failing for 4 days"}},
		{name: "failing for two days is not yet a flag", src: active, h: failingFor(2*day, 96), weeks: steady},
		{name: "days of backoff but few attempts", src: active, h: failingFor(5*day, 2), weeks: steady},
		{name: "failing for three weeks: advice", src: active, h: failingFor(21*day, 300), weeks: steady, kind: sources.FlagFailing, since: now.Add(-21 * day),
			contains: []string{"Falla desde hace 21 días", "desactívela", "deactivate it"}},
		{name: "never read since registered", src: observatory.Source{Active: true, CreatedAt: now.Add(-10 * day)},
			h: observatory.SourceHealth{LastAttempt: now, ConsecutiveFailures: 40, LastError: "no existe (HTTP 404)"}, kind: sources.FlagFailing, since: now.Add(-10 * day),
			contains: []string{"No se ha podido leer nunca: 40 intentos fallidos seguidos en 10 días", "Never read"}},
		{name: "new source failing for a day", src: observatory.Source{Active: true, CreatedAt: now.Add(-day)},
			h: observatory.SourceHealth{LastAttempt: now, ConsecutiveFailures: 40}},
		{name: "gone silent last week", src: active, h: ok, weeks: history(25, 24, 30, 28, 31, 30, 29, 33, 30, 2), kind: sources.FlagSilent, since: monday("2026-11-09"),
			contains: []string{"2 artículos la semana del 2026-11-09 frente a una mediana de 30 por semana en las 8 semanas anteriores", "falta de cobertura", "Weekly volume far below usual"}},
		{name: "silent for two weeks, zero weeks left out", src: active, h: ok, weeks: history(25, 24, 30, 28, 31, 30, 29, 33, 1, 0), kind: sources.FlagSilent, since: monday("2026-11-02"),
			contains: []string{"0 artículos la semana del 2026-11-09", "mediana de 29.5", "Así desde la semana del 2026-11-02"}},
		{name: "a quiet week is not silence", src: active, h: ok, weeks: history(25, 30, 28, 31, 30, 29, 33, 30, 10)},
		{name: "small outlets are not judged", src: active, h: ok, weeks: history(3, 4, 2, 3, 4, 3, 0)},
		{name: "too little history", src: active, h: ok, weeks: history(40, 30, 30, 0)},
		{name: "the first week (partial, or a backlog) is not history", src: active, h: ok, weeks: history(500, 20, 22, 19, 2)},
		{name: "the current week, still running, is not judged", src: active, h: ok, weeks: steady},
		{name: "failing explains the silence", src: active, h: failingFor(9*day, 400), weeks: history(25, 30, 28, 31, 30, 29, 33, 30, 0), kind: sources.FlagFailing, since: now.Add(-9 * day)},
		{name: "no history at all", src: active, h: ok},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sources.HealthFlags(&tt.src, tt.h, tt.weeks, now, sources.HealthPolicy{})
			if tt.kind == "" {
				if len(got) != 0 {
					t.Errorf("got %+v, want no flag", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("got %d flags %+v, want one %s flag", len(got), got, tt.kind)
			}
			f := got[0]
			if f.Kind != tt.kind || !f.Since.Equal(tt.since) {
				t.Errorf("got %s since %v, want %s since %v", f.Kind, f.Since, tt.kind, tt.since)
			}
			for _, s := range tt.contains {
				if !strings.Contains(f.Message, s) {
					t.Errorf("message %q\nlacks %q", f.Message, s)
				}
			}
			if es, en, ok := strings.Cut(f.Message, " / "); !ok || es == "" || en == "" {
				t.Errorf("message %q is not Spanish / English", f.Message)
			}
		})
	}
}

func TestHealthPolicyOverrides(t *testing.T) {
	now := time.Date(2026, 11, 19, 12, 0, 0, 0, time.UTC)
	src := observatory.Source{Active: true}
	h := observatory.SourceHealth{LastAttempt: now, LastSuccess: now.Add(-30 * time.Hour), ConsecutiveFailures: 5}
	if got := sources.HealthFlags(&src, h, nil, now, sources.HealthPolicy{}); len(got) != 0 {
		t.Errorf("default policy: got %+v, want none after 30 hours", got)
	}
	if got := sources.HealthFlags(&src, h, nil, now, sources.HealthPolicy{FailingAfter: 24 * time.Hour}); len(got) != 1 {
		t.Errorf("FailingAfter 24h: got %+v, want a failing flag", got)
	}
}
