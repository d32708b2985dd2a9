package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"observatory"
	"observatory/crawler"
	"observatory/index"
	"observatory/store"
	"observatory/webui"
)

func runServe(ctx context.Context, app *App, args []string) error {
	fs := newFlags(app, "serve")
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	schedule := fs.String("crawl-schedule", envOr(app, "OBSERVATORY_CRAWL_SCHEDULE", "*/30 * * * *"),
		"default cron schedule of crawls for sources without their own (env OBSERVATORY_CRAWL_SCHEDULE)")
	noCrawl := fs.Bool("no-crawl", false, "serve without scheduled crawls")
	var opts crawlOptions
	opts.register(fs, app)
	private := fs.Bool("private", false, "make every page and API call sign-in only")
	var proxies stringList
	fs.Var(&proxies, "trusted-proxy", "address or CIDR of a reverse proxy whose X-Forwarded-For is believed (repeatable; env OBSERVATORY_TRUSTED_PROXIES, comma-separated)")
	secureCookies := fs.Bool("secure-cookies", false, "mark cookies Secure on plain HTTP too (behind a TLS-terminating proxy)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}

	trusted, err := parsePrefixes(append(splitComma(app.getenv("OBSERVATORY_TRUSTED_PROXIES")), proxies...))
	if err != nil {
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
	cls, err := app.Classifier()
	if err != nil {
		return err
	}

	// SIGHUP reloads the lexicon overrides; a file with a mistake is
	// refused (file, line, reason) and the lexicons in force stay.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	hupDone := make(chan struct{})
	defer func() { <-hupDone }()
	hupCtx, stopHup := context.WithCancel(ctx)
	defer stopHup()
	go func() {
		defer close(hupDone)
		for {
			select {
			case <-hupCtx.Done():
				return
			case <-hup:
			}
			if err := cls.Reload(); err != nil {
				app.Log.Error("lexicons not reloaded; the previous ones stay in force", "err", err)
			} else {
				app.Log.Info("lexicons reloaded (articles keep their tags until observatory reclassify)", "lexicon_version", cls.Version())
			}
		}
	}()

	// Background work runs under its own context so that shutdown can stop
	// it in order: scheduler, workers, HTTP server, index, store.
	var wg sync.WaitGroup
	idxCtx, stopIndexer := context.WithCancel(context.WithoutCancel(ctx))
	defer stopIndexer()
	idx := newIndexer(ix, db, app.Log)
	wg.Go(func() { idx.Run(idxCtx) })

	crawlCtx, stopCrawler := context.WithCancel(context.WithoutCancel(ctx))
	defer stopCrawler()
	// The crawler is made even with --no-crawl: its guarded client
	// (SSRF guard, timeouts, politeness) is what feed discovery and
	// "test this source" fetch with.
	cfg := opts.config(app, db, cls)
	cfg.Saved, cfg.Schedule = idx.Wake, *schedule
	cr, err := crawler.New(cfg)
	if err != nil {
		stopIndexer()
		wg.Wait()
		return err
	}
	var crawlDone chan struct{}
	if !*noCrawl {
		crawlDone = make(chan struct{})
		go func() {
			defer close(crawlDone)
			if err := cr.Run(crawlCtx); err != nil && crawlCtx.Err() == nil {
				app.Log.Error("crawl scheduler stopped", "err", err)
			}
		}()
	}

	wg.Go(func() { sweepSessions(idxCtx, db, app.Log) })

	met := newMetrics(db, ix, cr)
	srv, err := webui.New(webui.Config{
		Metrics:        met.handler(),
		QueryHelp:      index.QueryHelp,
		Observe:        met.observe,
		Addr:           *addr,
		Search:         ix,
		Store:          watchedStore{DB: db, changed: cr.Reload},
		Accounts:       db,
		Policy:         observatory.Policy{Private: *private},
		SessionIdle:    sessionIdle,
		SecureCookies:  *secureCookies,
		TrustedProxies: trusted,
		Logger:         app.Log,
		HTTPClient:     cr.HTTPClient(),
		Ready: func(ctx context.Context) error {
			if _, err := db.CountArticles(ctx); err != nil {
				return err
			}
			_, err := ix.Count()
			return err
		},
	})
	if err == nil {
		err = srv.Open()
	}
	if err != nil {
		stopCrawler()
		if crawlDone != nil {
			<-crawlDone
		}
		stopIndexer()
		wg.Wait()
		return err
	}
	fmt.Fprintf(app.Stdio.Out, "observatory: serving http://%s (data %s)\n", srv.Addr(), app.Config.DataDir)
	if opts.contact == "" && !*noCrawl {
		app.Log.Warn("no --contact set: outlets cannot tell who crawls them; set a URL or e-mail (env OBSERVATORY_CONTACT)")
	}
	app.Log.Info("serving", "addr", srv.Addr(), "data", app.Config.DataDir, "crawl_schedule", *schedule, "crawl", !*noCrawl, "private", *private)

	<-ctx.Done()
	app.Log.Info("shutting down")
	stopCrawler()
	if crawlDone != nil {
		<-crawlDone
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err = srv.Close(shutdownCtx)
	stopIndexer()
	wg.Wait()
	return err
}

// sessionIdle is how long a session survives without use.
const sessionIdle = 8 * time.Hour

// sweepSessions deletes expired sessions every hour until ctx ends.
func sweepSessions(ctx context.Context, db *store.DB, log *slog.Logger) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		if n, err := db.SweepSessions(ctx, sessionIdle); err != nil && ctx.Err() == nil {
			log.Warn("sweeping sessions", "err", err)
		} else if n > 0 {
			log.Info("expired sessions removed", "sessions", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func envOr(app *App, key, def string) string {
	if v := app.getenv(key); v != "" {
		return v
	}
	return def
}

// parsePrefixes reads addresses and CIDR prefixes.
func parsePrefixes(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, v := range list {
		if p, err := netip.ParsePrefix(v); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(v)
		if err != nil {
			return nil, usagef("--trusted-proxy %q: use an address or a CIDR prefix such as 10.0.0.0/8", v)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}
