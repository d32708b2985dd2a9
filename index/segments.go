package index

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
)

// Searches read the segment files bleve maps into memory at random: a
// few postings, doc values and stored records here and there. On Linux
// (6.x) a page fault on a mapped file maps the whole folio of the page
// cache holding it, up to 2 MiB, and files written by the indexer or read
// ahead by merges sit in the cache in large folios: a search that read a
// few kilobytes of each of thousands of places mapped gigabytes, all of it
// counted in the serving process's resident memory. So every segment is
// advised random access (MADV_RANDOM: a fault reads and maps one page, no
// read-ahead), and the large files a generation is built from, or that
// merges write while the index runs, are dropped from the page cache
// once written, so that searches read back only the pages they use.

// evictAbove is the size from which a segment written while the index
// runs is dropped from the page cache: smaller ones are cheap to map whole
// and are soon merged anyway.
const evictAbove = 32 << 20

// mappedSegment is what zap's file segments offer besides the segment
// interface.
type mappedSegment interface {
	Data() []byte
	Path() string
}

// segmentAdvice remembers, per partition, the segments already advised.
type segmentAdvice struct {
	mu    sync.Mutex
	known map[bleve.Index]map[string]bool
}

// advise advises the segments of parts not seen before. Segments found the
// first time a partition is seen are left in the page cache; later ones,
// written since, are dropped from it if large.
func (a *segmentAdvice) advise(parts []bleve.Index) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.known == nil {
		a.known = make(map[bleve.Index]map[string]bool)
	}
	for _, p := range parts {
		ai, err := p.Advanced()
		if err != nil {
			continue
		}
		r, err := ai.Reader()
		if err != nil {
			continue
		}
		if snap, ok := r.(*scorch.IndexSnapshot); ok {
			prev, primed := a.known[p]
			cur := make(map[string]bool, len(snap.Segments()))
			for _, ss := range snap.Segments() {
				seg, ok := ss.Segment().(mappedSegment)
				if !ok {
					continue
				}
				cur[seg.Path()] = true
				if prev[seg.Path()] {
					continue
				}
				if primed && len(seg.Data()) >= evictAbove {
					evict(seg.Path())
				}
				adviseRandom(seg.Data())
			}
			a.known[p] = cur
		}
		r.Close()
	}
}

// compact merges each partition of g into one segment, a few side by
// side: a search reads every segment's dictionary for each of its terms
// and walks each segment's postings separately. It runs after a rebuild
// wrote the partitions, before the generation is swapped in.
func compact(ctx context.Context, g *generation) error {
	parts := g.indexes(nil)
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	errs := make(chan error, len(parts))
	var wg sync.WaitGroup
	for _, p := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				errs <- ctx.Err()
				return
			}
			defer func() { <-sem }()
			errs <- compactPartition(ctx, p)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func compactPartition(ctx context.Context, p bleve.Index) error {
	ai, err := p.Advanced()
	if err != nil {
		return fmt.Errorf("index: compact: %w", err)
	}
	s, ok := ai.(*scorch.Scorch)
	if !ok {
		return nil
	}
	// one force merge merges up to ten segments at a time
	for range 4 {
		if segmentCount(p) <= 1 {
			return nil
		}
		opts := mergeplan.SingleSegmentMergePlanOptions
		if err := s.ForceMerge(ctx, &opts); err != nil {
			return fmt.Errorf("index: compact: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// segmentCount returns how many file segments p's current snapshot holds.
func segmentCount(p bleve.Index) int {
	if st, ok := p.StatsMap()["index"].(map[string]any); ok {
		if v, ok := st["num_root_filesegments"].(uint64); ok {
			return int(v)
		}
	}
	return 0
}

// evictFiles drops the segment files under dir from the page cache.
func evictFiles(dir string) {
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".zap") {
			evict(path)
		}
		return nil
	})
}
