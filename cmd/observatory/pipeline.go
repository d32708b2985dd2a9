package main

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"observatory"
	"observatory/classify"
	"observatory/index"
	"observatory/store"
)

// tagger returns the crawler's Process hook: classify each new article
// before it is stored, recording the lexicon version.
func tagger(c *classify.Classifier) func(context.Context, *observatory.Article) {
	return func(_ context.Context, a *observatory.Article) {
		res := c.Classify(a.Title, a.Text)
		a.Tags, a.LexiconVersion = res.Tags, res.LexiconVersion
	}
}

// indexer keeps the search index caught up with the store's "to index"
// log: at start (articles stored but not indexed before a crash), whenever
// Wake is called, and once a minute in case a wake-up was missed.
type indexer struct {
	ix   *index.Index
	db   *store.DB
	log  *slog.Logger
	wake chan struct{}
}

func newIndexer(ix *index.Index, db *store.DB, log *slog.Logger) *indexer {
	return &indexer{ix: ix, db: db, log: log, wake: make(chan struct{}, 1)}
}

// catchUp drains the log once. A panic in indexing is recovered and
// reported as an error, so the server stays up; the entries stay queued
// and are retried at the next wake-up or tick.
func (x *indexer) catchUp(ctx context.Context) (n int, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("indexing panicked: %v\n%s", p, debug.Stack())
		}
	}()
	return x.ix.CatchUp(ctx, x.db)
}

// Wake asks for a catch-up soon; it never blocks.
func (x *indexer) Wake(int) {
	select {
	case x.wake <- struct{}{}:
	default:
	}
}

// Run catches up until ctx ends, and returns after its last catch-up.
func (x *indexer) Run(ctx context.Context) {
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		n, err := x.catchUp(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			x.log.Error("indexing", "err", err)
		case n > 0:
			x.log.Info("indexed", "articles", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-x.wake:
		case <-tick.C:
		}
	}
}

// watchedStore is the store as the web UI sees it: source edits made
// there also tell the crawl scheduler to reread the sources at once,
// instead of at its next periodic refresh.
type watchedStore struct {
	*store.DB
	changed func()
}

func (w watchedStore) CreateSource(ctx context.Context, s *observatory.Source, by string) error {
	err := w.DB.CreateSource(ctx, s, by)
	if err == nil {
		w.changed()
	}
	return err
}

func (w watchedStore) UpdateSourceGuarded(ctx context.Context, s *observatory.Source, by string, guard func(*observatory.Source) error) error {
	err := w.DB.UpdateSourceGuarded(ctx, s, by, guard)
	if err == nil {
		w.changed()
	}
	return err
}

func (w watchedStore) DeleteSourceGuarded(ctx context.Context, id, by string, guard func(*observatory.Source) error) error {
	err := w.DB.DeleteSourceGuarded(ctx, id, by, guard)
	if err == nil {
		w.changed()
	}
	return err
}
