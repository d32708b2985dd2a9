package store

import (
	"errors"
	"time"

	"github.com/robfig/cron/v3"

	"observatory"
)

// scheduleParser reads cron specs as the crawler does: five fields, or a
// descriptor such as @hourly or @every 45m.
var scheduleParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// validateSource is Source.Validate plus what the root package cannot
// check with the standard library alone: that the crawl schedule is a cron
// spec the crawler understands.
func validateSource(s *observatory.Source) error {
	err := s.Validate()
	if s.Schedule == "" {
		return err
	}
	msg := ""
	if sched, perr := scheduleParser.Parse(s.Schedule); perr != nil {
		msg = "programación no válida: use cron de cinco campos (minuto hora día mes día-semana), p. ej. */30 * * * *, o @every 1h / invalid schedule: use a five-field cron spec (minute hour day month weekday), e.g. */30 * * * *, or @every 1h"
	} else if tooOften(sched) {
		msg = "demasiado frecuente: como mucho cada 5 minutos / too frequent: at most every 5 minutes"
	}
	if msg == "" {
		return err
	}
	var v *observatory.ValidationError
	if !errors.As(err, &v) {
		v = &observatory.ValidationError{}
	}
	v.Add("schedule", msg)
	return v
}

// MinCrawlInterval is the shortest gap a source's schedule may leave
// between two crawls: outlets are read politely.
const MinCrawlInterval = 5 * time.Minute

// tooOften reports whether sched fires twice within MinCrawlInterval
// anywhere in a sample week.
func tooOften(sched cron.Schedule) bool {
	t := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	end := t.AddDate(0, 0, 7)
	prev := sched.Next(t)
	for i := 0; i < 2100 && prev.Before(end); i++ { // a week at 5-minute steps
		next := sched.Next(prev)
		if next.Sub(prev) < MinCrawlInterval {
			return true
		}
		prev = next
	}
	return false
}
