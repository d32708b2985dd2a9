// Package index is the observatory's full-text search: a bleve index of
// articles (and, later, library documents) with a mapping per language,
// analyst queries with filters, facets and highlights, dashboard
// aggregations, catch-up from the store's "to index" log, and rebuilds
// that swap a fresh index in while searches go on.
//
// On disk, dir holds a LOCK file, a CURRENT file naming the live
// generation, and one directory per generation (gen-000001, …); a rebuild
// writes the next generation beside the live one and then points CURRENT
// at it.
package index

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2/mapping"

	"observatory"
)

// Config tunes the index. The zero value works.
type Config struct {
	Logger *slog.Logger
	// BatchSize is how many items go into one bleve batch (default 500).
	BatchSize int
	// OpenTimeout bounds how long Open waits for bleve's own file lock
	// (default 1s). The index's LOCK file already fails at once.
	OpenTimeout time.Duration
	// Unpartitioned keeps everything in one bleve index instead of one
	// per country; for comparison in benchmarks. An index must be opened
	// the way it was built.
	Unpartitioned bool
}

// Index is the search index of one data directory. It is safe for
// concurrent use; writes (Apply, CatchUp, Rebuild) are serialised.
type Index struct {
	dir     string
	cfg     Config
	log     *slog.Logger
	lock    *os.File
	mapping *mapping.IndexMappingImpl

	mu  sync.RWMutex // searches hold it for reading; a swap for writing
	cur *generation

	writeMu sync.Mutex    // serialises writers
	rebuild *rebuildState // non-nil while Rebuild runs; guarded by writeMu
	closed  bool          // guarded by writeMu
}

const (
	currentFile = "CURRENT"
	genPrefix   = "gen-"

	// mappingVersion changes whenever newMapping changes what is indexed;
	// an index built with another version should be rebuilt.
	mappingVersion    = "5"
	internalMappingID = "observatory_mapping_version"
)

var errLocked = errors.New("locked")

// ErrOutdated is returned by Open for an index built with another mapping
// (an older program): it must be rebuilt from the store.
var ErrOutdated = errors.New("index built with another mapping; rebuild it from the store")

// Open opens the index in dir, creating it when missing. It fails within
// about a second if another process holds the index.
func Open(dir string, cfg Config) (*Index, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 500
	}
	if cfg.OpenTimeout <= 0 {
		cfg.OpenTimeout = time.Second
	}
	m, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("index: mapping: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	lock, err := lockDir(dir)
	if errors.Is(err, errLocked) {
		return nil, fmt.Errorf("index: %s está en uso por otro proceso / is in use by another process: %w", dir, observatory.ErrConflict)
	}
	if err != nil {
		return nil, fmt.Errorf("index: %s: %w", dir, err)
	}
	ix := &Index{dir: dir, cfg: cfg, log: cfg.Logger, lock: lock, mapping: m}
	if err := ix.openCurrent(); err != nil {
		unlockDir(lock)
		return nil, err
	}
	ix.removeStale()
	return ix, nil
}

func (ix *Index) openCurrent() error {
	name, err := os.ReadFile(filepath.Join(ix.dir, currentFile))
	if errors.Is(err, os.ErrNotExist) {
		g, err := ix.createGeneration(genPrefix + "000001")
		if err != nil {
			return err
		}
		if err := ix.writeCurrent(g.name); err != nil {
			return err
		}
		ix.cur = g
		return nil
	}
	if err != nil {
		return fmt.Errorf("index: %w", err)
	}
	g, err := ix.openGeneration(strings.TrimSpace(string(name)))
	if err != nil {
		return err
	}
	ix.cur = g
	return nil
}

func (ix *Index) bleveConfig() map[string]any {
	return map[string]any{"bolt_timeout": ix.cfg.OpenTimeout.String()}
}

// writeCurrent points CURRENT at a generation, atomically.
func (ix *Index) writeCurrent(name string) error {
	tmp := filepath.Join(ix.dir, currentFile+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("index: %w", err)
	}
	_, err = f.WriteString(name + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(ix.dir, currentFile))
	}
	if err == nil {
		err = syncDir(ix.dir)
	}
	if err != nil {
		return fmt.Errorf("index: %w", err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// removeStale deletes generations other than the live one: leftovers of a
// rebuild that was interrupted or of a swap whose clean-up did not finish.
func (ix *Index) removeStale() {
	entries, err := os.ReadDir(ix.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), genPrefix) && e.Name() != ix.cur.name {
			if err := os.RemoveAll(filepath.Join(ix.dir, e.Name())); err != nil {
				ix.log.Warn("remove stale index generation", "dir", e.Name(), "err", err)
			}
		}
	}
}

// nextGeneration names the generation after name.
func nextGeneration(name string) string {
	n, _ := strconv.Atoi(strings.TrimPrefix(name, genPrefix))
	return fmt.Sprintf("%s%06d", genPrefix, n+1)
}

// acquire returns the live generation and a function to release it;
// a swap waits until every acquired generation is released.
func (ix *Index) acquire() (*generation, func(), error) {
	ix.mu.RLock()
	if ix.cur == nil {
		ix.mu.RUnlock()
		return nil, nil, errors.New("index: closed")
	}
	return ix.cur, ix.mu.RUnlock, nil
}

// Count returns how many items the index holds.
func (ix *Index) Count() (uint64, error) {
	g, release, err := ix.acquire()
	if err != nil {
		return 0, err
	}
	defer release()
	return g.docCount()
}

// Close closes the index and releases its lock. It waits for running
// searches and writes.
func (ix *Index) Close() error {
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	if ix.closed {
		return nil
	}
	ix.closed = true
	ix.mu.Lock()
	g := ix.cur
	ix.cur = nil
	ix.mu.Unlock()
	var err error
	if g != nil {
		err = g.close()
	}
	if uerr := unlockDir(ix.lock); err == nil {
		err = uerr
	}
	return err
}

// Apply indexes b.Upsert and removes b.Delete. It returns once the change
// is on disk, so the caller may then acknowledge b to the store.
func (ix *Index) Apply(ctx context.Context, b observatory.IndexBatch) error {
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	if ix.closed {
		return errors.New("index: closed")
	}
	g := ix.cur // stable: swaps take writeMu
	if err := ix.write(ctx, g, b.Upsert, b.Delete, true); err != nil {
		return err
	}
	if ix.rebuild != nil {
		return ix.recordDuringRebuild(ctx, b)
	}
	return nil
}

// Log is what CatchUp needs from the store: its "to index" log.
type Log interface {
	PendingIndex(ctx context.Context, limit int) (observatory.IndexBatch, error)
	MarkIndexed(ctx context.Context, through uint64) error
}

// CatchUp drains the store's "to index" log into the index and returns
// how many entries it applied. Run it at start (articles stored before a
// crash but never indexed) and after the store takes new articles.
func (ix *Index) CatchUp(ctx context.Context, log Log) (int, error) {
	total := 0
	limit := max(ix.cfg.BatchSize, 100)
	for {
		b, err := log.PendingIndex(ctx, limit)
		if err != nil {
			return total, fmt.Errorf("index: catch up: %w", err)
		}
		if b.Through == 0 {
			return total, nil
		}
		if err := ix.Apply(ctx, b); err != nil {
			return total, err
		}
		if err := log.MarkIndexed(ctx, b.Through); err != nil {
			return total, fmt.Errorf("index: catch up: %w", err)
		}
		total += len(b.Upsert) + len(b.Delete)
	}
}
