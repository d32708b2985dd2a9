package main

import (
	"flag"
	"time"

	"observatory/classify"
	"observatory/crawler"
	"observatory/store"
)

// crawlOptions are the crawl settings serve and crawl share.
type crawlOptions struct {
	contact   string
	hostDelay time.Duration
}

func (o *crawlOptions) register(fs *flag.FlagSet, app *App) {
	fs.StringVar(&o.contact, "contact", envOr(app, "OBSERVATORY_CONTACT", ""),
		"URL or e-mail that outlets can reach the observatory at; goes into the crawler's User-Agent (env OBSERVATORY_CONTACT)")
	fs.DurationVar(&o.hostDelay, "host-delay", 2*time.Second,
		"pause between two requests to one host (a larger robots.txt Crawl-delay wins; 0 for none, only for tests)")
}

// config returns the crawler configuration for the data directory's store
// and classifier.
func (o *crawlOptions) config(app *App, db *store.DB, cls *classify.Classifier) crawler.Config {
	ua := crawler.DefaultUserAgent
	if o.contact != "" {
		ua = crawler.DefaultUserAgent[:len(crawler.DefaultUserAgent)-1] + "; +" + o.contact + ")"
	}
	delay := o.hostDelay
	if delay == 0 {
		delay = -1 // the crawler reads 0 as "default"
	}
	return crawler.Config{
		Store:                db,
		Process:              tagger(cls),
		Logger:               app.Log,
		AllowPrivateNetworks: app.Config.AllowPrivateNetworks,
		UserAgent:            ua,
		HostDelay:            delay,
	}
}
