package crawler

import (
	"context"
	"hash/fnv"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"

	"observatory"
)

// Run is the scheduler: each active source is crawled on its own cron
// schedule (Source.Schedule, or Config.Schedule), shifted by a jitter
// fixed per source so that many sources do not fire in the same second.
// A source whose previous run is still going is skipped, not stacked; a
// panic in one source's job is recovered, logged and counted; backoff and
// adaptive polling (SourceHealth.NextAttempt) are honoured. Schedules
// follow source edits: the sources are reread every Config.Refresh, or at
// once after Reload. Run returns when ctx is cancelled and every job it
// started has ended.
func (c *Crawler) Run(ctx context.Context) error {
	sched := cron.New(
		cron.WithLocation(c.cfg.Location),
		cron.WithParser(c.parser),
		cron.WithLogger(cronLogger{c}),
		cron.WithChain(cron.Recover(cronLogger{c})),
	)
	entries := make(map[string]scheduled)
	c.syncSchedule(ctx, sched, entries)
	sched.Start()
	tick := time.NewTicker(c.cfg.Refresh)
	defer tick.Stop()
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-tick.C:
			c.syncSchedule(ctx, sched, entries)
		case <-c.reload:
			c.syncSchedule(ctx, sched, entries)
		}
	}
	<-sched.Stop().Done() // waits for running jobs, which see ctx cancelled
	return nil
}

// Reload makes a running scheduler reread the sources now (after a source
// was added, edited or removed).
func (c *Crawler) Reload() {
	select {
	case c.reload <- struct{}{}:
	default:
	}
}

type scheduled struct {
	id   cron.EntryID
	spec string
	src  *atomic.Pointer[observatory.Source] // the job's source, replaced on edits
}

func (c *Crawler) specOf(src *observatory.Source) string {
	if src.Schedule != "" {
		return src.Schedule
	}
	return c.cfg.Schedule
}

// syncSchedule adds, replaces and removes cron entries to match the
// active sources.
func (c *Crawler) syncSchedule(ctx context.Context, sched *cron.Cron, entries map[string]scheduled) {
	srcs, err := c.cfg.Store.Sources(ctx, observatory.SourceFilter{ActiveOnly: true})
	if err != nil {
		if ctx.Err() == nil {
			c.log.Error("scheduler: list sources", "err", err)
		}
		return
	}
	active := make(map[string]bool, len(srcs))
	for i := range srcs {
		src := &srcs[i]
		active[src.ID] = true
		spec := c.specOf(src)
		if e, ok := entries[src.ID]; ok && e.spec == spec {
			cp := *src
			e.src.Store(&cp) // follow other edits (feeds, name) in place
			continue
		} else if ok {
			sched.Remove(e.id)
		}
		s, err := c.parser.Parse(spec)
		if err != nil {
			c.log.Warn("scheduler: invalid schedule, using the default", "source_id", src.ID, "schedule", spec, "err", err)
			s, _ = c.parser.Parse(c.cfg.Schedule)
		}
		s = jittered{s, c.jitterFor(src.ID, s)}
		held := new(atomic.Pointer[observatory.Source])
		cp := *src
		held.Store(&cp)
		id := sched.Schedule(s, cron.FuncJob(func() { c.scheduledJob(ctx, *held.Load()) }))
		entries[src.ID] = scheduled{id: id, spec: spec, src: held}
	}
	for id, e := range entries {
		if !active[id] {
			sched.Remove(e.id)
			delete(entries, id)
		}
	}
}

func (c *Crawler) scheduledJob(ctx context.Context, s observatory.Source) {
	if ctx.Err() != nil {
		return
	}
	sum := c.crawlGuarded(ctx, &s, true)
	if sum.Skipped == "" {
		c.log.Info("crawled", "source_id", s.ID, "items", sum.Items, "new", sum.New, "known", sum.Known,
			"failed", sum.Failed, "error", sum.Err, "duration", sum.Duration.Round(time.Millisecond))
	}
}

// jitterFor is a fixed offset per source, below both Config.Jitter and the
// schedule's period.
func (c *Crawler) jitterFor(id string, s cron.Schedule) time.Duration {
	now := time.Now().In(c.cfg.Location)
	a := s.Next(now)
	limit := min(c.cfg.Jitter, s.Next(a).Sub(a))
	if limit <= 0 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(id))
	return time.Duration(h.Sum64() % uint64(limit))
}

// jittered shifts a schedule later by a fixed offset.
type jittered struct {
	inner  cron.Schedule
	offset time.Duration
}

func (j jittered) Next(t time.Time) time.Time {
	return j.inner.Next(t.Add(-j.offset)).Add(j.offset)
}

// cronLogger sends cron's own messages to the crawler's logger.
type cronLogger struct{ c *Crawler }

func (l cronLogger) Info(msg string, kv ...any) { l.c.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.c.log.Error("cron: "+msg, append(kv, "err", err)...)
}
