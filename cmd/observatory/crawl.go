package main

import (
	"context"
	"fmt"

	"observatory/crawler"
)

func runCrawl(ctx context.Context, app *App, args []string) error {
	fs := newFlags(app, "crawl")
	once := fs.Bool("once", false, "run one crawl cycle, then exit")
	var ids stringList
	fs.Var(&ids, "source", "crawl only this source ID (repeatable)")
	var opts crawlOptions
	opts.register(fs, app)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if !*once {
		return usagef("crawl runs one cycle and needs --once; scheduled crawls run inside \"observatory serve\"")
	}
	db, err := app.Store(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := db.Source(ctx, id); err != nil {
			return err
		}
	}
	ix, err := app.Index(ctx)
	if err != nil {
		return err
	}
	cls, err := app.Classifier()
	if err != nil {
		return err
	}
	cr, err := crawler.New(opts.config(app, db, cls))
	if err != nil {
		return err
	}
	sums, err := cr.RunOnce(ctx, ids...)
	crawler.WriteSummary(app.Stdio.Out, sums)
	if err != nil {
		return err
	}
	n, err := ix.CatchUp(ctx, db)
	if err != nil {
		return fmt.Errorf("indexing: %w", err)
	}
	fmt.Fprintf(app.Stdio.Out, "indexed %d articles\n", n)
	return nil
}
