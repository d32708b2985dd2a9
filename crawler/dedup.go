package crawler

import (
	"context"
	"hash/fnv"
	"math/bits"
	"strings"
	"sync"
	"time"
	"unicode"

	"observatory"
)

// Near-duplicate detection: the same story syndicated by several outlets
// (agency copy from EFE, AFP, AP) is grouped, not counted as independent
// coverage, while each outlet's copy stays stored and findable under its
// own URL. Texts are fingerprinted with SimHash (Charikar 2002) over
// three-word shingles of the folded text; two fingerprints within
// Config.NearDupDistance bits are the same story.

// minDupWords is the shortest text fingerprinted: short stubs share too
// much boilerplate to say anything.
const minDupWords = 60

// simhash returns the 64-bit SimHash of text over word 3-shingles, and
// whether the text was long enough to fingerprint.
func simhash(text string) (uint64, bool) {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	})
	if len(words) < minDupWords {
		return 0, false
	}
	var v [64]int
	h := fnv.New64a()
	for i := 0; i+3 <= len(words); i++ {
		h.Reset()
		h.Write([]byte(words[i]))
		h.Write([]byte{' '})
		h.Write([]byte(words[i+1]))
		h.Write([]byte{' '})
		h.Write([]byte(words[i+2]))
		x := h.Sum64()
		for b := range 64 {
			if x&(1<<b) != 0 {
				v[b]++
			} else {
				v[b]--
			}
		}
	}
	var out uint64
	for b := range 64 {
		if v[b] > 0 {
			out |= 1 << b
		}
	}
	return out, true
}

// maxSeedArticles is the largest store whose articles are read back at
// start, by ID, to seed near-duplicate detection when the store cannot
// list its recent articles by fetch time (recentLister).
const maxSeedArticles = 200_000

// recentLister lists the articles fetched since a time, whatever the
// store's size (store.DB does).
type recentLister interface {
	ForEachArticleSince(ctx context.Context, since time.Time, batch int, fn func([]observatory.Article) error) error
}

// nearDups remembers the fingerprints of recent articles.
type nearDups struct {
	maxDist int
	window  time.Duration
	maxSeed int // maxSeedArticles, or less in tests

	mu      sync.Mutex
	loaded  bool
	entries []dupEntry
}

type dupEntry struct {
	hash  uint64
	id    string
	group string
	at    time.Time
}

func newNearDups(maxDist int, window time.Duration) *nearDups {
	return &nearDups{maxDist: maxDist, window: window, maxSeed: maxSeedArticles}
}

// load seeds the fingerprints from the store's recent articles once, so a
// restart does not forget the stories already seen.
func (d *nearDups) load(ctx context.Context, st Store, now time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.loaded {
		return
	}
	d.loaded = true
	since := now.Add(-d.window)
	add := func(arts []observatory.Article) error {
		for i := range arts {
			a := &arts[i]
			if a.Fetched.Before(since) {
				continue
			}
			if h, ok := simhash(a.Text); ok {
				d.entries = append(d.entries, dupEntry{hash: h, id: a.ID, group: a.Group, at: a.Fetched})
			}
		}
		return nil
	}
	if recent, ok := st.(recentLister); ok {
		_ = recent.ForEachArticleSince(ctx, since, 500, add)
		return
	}
	lister, ok := st.(articleLister)
	if !ok {
		return
	}
	// Listed by ID, not by date: past a size, reading them all at start
	// costs more than the groups a restart would miss.
	if counter, ok := st.(interface {
		CountArticles(context.Context) (int, error)
	}); ok {
		if n, err := counter.CountArticles(ctx); err != nil || n > d.maxSeed {
			return
		}
	}
	_ = lister.ForEachArticle(ctx, 500, add)
}

// assign looks for a near-duplicate of a among recent articles and
// records a. It returns the group a joins ("" when a is unique) and, when
// a is the first copy to be matched, the ID of the earlier article that
// now starts the group and must be marked.
func (d *nearDups) assign(a *observatory.Article, now time.Time) (group, mark string) {
	h, ok := simhash(a.Text)
	if !ok {
		return "", ""
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	cut := now.Add(-d.window)
	kept := d.entries[:0]
	best, bestDist := -1, d.maxDist+1
	for _, e := range d.entries {
		if e.at.Before(cut) {
			continue
		}
		kept = append(kept, e)
		if e.id == a.ID {
			continue
		}
		if dist := bits.OnesCount64(e.hash ^ h); dist < bestDist {
			best, bestDist = len(kept)-1, dist
		}
	}
	d.entries = kept
	if best >= 0 {
		e := &d.entries[best]
		if e.group == "" {
			e.group = e.id
			mark = e.id
		}
		group = e.group
	}
	d.entries = append(d.entries, dupEntry{hash: h, id: a.ID, group: group, at: now})
	return group, mark
}
