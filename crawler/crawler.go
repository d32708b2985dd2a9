// Package crawler collects articles from the registered outlets: it
// schedules each source on its own cron spec, fetches feeds, sitemaps and
// listing pages politely (robots.txt, one connection per host, a delay
// between requests, conditional GET, backoff), guards every request
// against server-side request forgery, fetches each new item's page,
// extracts the article (crawler/extract), recognises near-duplicates and
// saves each article once per canonical URL.
package crawler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"

	"observatory"
)

// Store is what the crawler needs from the store; store.DB implements it.
type Store interface {
	Sources(ctx context.Context, f observatory.SourceFilter) ([]observatory.Source, error)
	ArticleByLink(ctx context.Context, link string) (id string, ok bool, err error)
	SaveArticle(ctx context.Context, a *observatory.Article, links ...string) (created bool, err error)
	Health(ctx context.Context, sourceID string) (observatory.SourceHealth, error)
	PutHealth(ctx context.Context, h observatory.SourceHealth) error
}

// Optional store capabilities, used when the store has them: reading
// recent articles back (to seed near-duplicate detection after a restart)
// and marking the first article of a near-duplicate group.
type articleLister interface {
	ForEachArticle(ctx context.Context, batch int, fn func([]observatory.Article) error) error
}

type articleUpdater interface {
	Article(ctx context.Context, id string) (*observatory.Article, error)
	UpdateArticles(ctx context.Context, arts []observatory.Article) error
}

// Config sets up a Crawler. Zero fields take the defaults documented on
// each; tests shorten the timeouts and delays.
type Config struct {
	Store Store
	// Process is called on each new article before it is saved (the
	// wiring classifies here); may be nil.
	Process func(ctx context.Context, a *observatory.Article)
	// Saved is called after a source's new articles were saved, with their
	// number (the wiring wakes the indexer); may be nil.
	Saved  func(n int)
	Logger *slog.Logger
	Now    func() time.Time

	// UserAgent identifies the observatory, with a contact URL.
	UserAgent string
	// AllowPrivateNetworks lets the fetcher reach loopback, private,
	// link-local and metadata addresses, refused by default.
	AllowPrivateNetworks bool

	// Schedule is the cron spec (5 fields or @every/@hourly descriptors)
	// of sources without their own. Default "*/30 * * * *".
	Schedule string
	// Location is the time zone of cron specs. Default UTC.
	Location *time.Location
	// Jitter spreads each source's firing over up to this much after its
	// schedule (deterministic per source, at most the schedule's period).
	// Default 10 minutes.
	Jitter time.Duration
	// Refresh is how often Run rereads the sources to follow edits.
	// Default 1 minute. Reload asks for it at once.
	Refresh time.Duration
	// MaxPollInterval bounds adaptive polling for sources without their
	// own Source.PollMax: a feed that has not changed for long is polled
	// less often than its schedule, never less often than this. Default
	// 12 hours.
	MaxPollInterval time.Duration

	// Concurrency bounds the sources crawled at once. Default 8.
	Concurrency int
	// HostDelay is the pause between two requests to one host. Default
	// 2 s; a larger robots.txt Crawl-delay wins. Negative means none.
	HostDelay time.Duration
	// MaxCrawlDelay caps a robots.txt Crawl-delay. Default 60 s.
	MaxCrawlDelay time.Duration

	// ConnectTimeout bounds connecting (DNS, TCP, TLS). Default 10 s.
	ConnectTimeout time.Duration
	// HeaderTimeout bounds the wait for response headers. Default 20 s.
	HeaderTimeout time.Duration
	// FetchTimeout bounds a whole request, body included. Default 60 s.
	FetchTimeout time.Duration
	// MaxBody caps a response body after decompression. Default 10 MiB.
	MaxBody int64
	// MaxRedirects caps the redirects followed. Default 5.
	MaxRedirects int

	// MaxItems caps the item pages fetched for one source per run (items
	// already stored do not count); the rest wait for the next run.
	// Default 100.
	MaxItems int
	// BackoffBase is the wait after a first failure, doubled on each
	// further failure up to BackoffMax. Defaults 15 minutes and 24 hours.
	BackoffBase, BackoffMax time.Duration
	// RobotsTTL is how long a robots.txt stays cached. Default 24 h.
	RobotsTTL time.Duration

	// NearDupDistance is the largest Hamming distance between the SimHash
	// fingerprints of two texts that are grouped as one story. Default 10:
	// an agency story reprinted with another headline, byline and a line
	// added measured 7 in our tests, unrelated stories 30 or more; two
	// random fingerprints fall within 10 bits with probability 1e-8.
	NearDupDistance int
	// NearDupWindow is how far back near-duplicates are looked for.
	// Default 14 days.
	NearDupWindow time.Duration

	// LookupIP resolves host names; nil means the system resolver. Tests
	// use it to point names at chosen addresses.
	LookupIP func(ctx context.Context, host string) ([]netip.Addr, error)
}

