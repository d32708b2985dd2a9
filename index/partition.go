package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"

	"observatory"
)

// A generation is partitioned by country: one bleve index per pilot
// country (and "other" for anything else), in a directory of its own,
// searched together through a bleve IndexAlias. Analysts and coordinators
// filter by country most of the time, and a search with a country filter
// then reads only those partitions; a search without one runs on every
// partition at once, which uses both cores. Measured in BENCHMARKS.md.
//
// An item's partition is its country, which is its outlet's country and
// does not change; an item whose country did change would keep a stale
// copy in its old partition until the next rebuild.

const (
	otherPartition  = "other"
	singlePartition = "all" // Config.Unpartitioned
)

// partitionOf returns the partition holding items of a country.
func (ix *Index) partitionOf(country string) string {
	if ix.cfg.Unpartitioned {
		return singlePartition
	}
	if _, ok := observatory.LookupCountry(strings.ToUpper(country)); ok {
		return strings.ToUpper(country)
	}
	return otherPartition
}

type generation struct {
	name          string
	dir           string
	partitionOf   func(country string) string
	unpartitioned bool

	mu    sync.RWMutex
	parts map[string]bleve.Index

	advice segmentAdvice
}

// parts returns the partitions for a country filter (all when empty), in
// a stable order.
func (g *generation) indexes(countries []string) []bleve.Index {
	g.mu.RLock()
	defer g.mu.RUnlock()
	var keys []string
	if len(countries) == 0 || g.unpartitioned {
		for k := range g.parts {
			keys = append(keys, k)
		}
	} else {
		for _, c := range countries {
			if k := g.partitionOf(strings.TrimSpace(c)); !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	var out []bleve.Index
	for _, k := range keys {
		if p, ok := g.parts[k]; ok {
			out = append(out, p)
		}
	}
	return out
}

func (g *generation) docCount() (uint64, error) {
	var n uint64
	for _, p := range g.indexes(nil) {
		c, err := p.DocCount()
		if err != nil {
			return 0, err
		}
		n += c
	}
	return n, nil
}

func (g *generation) close() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	var errs []error
	for _, p := range g.parts {
		errs = append(errs, p.Close())
	}
	g.parts = nil
	return errors.Join(errs...)
}

const versionFile = "MAPPING"

func (ix *Index) newGeneration(name, dir string) *generation {
	return &generation{name: name, dir: dir, parts: map[string]bleve.Index{},
		partitionOf: ix.partitionOf, unpartitioned: ix.cfg.Unpartitioned}
}

func (ix *Index) createGeneration(name string) (*generation, error) {
	dir := filepath.Join(ix.dir, name)
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, versionFile), []byte(mappingVersion+"\n"), 0o644); err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	return ix.newGeneration(name, dir), nil
}

