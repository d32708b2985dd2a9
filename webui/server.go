// Package webui is the observatory's HTTP server: the Spanish-first web
// pages, the JSON API under /api/v1/, and the health endpoint. It reaches the
// other packages only through the small interfaces declared here.
package webui

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime"
	"sync"
	"time"

	"observatory"
	"observatory/sources"
)

// Searcher runs search queries (the index package implements it).
type Searcher interface {
	Search(ctx context.Context, q observatory.SearchQuery) (*observatory.SearchResult, error)
}

// Store is what the server reads from and writes to the store.
type Store interface {
	SourceStore
	ActorStore
	Article(ctx context.Context, id string) (*observatory.Article, error)
	// History returns the changes made to one record, newest first.
	History(ctx context.Context, entity, id string) ([]observatory.Change, error)
}

// SourceStore is the media directory and its crawl health. The guarded
// writes call guard with the stored record inside their transaction; its
// error aborts the change.
type SourceStore interface {
	Sources(ctx context.Context, f observatory.SourceFilter) ([]observatory.Source, error)
	Source(ctx context.Context, id string) (*observatory.Source, error)
	CreateSource(ctx context.Context, s *observatory.Source, by string) error
	UpdateSourceGuarded(ctx context.Context, s *observatory.Source, by string, guard func(*observatory.Source) error) error
	DeleteSourceGuarded(ctx context.Context, id, by string, guard func(*observatory.Source) error) error
	Health(ctx context.Context, sourceID string) (observatory.SourceHealth, error)
	AllHealth(ctx context.Context) (map[string]observatory.SourceHealth, error)
	// ArticlesPerDay counts each source's articles per day (UTC) from
	// the day of since on.
	ArticlesPerDay(ctx context.Context, since time.Time) (map[string]map[time.Time]int, error)
}

// ActorStore is the actors directory.
type ActorStore interface {
	Actors(ctx context.Context, f observatory.ActorFilter) ([]observatory.Actor, error)
	Actor(ctx context.Context, id string) (*observatory.Actor, error)
	CreateActor(ctx context.Context, a *observatory.Actor, by string) error
	UpdateActor(ctx context.Context, a *observatory.Actor, by string, guard func(*observatory.Actor) error) error
	DeleteActor(ctx context.Context, id, by string, guard func(*observatory.Actor) error) error
}

// Config configures a Server.
type Config struct {
	Addr     string // listen address, e.g. 127.0.0.1:8080; ":0" picks a free port
	Search   Searcher
	Store    Store
	Accounts Accounts
	Logger   *slog.Logger
	// Policy is the permission matrix; Policy.Private makes every page
	// and API call sign-in only.
	Policy observatory.Policy
	// SessionTTL is a session's absolute lifetime (default 7 days) and
	// SessionIdle how long it survives without use (default 8 hours).
	SessionTTL, SessionIdle time.Duration
	// SecureCookies marks cookies Secure even on plain HTTP, for a
	// deployment behind a TLS-terminating proxy.
	SecureCookies bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed when counting failed sign-ins per client address.
	TrustedProxies []netip.Prefix
	// Ready reports whether the server's dependencies answer; /healthz
	// returns 503 with its error otherwise. May be nil.
	Ready func(ctx context.Context) error
	// MaxBodyBytes caps request bodies (default 1 MiB), except imported
	// files, capped by MaxImportBytes (default 8 MiB).
	MaxBodyBytes, MaxImportBytes int64
	// Metrics, when set, is served at GET /metrics (Prometheus text
	// format), and Observe is told of each request: the route pattern it
	// matched ("" for none), its status and how long it took.
	Metrics http.Handler
	// QueryHelp is the Markdown of the search help page (/ayuda); the
	// index package documents its own query syntax.
	QueryHelp string
	Observe   func(pattern string, status int, took time.Duration)
	// MaxPasswordChecks bounds the password checks (argon2id, 19 MiB
	// each) running at once; a sign-in beyond it is answered 503 at once.
	// Default 4 per CPU.
	MaxPasswordChecks int
	// HTTPClient fetches outlets' homepages and feeds for feed discovery
	// and "test this source": the crawler's guarded client in production
	// (SSRF guard, timeouts, size caps, politeness). Nil turns both off.
	HTTPClient *http.Client
	// Health holds the thresholds of the source health flags.
	Health sources.HealthPolicy
	Now    func() time.Time
}

// Server serves the web UI and the API.
type Server struct {
	cfg      Config
	log      *slog.Logger
	pages    map[string]*template.Template // language → template set
	assets   *assets
	http     *http.Server
	ln       net.Listener
	done     chan struct{}
	serveErr error
	once     sync.Once
	help     template.HTML // Config.QueryHelp rendered

	byAccount *throttle     // failed sign-ins per account
	byAddress *throttle     // failed sign-ins per client address
	checking  chan struct{} // a token per password check running
}

// New prepares a server: it parses the embedded templates and message
// catalogues, so a mistake in them fails at start, not on a request.
func New(cfg Config) (*Server, error) {
	if cfg.Search == nil || cfg.Store == nil || cfg.Accounts == nil {
		return nil, errors.New("webui: Config.Search, Config.Store and Config.Accounts are required")
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 7 * 24 * time.Hour
	}
	if cfg.SessionIdle <= 0 {
		cfg.SessionIdle = 8 * time.Hour
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.MaxImportBytes <= 0 {
		cfg.MaxImportBytes = 8 << 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxPasswordChecks <= 0 {
		cfg.MaxPasswordChecks = 4 * runtime.GOMAXPROCS(0)
	}
	s := &Server{cfg: cfg, log: cfg.Logger, done: make(chan struct{}),
		byAccount: newThrottle(5, 15*time.Minute), byAddress: newThrottle(20, 15*time.Minute),
		checking: make(chan struct{}, cfg.MaxPasswordChecks)}
	var err error
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if s.pages, err = s.parseTemplates(); err != nil {
		return nil, err
	}
	if s.help, err = renderHelp(cfg.QueryHelp); err != nil {
		return nil, fmt.Errorf("webui: search help: %w", err)
	}
	s.http = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
	}
	return s, nil
}

// Open binds the listen address and starts serving in the background. It
// returns once the address is bound, so Addr is valid afterwards.
func (s *Server) Open() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("webui: listen on %s: %w", s.cfg.Addr, err)
	}
	s.ln = ln
	go func() {
		defer close(s.done)
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.serveErr = err
		}
	}()
	return nil
}

// Addr returns the bound address (after Open).
func (s *Server) Addr() string {
	if s.ln == nil {
		return s.cfg.Addr
	}
	return s.ln.Addr().String()
}

// Close stops accepting requests and waits, until ctx ends, for the
// requests in flight to finish. It is safe to call more than once.
func (s *Server) Close(ctx context.Context) error {
	var err error
	s.once.Do(func() {
		if s.ln == nil {
			return
		}
		err = s.http.Shutdown(ctx)
		<-s.done
		if err == nil {
			err = s.serveErr
		}
	})
	return err
}
