package index

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// A search runs in two phases over the partitions it reads.
//
// The first ranks and counts: every partition runs the query side by side,
// counts its hits, computes its facets and keeps its best From+Size hits
// in a collector of our own (pageCollector) instead of bleve's. bleve's
// collector, and a bleve IndexAlias above it, read the ID of every hit
// they return from its stored record, and an alias asks each partition
// for From+Size hits: page 200 read 4,000 stored records per partition,
// scattered over the stored text, which is most of the index. Here the
// partitions wait for one another once they have their best hits, the
// page is chosen from all of them, and only the page's hits have their
// IDs read, while each partition's snapshot is still open.
//
// The second loads the stored fields and the term locations (for
// highlights) of the page's hits alone.

// searchParts runs req on parts and returns its total, facets and the
// hits of the page req asks for.
func searchParts(ctx context.Context, parts []bleve.Index, req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	start := time.Now()
	rank := *req
	rank.Fields, rank.IncludeLocations, rank.Highlight = nil, false, nil
	res, holders, err := rankPage(ctx, parts, &rank)
	if err != nil {
		return nil, err
	}
	if len(res.Hits) > 0 && (len(req.Fields) > 0 || req.IncludeLocations) {
		if err := loadHits(ctx, holders, req, res.Hits); err != nil {
			return nil, err
		}
	}
	res.Took = time.Since(start)
	return res, nil
}

// rankPage runs the first phase: every partition side by side, with the
// totals and facets merged and the page's hits, in order, with their IDs.
// holders are the partitions holding those hits.
func rankPage(parent context.Context, parts []bleve.Index, req *bleve.SearchRequest) (res *bleve.SearchResult, holders []bleve.Index, err error) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	pc := newPageCollector(req, len(parts))
	results := make([]*bleve.SearchResult, len(parts))
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for i, p := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sub := *req
			sub.Size, sub.From = req.From+req.Size, 0
			sub.Sort = req.Sort.Copy() // sort fields keep state per search
			hctx := ctx
			if req.Size > 0 {
				hctx = context.WithValue(ctx, search.MakeDocumentMatchHandlerKey, pc.handlerMaker(ctx, i))
			}
			results[i], errs[i] = p.SearchInContext(hctx, &sub)
			if errs[i] != nil {
				cancel() // partitions waiting for this one give up
			}
			pc.done(i)
		}()
	}
	wg.Wait()
	if err := parent.Err(); err != nil {
		return nil, nil, err
	}
	if err := firstError(errs); err != nil {
		return nil, nil, err
	}
	res = &bleve.SearchResult{Status: &bleve.SearchStatus{}}
	for _, r := range results {
		r.Hits = nil
		res.Merge(r)
	}
	for name, fr := range req.Facets {
		res.Facets.Fixup(name, fr.Size)
	}
	res.Hits = pc.page
	for i, mine := range pc.mine {
		if len(mine) > 0 {
			holders = append(holders, parts[i])
		}
	}
	return res, holders, nil
}

// firstError returns the first error that is not a cancellation caused by
// another partition's failure.
func firstError(errs []error) error {
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// pageCollector keeps each partition's best From+Size hits and, once
// every partition has them, picks the page's.
type pageCollector struct {
	sort          search.SortOrder
	scoring, desc []bool
	from, size    int

	mu      sync.Mutex
	best    [][]*search.DocumentMatch // per partition, best first
	arrived []bool
	mine    [][]*search.DocumentMatch // per partition, its hits on the page
	waiting int                       // partitions still searching
	ready   chan struct{}             // closed when waiting is 0
	page    []*search.DocumentMatch
}

func newPageCollector(req *bleve.SearchRequest, parts int) *pageCollector {
	return &pageCollector{
		sort: req.Sort, scoring: req.Sort.CacheIsScore(), desc: req.Sort.CacheDescending(),
		from: req.From, size: req.Size,
		best: make([][]*search.DocumentMatch, parts), arrived: make([]bool, parts), mine: make([][]*search.DocumentMatch, parts),
		waiting: parts, ready: make(chan struct{}),
	}
}

// compare orders hits of one partition as bleve does: by the request's
// sort, then in index order.
func (pc *pageCollector) compare(a, b *search.DocumentMatch) int {
	return pc.sort.Compare(pc.scoring, pc.desc, a, b)
}

// handlerMaker returns the hit handler of partition i: bleve's collector
// hands it every hit, prepared (sort values, facets), and then nil.
func (pc *pageCollector) handlerMaker(ctx context.Context, i int) search.MakeDocumentMatchHandler {
	return func(sctx *search.SearchContext) (search.DocumentMatchHandler, bool, error) {
		window := pc.from + pc.size
		h := &hitHeap{compare: pc.compare}
		return func(d *search.DocumentMatch) error {
			if d != nil {
				if worst := h.push(d, window); worst != nil {
					sctx.DocumentMatchPool.Put(worst)
				}
				return nil
			}
			pc.arrive(i, h.sorted())
			select {
			case <-pc.ready:
			case <-ctx.Done():
				return ctx.Err()
			}
			// only the page's hits have their IDs read, from this
			// partition's snapshot, still open
			for _, d := range pc.mine[i] {
				id, err := sctx.IndexReader.ExternalID(d.IndexInternalID)
				if err != nil {
					return fmt.Errorf("index: hit ID: %w", err)
				}
				d.ID = id
			}
			return nil
		}, false, nil
	}
}

// arrive records partition i's best hits; the last partition to arrive
// picks the page.
func (pc *pageCollector) arrive(i int, best []*search.DocumentMatch) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.best[i], pc.arrived[i] = best, true
	pc.finishLocked()
}