// DefaultUserAgent identifies the observatory's crawler; deployments
// should set their own contact URL.
const DefaultUserAgent = "ObservatorioMigracionGenero/1.0 (media observatory on migration and gender)"

func (cfg *Config) setDefaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	if cfg.Schedule == "" {
		cfg.Schedule = "*/30 * * * *"
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	def(&cfg.Jitter, 10*time.Minute)
	def(&cfg.Refresh, time.Minute)
	def(&cfg.MaxPollInterval, 12*time.Hour)
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 8
	}
	def(&cfg.HostDelay, 2*time.Second)
	if cfg.HostDelay < 0 {
		cfg.HostDelay = 0
	}
	def(&cfg.MaxCrawlDelay, time.Minute)
	def(&cfg.ConnectTimeout, 10*time.Second)
	def(&cfg.HeaderTimeout, 20*time.Second)
	def(&cfg.FetchTimeout, time.Minute)
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 10 << 20
	}
	if cfg.MaxRedirects <= 0 {
		cfg.MaxRedirects = 5
	}
	if cfg.MaxItems <= 0 {
		cfg.MaxItems = 100
	}
	def(&cfg.BackoffBase, 15*time.Minute)
	def(&cfg.BackoffMax, 24*time.Hour)
	def(&cfg.RobotsTTL, 24*time.Hour)
	if cfg.NearDupDistance == 0 {
		cfg.NearDupDistance = 10
	}
	def(&cfg.NearDupWindow, 14*24*time.Hour)
}

// Crawler collects articles. Its methods are safe for concurrent use; one
// Crawler serves both the scheduler (Run) and one-off cycles (RunOnce).
type Crawler struct {
	cfg    Config
	log    *slog.Logger
	client *http.Client
	hosts  *hostGates
	robots *robotsCache
	dups   *nearDups
	parser cron.Parser
	sem    chan struct{}

	mu      sync.Mutex
	running map[string]bool // source IDs being crawled now
	reload  chan struct{}

	panics atomic.Int64

	// publicForTest lets tests treat one loopback address as public, to
	// exercise the guard on redirects from an allowed host.
	publicForTest netip.Addr
}

// New checks cfg and returns a Crawler.
func New(cfg Config) (*Crawler, error) {
	if cfg.Store == nil {
		return nil, errors.New("crawler: Config.Store is required")
	}
	cfg.setDefaults()
	c := &Crawler{
		cfg:     cfg,
		log:     cfg.Logger,
		parser:  cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor),
		sem:     make(chan struct{}, cfg.Concurrency),
		running: make(map[string]bool),
		reload:  make(chan struct{}, 1),
	}
	if _, err := c.parser.Parse(cfg.Schedule); err != nil {
		return nil, fmt.Errorf("crawler: default schedule %q: %w", cfg.Schedule, err)
	}
	c.hosts = newHostGates(cfg.HostDelay)
	c.client = c.newClient()
	c.robots = newRobotsCache(c)
	c.dups = newNearDups(cfg.NearDupDistance, cfg.NearDupWindow)
	return c, nil
}

