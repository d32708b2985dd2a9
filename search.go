package observatory

import "time"

// Kinds of indexed items.
const (
	KindArticle  = "article"
	KindDocument = "document"
)

// SearchQuery is what an analyst asks of the index. Empty filters do not
// filter; several values of one filter are alternatives (OR), different
// filters all apply (AND).
type SearchQuery struct {
	Q        string    // bleve query-string syntax; empty matches everything
	Country  []string  // pilot country codes
	Tag      []string  // tags or sub-tags
	Source   []string  // source IDs
	Medium   []string  // media
	Kind     []string  // KindArticle, KindDocument
	Language []string  // ISO 639-1
	From, To time.Time // publication date range; zero means open
	Sort     string    // "relevance" (default), "date" (newest first), "-date" (oldest first)
	Page     int       // 1-based
	Size     int       // hits per page
}

// SearchResult is one page of hits with the facets of the whole filtered result.
type SearchResult struct {
	Total  uint64                    `json:"total"`
	Hits   []SearchHit               `json:"hits"`
	Facets map[string]map[string]int `json:"facets"` // facet name → term → count
	Took   time.Duration             `json:"-"`
}

// SearchHit is one item of a result page.
type SearchHit struct {
	ID         string     `json:"id"`
	Kind       string     `json:"kind"`
	Title      string     `json:"title"`
	URL        string     `json:"url"`
	Source     string     `json:"source"`
	SourceName string     `json:"source_name"`
	Country    string     `json:"country"`
	Medium     string     `json:"medium,omitempty"`
	Published  time.Time  `json:"published"`
	Tags       []TagScore `json:"tags"`
	// Highlights are fragments of the title and text with the matched
	// words wrapped in <mark>…</mark>; everything else is HTML-escaped.
	Highlights []string `json:"highlights"`
}

// TagScore is a tag on a hit, without its explanation.
type TagScore struct {
	Tag   string  `json:"tag"`
	Score float64 `json:"score"`
}

// IndexBatch is a slice of the store's "to index" log: the articles written
// or changed since the index last caught up, and the identifiers of those
// deleted. The index acknowledges it by passing Through back to the store.
type IndexBatch struct {
	Upsert  []Article
	Delete  []string
	Through uint64
}
