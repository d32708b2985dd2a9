package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"observatory"

	"observatory/classify"
	"observatory/index"
	"observatory/sources"
	"observatory/store"
)

// App holds what a command opened, so that Run closes it in the right
// order whatever the command did: index before store.
type App struct {
	Config Config
	Stdio  Stdio
	Log    *slog.Logger
	getenv func(string) string

	db  *store.DB
	ix  *index.Index
	cls *classify.Classifier
}

func (app *App) storePath() string { return filepath.Join(app.Config.DataDir, "observatory.db") }
func (app *App) indexDir() string  { return filepath.Join(app.Config.DataDir, "index") }
func (app *App) lexiconDir() string {
	return filepath.Join(app.Config.DataDir, "lexicons")
}

// Store opens the store (once), and loads the embedded seed registry into
// a data directory that was never seeded.
func (app *App) Store(ctx context.Context) (*store.DB, error) {
	if app.db != nil {
		return app.db, nil
	}
	db, err := store.Open(app.storePath(), store.Options{})
	if err != nil {
		return nil, err
	}
	seed, err := sources.Seed()
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("seed registry: %w", err)
	}
	seeded, err := db.SeedSources(ctx, seed)
	if err != nil {
		db.Close()
		return nil, err
	}
	if seeded {
		app.Log.Info("new data directory: loaded the seed registry", "data", app.Config.DataDir, "sources", len(seed))
	}
	app.db = db
	return db, nil
}

// Index opens the search index (once). The index is rebuildable: one that
// cannot be opened (damaged, or left half-written) is set aside and a new
// one is filled from the store, unless another process holds it.
func (app *App) Index(ctx context.Context) (*index.Index, error) {
	if app.ix != nil {
		return app.ix, nil
	}
	ix, err := index.Open(app.indexDir(), index.Config{Logger: app.Log})
	if errors.Is(err, observatory.ErrConflict) {
		return nil, fmt.Errorf("%w (%v)", store.ErrLocked, err)
	}
	if err != nil {
		aside := app.indexDir() + ".broken-" + time.Now().UTC().Format("20060102T150405")
		app.Log.Warn("the search index cannot be opened; setting it aside and rebuilding it from the store",
			"err", err, "aside", aside)
		if rerr := os.Rename(app.indexDir(), aside); rerr != nil {
			return nil, fmt.Errorf("index: %w (and setting it aside failed: %v)", err, rerr)
		}
		if ix, err = index.Open(app.indexDir(), index.Config{Logger: app.Log}); err != nil {
			return nil, err
		}
		if app.db != nil {
			n, err := app.db.QueueAllForIndex(ctx)
			if err != nil {
				ix.Close()
				return nil, err
			}
			app.Log.Info("queued every stored article for the new index", "articles", n)
		}
	}
	app.ix = ix
	return ix, nil
}

// Classifier loads the lexicons (once): the embedded ones, overridden by
// files in the data directory's lexicons/ folder.
func (app *App) Classifier() (*classify.Classifier, error) {
	if app.cls != nil {
		return app.cls, nil
	}
	c, err := classify.New(classify.Config{Dir: app.lexiconDir(), Logger: app.Log})
	if err != nil {
		return nil, err
	}
	app.cls = c
	return c, nil
}

// Close closes what the command opened: index first, then store.
func (app *App) Close() error {
	var errs []error
	if app.ix != nil {
		errs = append(errs, app.ix.Close())
		app.ix = nil
	}
	if app.db != nil {
		errs = append(errs, app.db.Close())
		app.db = nil
	}
	return errors.Join(errs...)
}
