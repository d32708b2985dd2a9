package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"observatory"
)

// Articles is what Rebuild reads: every stored article, in pages.
// store.DB implements it.
type Articles interface {
	ForEachArticle(ctx context.Context, batch int, fn func([]observatory.Article) error) error
}

// rebuildState is the generation a running Rebuild is filling. Apply
// writes to it too, and records which IDs it wrote, so that a page the
// rebuild read earlier does not overwrite a newer version.
type rebuildState struct {
	next  *generation
	dirty map[string]bool
}

// record applies a batch already applied to the live generation to the
// one being built. The caller holds writeMu.
func (ix *Index) recordDuringRebuild(ctx context.Context, b observatory.IndexBatch) error {
	rs := ix.rebuild
	if err := ix.write(ctx, rs.next, b.Upsert, b.Delete, false); err != nil {
		return err
	}
	for i := range b.Upsert {
		rs.dirty[b.Upsert[i].ID] = true
	}
	for _, id := range b.Delete {
		rs.dirty[id] = true
	}
	return nil
}

// rebuildPage is how many batches Rebuild reads from the store at once.
const rebuildPage = 8

// ErrRebuilding is returned by Rebuild while another rebuild runs.
var ErrRebuilding = fmt.Errorf("index: ya se está reconstruyendo / a rebuild is already running: %w", observatory.ErrConflict)

// Rebuild builds a fresh index from src beside the live one, while
// searches and Apply keep using the live one (Apply writes to both), then
// swaps it in atomically and deletes the old one. progress, if not nil, is
// called with the number of articles read so far. If Rebuild fails or
// ctx ends, the live index is left as it was.
func (ix *Index) Rebuild(ctx context.Context, src Articles, progress func(done int)) (err error) {
	ix.writeMu.Lock()
	if ix.closed {
		ix.writeMu.Unlock()
		return errors.New("index: closed")
	}
	if ix.rebuild != nil {
		ix.writeMu.Unlock()
		return ErrRebuilding
	}
	next, err := ix.createGeneration(nextGeneration(ix.cur.name))
	if err != nil {
		ix.writeMu.Unlock()
		return err
	}
	ix.rebuild = &rebuildState{next: next, dirty: make(map[string]bool)}
	ix.writeMu.Unlock()

	swapped := false
	defer func() {
		if swapped {
			return
		}
		ix.writeMu.Lock()
		ix.rebuild = nil
		ix.writeMu.Unlock()
		next.close()
		os.RemoveAll(filepath.Join(ix.dir, next.name))
	}()

	done := 0
	// pages big enough that each partition gets a batch of its own size
	err = src.ForEachArticle(ctx, rebuildPage*ix.cfg.BatchSize, func(page []observatory.Article) error {
		ix.writeMu.Lock()
		if ix.closed {
			ix.writeMu.Unlock()
			return errors.New("index: closed")
		}
		fresh := page[:0:0]
		for i := range page {
			if !ix.rebuild.dirty[page[i].ID] {
				fresh = append(fresh, page[i])
			}
		}
		err := ix.write(ctx, next, fresh, nil, false)
		ix.writeMu.Unlock()
		if err != nil {
			return err
		}
		done += len(page)
		if progress != nil {
			progress(done)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("index: rebuild: %w", err)
	}
	// Merge each partition into one segment. Only segments on disk are
	// merged, so what the rebuild wrote is persisted first; what live
	// writes add meanwhile is persisted again below, under the lock.
	if err := persist(ctx, next); err != nil {
		return err
	}
	if err := compact(ctx, next); err != nil {
		return err
	}

	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	if ix.closed {
		return errors.New("index: closed")
	}
	if err := persist(ctx, next); err != nil {
		return err
	}
	if err := ix.writeCurrent(next.name); err != nil {
		return err
	}
	ix.mu.Lock()
	old := ix.cur
	ix.cur = next
	ix.mu.Unlock()
	ix.rebuild = nil
	swapped = true
	// the new files were written through the page cache (see segments.go)
	evictFiles(next.dir)
	ix.log.Info("index rebuilt", "generation", next.name, "articles", done)
	if err := old.close(); err != nil {
		ix.log.Warn("close old index generation", "generation", old.name, "err", err)
	}
	if err := os.RemoveAll(filepath.Join(ix.dir, old.name)); err != nil {
		ix.log.Warn("remove old index generation", "generation", old.name, "err", err)
	}
	return nil
}
