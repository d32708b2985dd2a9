package crawler

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"observatory"
)

func TestJittered(t *testing.T) {
	s, _ := cron.ParseStandard("*/30 * * * *")
	j := jittered{s, 3 * time.Minute}
	at := func(h, m int) time.Time { return time.Date(2026, 11, 20, h, m, 0, 0, time.UTC) }
	for _, tc := range []struct{ now, want time.Time }{
		{at(10, 2), at(10, 3)},
		{at(10, 3), at(10, 33)},
		{at(10, 31), at(10, 33)},
		{at(10, 59), at(11, 3)},
	} {
		if got := j.Next(tc.now); !got.Equal(tc.want) {
			t.Errorf("Next(%s): got %s, want %s", tc.now.Format("15:04"), got.Format("15:04"), tc.want.Format("15:04"))
		}
	}
}

// 200 sources on one schedule do not fire in the same second.
func TestJitterSpreads(t *testing.T) {
	c := newCrawler(t, testConfig(openStore(t)))
	s, _ := cron.ParseStandard("*/30 * * * *")
	seconds := make(map[time.Duration]int)
	for i := range 200 {
		off := c.jitterFor(fmt.Sprintf("cr-fuente-%d", i), s)
		if off < 0 || off >= 10*time.Minute {
			t.Fatalf("offset %v outside [0, 10m)", off)
		}
		seconds[off.Truncate(time.Second)]++
		if again := c.jitterFor(fmt.Sprintf("cr-fuente-%d", i), s); again != off {
			t.Fatalf("offset not stable: %v then %v", off, again)
		}
	}
	most := 0
	for _, n := range seconds {
		most = max(most, n)
	}
	if most > 3 {
		t.Errorf("%d sources fire in the same second, want at most 3", most)
	}
	every, _ := cron.ParseStandard("@every 1m")
	if off := c.jitterFor("x", every); off >= time.Minute {
		t.Errorf("offset %v not below the 1-minute period", off)
	}
}

// The schedule follows source edits: new sources are added, a changed
// spec replaces the entry, deactivated and deleted sources are removed.
func TestScheduleFollowsEdits(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	c := newCrawler(t, testConfig(db))
	a := addSource(t, db, "Fuente A", "https://a.example/feed")
	b := addSource(t, db, "Fuente B", "https://b.example/feed")
	sched := cron.New(cron.WithParser(c.parser))
	entries := make(map[string]scheduled)
	c.syncSchedule(ctx, sched, entries)
	if len(sched.Entries()) != 2 || entries[a.ID].spec != "*/30 * * * *" {
		t.Fatalf("got %d entries, %+v; want 2 on the default schedule", len(sched.Entries()), entries)
	}
	oldID := entries[a.ID].id
	a.Schedule = "0 * * * *"
	if err := db.UpdateSource(ctx, a, "test"); err != nil {
		t.Fatal(err)
	}
	b.Active = false
	if err := db.UpdateSource(ctx, b, "test"); err != nil {
		t.Fatal(err)
	}
	cc := addSource(t, db, "Fuente C", "https://c.example/feed")
	c.syncSchedule(ctx, sched, entries)
	if len(sched.Entries()) != 2 || entries[a.ID].spec != "0 * * * *" || entries[a.ID].id == oldID {
		t.Errorf("after edits: got %+v, want A rescheduled hourly and C added", entries)
	}
	if _, ok := entries[b.ID]; ok {
		t.Error("the deactivated source is still scheduled")
	}
	a.Feeds = []string{"https://a.example/nuevo-feed"}
	if err := db.UpdateSource(ctx, a, "test"); err != nil {
		t.Fatal(err)
	}
	sameID := entries[a.ID].id
	c.syncSchedule(ctx, sched, entries)
	if e := entries[a.ID]; e.id != sameID || e.src.Load().Feeds[0] != "https://a.example/nuevo-feed" {
		t.Errorf("after a feed edit: got entry %d with feeds %v, want entry %d kept with the new feed", e.id, e.src.Load().Feeds, sameID)
	}
	if err := db.DeleteSource(ctx, cc.ID); err != nil {
		t.Fatal(err)
	}
	c.syncSchedule(ctx, sched, entries)
	if len(sched.Entries()) != 1 {
		t.Errorf("after deleting C: got %d entries, want 1", len(sched.Entries()))
	}
}

