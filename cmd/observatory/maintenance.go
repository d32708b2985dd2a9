package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"observatory"
	"observatory/store"
)

func runReindex(ctx context.Context, app *App, args []string) error {
	if _, err := parseFlags(newFlags(app, "reindex"), args); err != nil {
		return err
	}
	db, err := app.Store(ctx)
	if err != nil {
		return err
	}
	ix, err := app.Index(ctx)
	if err != nil {
		return err
	}
	total, err := db.CountArticles(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	last := start
	err = ix.Rebuild(ctx, db, func(done int) {
		if time.Since(last) >= 2*time.Second || done == total {
			last = time.Now()
			fmt.Fprintf(app.Stdio.Err, "reindex: %d/%d articles\n", done, total)
		}
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdio.Out, "reindexed %d articles in %s\n", total, time.Since(start).Round(time.Millisecond))
	return nil
}

func runReclassify(ctx context.Context, app *App, args []string) error {
	if _, err := parseFlags(newFlags(app, "reclassify"), args); err != nil {
		return err
	}
	db, err := app.Store(ctx)
	if err != nil {
		return err
	}
	cls, err := app.Classifier()
	if err != nil {
		return err
	}
	tag := tagger(cls)
	seen, changed := 0, 0
	err = db.ForEachArticle(ctx, 500, func(page []observatory.Article) error {
		var upd []observatory.Article
		for i := range page {
			before := page[i].LexiconVersion + fmt.Sprint(page[i].Tags)
			tag(ctx, &page[i])
			if page[i].LexiconVersion+fmt.Sprint(page[i].Tags) != before {
				upd = append(upd, page[i])
			}
		}
		seen += len(page)
		changed += len(upd)
		if len(upd) == 0 {
			return nil
		}
		return db.UpdateArticles(ctx, upd)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdio.Out, "reclassified %d articles with lexicon %s: %d changed\n", seen, cls.Version(), changed)
	ix, err := app.Index(ctx)
	if err != nil {
		return err
	}
	_, err = ix.CatchUp(ctx, db)
	return err
}

func runBackup(ctx context.Context, app *App, args []string) error {
	pos, err := parseFlags(newFlags(app, "backup"), args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("backup takes one FILE")
	}
	db, err := app.Store(ctx)
	if err != nil {
		return err
	}
	if err := db.Backup(ctx, pos[0]); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdio.Out, "backup written to %s\n", pos[0])
	return nil
}

// runRestore replaces the store with a backup. The backup is checked
// first; a copy of the store it replaces is kept beside it (a new name
// each time, so no earlier copy is overwritten); the index is rebuilt
// from the restored store at the next start. The data directory stays
// locked throughout, and the swap is one rename, so that neither a
// server starting meanwhile nor a crash can find it without a store.
func runRestore(ctx context.Context, app *App, args []string) error {
	pos, err := parseFlags(newFlags(app, "restore"), args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("restore takes one FILE")
	}
	// Hold the data directory while we work, so a server cannot start.
	db, err := app.Store(ctx)
	if err != nil {
		return err
	}
	tmp := app.storePath() + ".restore"
	if err := copyFile(pos[0], tmp); err != nil {
		return err
	}
	if err := store.CheckFile(tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s is not a usable observatory backup: %w", pos[0], err)
	}
	// The restored file stays open, and so locked, until the index is
	// gone: a server started after the swap waits for it.
	restored, err := store.Open(tmp, store.Options{Timeout: time.Second})
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s is not a usable observatory backup: %w", pos[0], err)
	}
	defer restored.Close()
	n, err := restored.QueueAllForIndex(ctx)
	if err != nil {
		os.Remove(tmp)
		return err
	}
	kept, err := keepPrevious(ctx, db, app.storePath()+".before-restore")
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("keeping a copy of the current store: %w", err)
	}
	if err := os.Rename(tmp, app.storePath()); err != nil {
		return err
	}
	if err := os.RemoveAll(app.indexDir()); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdio.Out, "restored %s (%d articles); the previous store is %s; the index is rebuilt at the next start\n",
		pos[0], n, filepath.Base(kept))
	return nil
}

// keepPrevious writes a consistent copy of db under name, or under name
// with a number added if that file exists, and returns the name used.
func keepPrevious(ctx context.Context, db *store.DB, name string) (string, error) {
	path := name
	for i := 2; ; i++ {
		if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
			break
		} else if err != nil {
			return "", err
		}
		path = fmt.Sprintf("%s-%d", name, i)
	}
	return path, db.Backup(ctx, path)
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
