package observatory

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Article is one piece of coverage collected from an outlet, stored once
// per canonical URL.
type Article struct {
	ID         string    `json:"id"`  // ArticleID(URL)
	URL        string    `json:"url"` // canonical URL
	SourceID   string    `json:"source"`
	SourceName string    `json:"source_name"`
	Country    string    `json:"country"`
	Medium     string    `json:"medium"`
	Title      string    `json:"title"`
	Text       string    `json:"text"`              // main text, plain
	Summary    string    `json:"summary,omitempty"` // the feed's description, plain
	Published  time.Time `json:"published"`
	Fetched    time.Time `json:"fetched"`
	Authors    []string  `json:"authors,omitempty"`
	Language   string    `json:"language,omitempty"`
	ImageURL   string    `json:"image_url,omitempty"`

	// Near-duplicate group: articles carrying the same story (wire copy
	// reprinted by several outlets) share a Group; empty when unique.
	Group string `json:"group,omitempty"`

	// Classification, and the lexicon version that produced it.
	Tags           []TagResult `json:"tags"`
	LexiconVersion string      `json:"lexicon_version,omitempty"`
}

// ArticleID derives an article's stable identifier from its canonical URL.
func ArticleID(canonicalURL string) string {
	sum := sha256.Sum256([]byte(canonicalURL))
	return hex.EncodeToString(sum[:10])
}

// HasTag reports whether the article carries tag.
func (a *Article) HasTag(tag string) bool {
	for _, t := range a.Tags {
		if t.Tag == tag {
			return true
		}
	}
	return false
}

// SourceHealth is the crawl state of one source: what the crawler did last
// time, in terms a coordinator understands, and what it needs next time.
type SourceHealth struct {
	SourceID            string    `json:"source_id"`
	LastAttempt         time.Time `json:"last_attempt"`
	LastSuccess         time.Time `json:"last_success"`
	ConsecutiveFailures int       `json:"consecutive_failures"`
	LastError           string    `json:"last_error,omitempty"`
	ItemsLastRun        int       `json:"items_last_run"`
	NewLastRun          int       `json:"new_last_run"`
	NextAttempt         time.Time `json:"next_attempt"` // backoff: not before this time

	// Per feed (or sitemap) URL, the validators for conditional GET.
	Feeds map[string]FeedState `json:"feeds,omitempty"`
}

// FeedState holds the conditional-GET validators of one feed.
type FeedState struct {
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	LastChecked  time.Time `json:"last_checked"`
	LastChanged  time.Time `json:"last_changed"`
}