// HTTPClient returns the guarded client the crawler fetches with: SSRF
// guard, timeouts, body cap, redirect limit, one connection per host with
// the per-host delay. Feed discovery in the sources package reuses it.
// Close every response body: the host counts as busy until then.
func (c *Crawler) HTTPClient() *http.Client { return c.client }

// Panics returns how many crawl jobs panicked (and were recovered) since
// the Crawler was made.
func (c *Crawler) Panics() int64 { return c.panics.Load() }

// Summary is the outcome of crawling one source once.
type Summary struct {
	SourceID string        `json:"source_id"`
	Name     string        `json:"name"`
	Items    int           `json:"items"`   // items listed by its feeds, sitemaps and listings
	New      int           `json:"new"`     // articles stored for the first time
	Known    int           `json:"known"`   // items already stored, not fetched again
	Failed   int           `json:"failed"`  // items whose page could not be fetched or read
	Grouped  int           `json:"grouped"` // new articles recognised as near-duplicates
	Err      string        `json:"error,omitempty"`
	Skipped  string        `json:"skipped,omitempty"` // why the source was not crawled
	Duration time.Duration `json:"duration"`
}

// RunOnce crawls every active source once (or the sources with the given
// IDs, active or not), at most Concurrency at a time, and returns their
// summaries in the store's order. It does not wait for backoff or
// adaptive polling: an explicit run is honoured. A source already being
// crawled by the scheduler is skipped.
func (c *Crawler) RunOnce(ctx context.Context, sourceIDs ...string) ([]Summary, error) {
	f := observatory.SourceFilter{ActiveOnly: len(sourceIDs) == 0}
	all, err := c.cfg.Store.Sources(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("crawler: list sources: %w", err)
	}
	srcs := all
	if len(sourceIDs) > 0 {
		srcs = nil
		for _, id := range sourceIDs {
			i := slices.IndexFunc(all, func(s observatory.Source) bool { return s.ID == id })
			if i < 0 {
				return nil, fmt.Errorf("crawler: source %s: %w", id, observatory.ErrNotFound)
			}
			srcs = append(srcs, all[i])
		}
	}
	out := make([]Summary, len(srcs))
	var wg sync.WaitGroup
	for i := range srcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = c.crawlGuarded(ctx, &srcs[i], false)
		}()
	}
	wg.Wait()
	return out, ctx.Err()
}

// crawlGuarded crawls one source unless it is already being crawled,
// within the concurrency bound, recovering a panic into the summary.
// scheduled runs also honour the source's NextAttempt.
func (c *Crawler) crawlGuarded(ctx context.Context, src *observatory.Source, scheduled bool) (sum Summary) {
	sum = Summary{SourceID: src.ID, Name: src.Name}
	if !c.tryStart(src.ID) {
		sum.Skipped = "ya en curso / already running"
		return sum
	}
	defer c.finish(src.ID)
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		sum.Skipped = "cancelado / cancelled"
		return sum
	}
	defer func() { <-c.sem }()
	if scheduled {
		h, err := c.cfg.Store.Health(ctx, src.ID)
		if err == nil && c.cfg.Now().Before(h.NextAttempt) {
			sum.Skipped = "esperando hasta " + h.NextAttempt.Format(time.RFC3339) + " / waiting"
			return sum
		}
	}
	start := time.Now()
	defer func() {
		if r := recover(); r != nil {
			c.panics.Add(1)
			c.log.Error("crawl panicked", "source_id", src.ID, "panic", r)
			sum.Err = fmt.Sprintf("error interno del rastreador / internal crawler error: %v", r)
			sum.Duration = time.Since(start)
			c.recordPanic(context.WithoutCancel(ctx), src, sum)
		}
	}()
	sum = c.crawlSource(ctx, src)
	sum.Duration = time.Since(start)
	if sum.New > 0 && c.cfg.Saved != nil {
		c.cfg.Saved(sum.New)
	}
	return sum
}

func (c *Crawler) tryStart(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running[id] {
		return false
	}
	c.running[id] = true
	return true
}

func (c *Crawler) finish(id string) {
	c.mu.Lock()
	delete(c.running, id)
	c.mu.Unlock()
}
