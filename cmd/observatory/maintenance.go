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
	ix, err := app.Index()
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
	ix, err := app.Index()
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

// runRestore replaces the store with a backup. The backup is checked by
// opening it first; the old store is kept beside it as .before-restore;
// the index is rebuilt from the restored store at the next start.
func runRestore(ctx context.Context, app *App, args []string) error {
	pos, err := parseFlags(newFlags(app, "restore"), args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("restore takes one FILE")
	}
	// Hold the data directory while we work, so a server cannot start.
	if _, err := app.Store(ctx); err != nil {
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
	check, err := store.Open(tmp, store.Options{Timeout: time.Second})
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s is not a usable observatory backup: %w", pos[0], err)
	}
	n, err := check.QueueAllForIndex(ctx)
	check.Close()
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if err := app.Close(); err != nil {
		return err
	}
	if err := os.Rename(app.storePath(), app.storePath()+".before-restore"); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Rename(tmp, app.storePath()); err != nil {
		return err
	}
	if err := os.RemoveAll(app.indexDir()); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdio.Out, "restored %s (%d articles); the previous store is %s; the index is rebuilt at the next start\n",
		pos[0], n, filepath.Base(app.storePath())+".before-restore")
	return nil
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