// done records that partition i's search returned, whether its hits
// arrived or not (an error, or a query without hits to keep).
func (pc *pageCollector) done(i int) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if !pc.arrived[i] {
		pc.arrived[i] = true
		pc.finishLocked()
	}
}

func (pc *pageCollector) finishLocked() {
	pc.waiting--
	if pc.waiting > 0 {
		return
	}
	type ranked struct {
		d          *search.DocumentMatch
		part, rank int
	}
	var all []ranked
	for p, hits := range pc.best {
		for r, d := range hits {
			all = append(all, ranked{d, p, r})
		}
	}
	// hits of different partitions that tie go by partition, then by
	// their rank in it, so that pages neither overlap nor skip
	slices.SortFunc(all, func(a, b ranked) int {
		if a.part == b.part {
			return a.rank - b.rank
		}
		if c := pc.compareValues(a.d, b.d); c != 0 {
			return c
		}
		return a.part - b.part
	})
	for _, r := range all[min(pc.from, len(all)):min(pc.from+pc.size, len(all))] {
		pc.page = append(pc.page, r.d)
		pc.mine[r.part] = append(pc.mine[r.part], r.d)
	}
	close(pc.ready)
}

// compareValues orders hits by the request's sort alone, as
// search.SortOrder.Compare does before it falls back on hit numbers,
// which mean nothing across partitions.
func (pc *pageCollector) compareValues(a, b *search.DocumentMatch) int {
	for x := range pc.sort {
		var c int
		if pc.scoring[x] {
			c = cmp.Compare(a.Score, b.Score)
		} else {
			c = cmp.Compare(a.Sort[x], b.Sort[x])
		}
		if c != 0 {
			if pc.desc[x] {
				return -c
			}
			return c
		}
	}
	return 0
}

// hitHeap holds the best hits seen, up to a window, worst at the top.
type hitHeap struct {
	compare func(a, b *search.DocumentMatch) int
	hits    []*search.DocumentMatch
}

// push adds d and returns the hit that fell out of the window, if any.
func (h *hitHeap) push(d *search.DocumentMatch, window int) *search.DocumentMatch {
	if window <= 0 {
		return d
	}
	if len(h.hits) < window {
		h.hits = append(h.hits, d)
		h.up(len(h.hits) - 1)
		return nil
	}
	if h.compare(d, h.hits[0]) >= 0 { // no better than the worst kept
		return d
	}
	worst := h.hits[0]
	h.hits[0] = d
	h.down(0)
	return worst
}

// worse reports whether hit i sorts after hit j.
func (h *hitHeap) worse(i, j int) bool { return h.compare(h.hits[i], h.hits[j]) > 0 }

func (h *hitHeap) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !h.worse(i, parent) {
			return
		}
		h.hits[i], h.hits[parent] = h.hits[parent], h.hits[i]
		i = parent
	}
}

func (h *hitHeap) down(i int) {
	for {
		l, r, worst := 2*i+1, 2*i+2, i
		if l < len(h.hits) && h.worse(l, worst) {
			worst = l
		}
		if r < len(h.hits) && h.worse(r, worst) {
			worst = r
		}
		if worst == i {
			return
		}
		h.hits[i], h.hits[worst] = h.hits[worst], h.hits[i]
		i = worst
	}
}

// sorted returns the hits, best first.
func (h *hitHeap) sorted() []*search.DocumentMatch {
	out := slices.Clone(h.hits)
	slices.SortFunc(out, h.compare)
	return out
}

// loadHits runs the second phase: the stored fields and term locations
// of hits, which have their IDs, from the partitions holding them.
func loadHits(ctx context.Context, parts []bleve.Index, req *bleve.SearchRequest, hits []*search.DocumentMatch) error {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	load := bleve.NewSearchRequestOptions(query.NewConjunctionQuery([]query.Query{query.NewDocIDQuery(ids), req.Query}), len(ids), 0, false)
	load.Fields, load.IncludeLocations = req.Fields, req.IncludeLocations
	var loaded *bleve.SearchResult
	var err error
	if len(parts) == 1 {
		loaded, err = parts[0].SearchInContext(ctx, load)
	} else {
		loaded, err = bleve.NewIndexAlias(parts...).SearchInContext(ctx, load)
	}
	if err != nil {
		return err
	}
	if loaded.Status != nil && len(loaded.Status.Errors) > 0 {
		for _, e := range loaded.Status.Errors {
			return e
		}
	}
	byID := make(map[string]*search.DocumentMatch, len(loaded.Hits))
	for _, h := range loaded.Hits {
		byID[h.ID] = h
	}
	for _, h := range hits {
		if l, ok := byID[h.ID]; ok {
			h.Fields, h.Locations = l.Fields, l.Locations
		}
	}
	return nil
}