// Run crawls on schedule and returns, its jobs ended, when cancelled.
func TestRunSchedulesAndStops(t *testing.T) {
	db := openStore(t)
	o := newOutlet(t, "testdata/outlet")
	addSource(t, db, "Diario", o.URL+"/feed.xml")
	cfg := testConfig(db)
	cfg.Schedule = "@every 1s"
	saved := make(chan int, 10)
	cfg.Saved = func(n int) { saved <- n }
	c := newCrawler(t, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- c.Run(ctx) }()
	select {
	case n := <-saved:
		if n != 3 {
			t.Errorf("first scheduled run saved %d, want 3", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no scheduled crawl within 10 s")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

// A source already being crawled is skipped, not stacked; a scheduled
// run waits for the source's NextAttempt; an explicit run does not.
func TestSkipWhileRunningAndBackoff(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	o := newOutlet(t, "testdata/outlet")
	src := addSource(t, db, "Diario", o.URL+"/feed.xml")
	c := newCrawler(t, testConfig(db))

	if !c.tryStart(src.ID) {
		t.Fatal("tryStart on an idle source failed")
	}
	if sum := c.crawlGuarded(ctx, src, true); !strings.Contains(sum.Skipped, "already running") || sum.New != 0 {
		t.Errorf("while running: got %+v, want skipped", sum)
	}
	c.finish(src.ID)

	future := time.Now().Add(time.Hour)
	if err := db.PutHealth(ctx, observatory.SourceHealth{SourceID: src.ID, NextAttempt: future}); err != nil {
		t.Fatal(err)
	}
	if sum := c.crawlGuarded(ctx, src, true); !strings.Contains(sum.Skipped, "waiting") {
		t.Errorf("scheduled during backoff: got %+v, want skipped", sum)
	}
	if o.count("/feed.xml") != 0 {
		t.Error("the feed was fetched during backoff")
	}
	if sum := c.crawlGuarded(ctx, src, false); sum.New != 3 {
		t.Errorf("explicit run during backoff: got %+v, want 3 new", sum)
	}
}

// A panic while crawling one source is recovered, counted and recorded;
// the other sources of the cycle are unaffected.
func TestPanicRecovered(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	good := newOutlet(t, "testdata/outlet")
	bad := newOutlet(t, "testdata/win1252")
	goodSrc := addSource(t, db, "Bueno", good.URL+"/feed.xml")
	badSrc := addSource(t, db, "Malo", bad.URL+"/feed.xml")
	cfg := testConfig(db)
	cfg.Process = func(_ context.Context, a *observatory.Article) {
		if a.SourceID == badSrc.ID {
			panic("classifier bug")
		}
	}
	c := newCrawler(t, cfg)
	sums, err := c.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sums {
		switch s.SourceID {
		case goodSrc.ID:
			if s.New != 3 || s.Err != "" {
				t.Errorf("good source: got %+v, want 3 new", s)
			}
		case badSrc.ID:
			if !strings.Contains(s.Err, "classifier bug") {
				t.Errorf("panicking source: got %+v, want the panic reported", s)
			}
		}
	}
	if c.Panics() != 1 {
		t.Errorf("got %d panics counted, want 1", c.Panics())
	}
	h, _ := db.Health(ctx, badSrc.ID)
	if h.ConsecutiveFailures != 1 || !strings.Contains(h.LastError, "internal crawler error") {
		t.Errorf("health: got %+v, want one failure with the reason", h)
	}
	// The source can run again: the panic released it.
	if !c.tryStart(badSrc.ID) {
		t.Error("the panicking source is still marked running")
	}
}

func TestAdaptivePolling(t *testing.T) {
	c := newCrawler(t, testConfig(openStore(t)))
	start := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	src := &observatory.Source{ID: "x", Feeds: []string{"https://x.example/feed"}}
	for _, tc := range []struct {
		name    string
		quiet   time.Duration // since the feed last brought something new
		ttl     time.Duration
		pollMax string        // the source's own bound
		wantGap time.Duration // from start to NextAttempt
	}{
		{"busy feed: every tick", 0, 0, "", 0},
		{"quiet 1 h: still every tick", time.Hour, 0, "", 0},
		{"quiet 8 h: every 2 h", 8 * time.Hour, 0, "", 2*time.Hour - 15*time.Minute},
		{"quiet 10 days: the 12 h default bound", 240 * time.Hour, 0, "", 12*time.Hour - 15*time.Minute},
		{"quiet 10 days: the source's 3 h bound", 240 * time.Hour, 0, "3h", 3*time.Hour - 15*time.Minute},
		{"TTL 3 h on a busy feed", 0, 3 * time.Hour, "", 3*time.Hour - 15*time.Minute},
		{"TTL of a week: the 12 h bound", 0, 7 * 24 * time.Hour, "", 12*time.Hour - 15*time.Minute},
	} {
		src.PollMax = tc.pollMax
		r := &run{src: src, start: start, ttl: tc.ttl, health: observatory.SourceHealth{Feeds: map[string]observatory.FeedState{
			"https://x.example/feed": {LastChanged: start.Add(-tc.quiet)},
		}}}
		if got := c.nextPoll(r).Sub(start); got != tc.wantGap {
			t.Errorf("%s: next poll in %v, want %v", tc.name, got, tc.wantGap)
		}
	}
}

// Cancelled while a job is fetching, Run waits for the job to end (the
// job sees the cancellation at once) and returns; the interrupted run is
// not counted as the outlet's failure.
func TestRunStopsMidJob(t *testing.T) {
	db := openStore(t)
	entered := make(chan struct{}, 1)
	o := syntheticOutlet(t, 3, func(w http.ResponseWriter, r *http.Request, k int) bool {
		if k == 2 {
			entered <- struct{}{}
			<-r.Context().Done()
			return false
		}
		return true
	})
	src := addSource(t, db, "Lento", o.URL+"/feed.xml")
	cfg := testConfig(db)
	cfg.Schedule = "@every 1s"
	cfg.FetchTimeout = time.Minute
	c := newCrawler(t, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- c.Run(ctx) }()
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the scheduled job never fetched item 2")
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	// The job recorded its outcome before Run returned.
	h, _ := db.Health(context.Background(), src.ID)
	if h.ConsecutiveFailures != 0 || h.LastAttempt.IsZero() {
		t.Errorf("health after an interrupted run: got %+v, want the attempt recorded and no failure", h)
	}
	if n, _ := db.CountArticles(context.Background()); n != 1 {
		t.Errorf("got %d articles, want the 1 stored before the interruption", n)
	}
}