func (ix *Index) openGeneration(name string) (*generation, error) {
	if !strings.HasPrefix(name, genPrefix) || strings.ContainsAny(name, `/\`) {
		return nil, fmt.Errorf("index: %s names no generation: %q", currentFile, name)
	}
	dir := filepath.Join(ix.dir, name)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("index: open %s (rebuild it with `observatory reindex`): %w", dir, err)
	}
	if v, _ := os.ReadFile(filepath.Join(dir, versionFile)); strings.TrimSpace(string(v)) != mappingVersion {
		return nil, fmt.Errorf("index: %s was built with mapping %q, this program uses %q: %w",
			dir, strings.TrimSpace(string(v)), mappingVersion, ErrOutdated)
	}
	g := ix.newGeneration(name, dir)
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		p, err := bleve.OpenUsing(filepath.Join(dir, e.Name()), ix.bleveConfig())
		if err != nil {
			g.close()
			return nil, fmt.Errorf("index: open %s (rebuild it with `observatory reindex`): %w", filepath.Join(dir, e.Name()), err)
		}
		g.parts[e.Name()] = p
	}
	return g, nil
}

// partition returns the partition key, creating it if needed. Writers
// hold writeMu.
func (ix *Index) partition(g *generation, key string) (bleve.Index, error) {
	g.mu.RLock()
	p, ok := g.parts[key]
	g.mu.RUnlock()
	if ok {
		return p, nil
	}
	p, err := bleve.NewUsing(filepath.Join(g.dir, key), ix.mapping, bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, ix.bleveConfig())
	if err != nil {
		return nil, fmt.Errorf("index: create partition %s: %w", key, err)
	}
	g.mu.Lock()
	g.parts[key] = p
	g.mu.Unlock()
	return p, nil
}

// item is one thing to index: an article now, a library document later
// (a documentDoc beside articleDoc, and an ApplyDocuments beside Apply).
type item struct {
	id  string
	doc *doc
}

func articleItems(arts []observatory.Article) []item {
	out := make([]item, 0, len(arts))
	for i := range arts {
		if arts[i].ID != "" {
			out = append(out, item{id: arts[i].ID, doc: articleDoc(&arts[i])})
		}
	}
	return out
}

// write indexes articles and deletes IDs in g's partitions.
func (ix *Index) write(ctx context.Context, g *generation, upsert []observatory.Article, del []string, durable bool) error {
	return ix.writeItems(ctx, g, articleItems(upsert), del, durable)
}

// writeItems indexes items and deletes IDs in g's partitions. With
// durable, it returns once every partition written has persisted.
func (ix *Index) writeItems(ctx context.Context, g *generation, upsert []item, del []string, durable bool) error {
	byPart := map[string][]item{}
	for _, it := range upsert {
		k := ix.partitionOf(it.doc.Country)
		byPart[k] = append(byPart[k], it)
	}
	var waits []chan error
	keys := make([]string, 0, len(byPart))
	for k := range byPart {
		keys = append(keys, k)
	}
	if len(del) > 0 { // an ID to delete may be in any partition
		g.mu.RLock()
		for k := range g.parts {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
		g.mu.RUnlock()
	}
	slices.Sort(keys)
	// partitions index their batches side by side
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	parts := make([]bleve.Index, len(keys))
	for i, k := range keys {
		p, err := ix.partition(g, k)
		if err != nil {
			return err
		}
		parts[i] = p
	}
	for i, k := range keys {
		p := parts[i]
		wg.Add(1)
		go func() {
			defer wg.Done()
			ch, err := ix.writePartition(ctx, p, byPart[k], del, durable)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			}
			if ch != nil {
				waits = append(waits, ch)
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for _, ch := range waits {
		select {
		case err := <-ch:
			if err != nil {
				return fmt.Errorf("index: persist: %w", err)
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// writePartition indexes items and deletes IDs in one partition, in
// batches of cfg.BatchSize. With durable, it returns a channel that
// receives the persistence of the last batch.
func (ix *Index) writePartition(ctx context.Context, p bleve.Index, items []item, del []string, durable bool) (chan error, error) {
	b := p.NewBatch()
	for _, it := range items {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := b.Index(it.id, it.doc); err != nil {
			return nil, fmt.Errorf("index: %s %s: %w", it.doc.Kind, it.id, err)
		}
		if b.Size() >= ix.cfg.BatchSize {
			if err := p.Batch(b); err != nil {
				return nil, fmt.Errorf("index: batch: %w", err)
			}
			b.Reset()
		}
	}
	for _, id := range del {
		b.Delete(id)
	}
	if b.Size() == 0 {
		return nil, nil
	}
	var ch chan error
	if durable {
		ch = make(chan error, 1)
		b.SetPersistedCallback(func(err error) { ch <- err })
	}
	if err := p.Batch(b); err != nil {
		return nil, fmt.Errorf("index: batch: %w", err)
	}
	return ch, nil
}

// persist waits until everything written to g is on disk.
func persist(ctx context.Context, g *generation) error {
	for _, p := range g.indexes(nil) {
		b := p.NewBatch()
		b.SetInternal([]byte(internalMappingID), []byte(mappingVersion))
		done := make(chan error, 1)
		b.SetPersistedCallback(func(err error) { done <- err })
		if err := p.Batch(b); err != nil {
			return fmt.Errorf("index: %w", err)
		}
		select {
		case err := <-done:
			if err != nil {
				return fmt.Errorf("index: persist: %w", err)
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}
