package observatory

// The three top-level tags of the observatory.
const (
	TagMigration  = "migration"
	TagGender     = "gender"
	TagXenophobia = "xenophobia"
)

// Tags returns the top-level tags in display order.
func Tags() []string { return []string{TagMigration, TagGender, TagXenophobia} }

// TagLabel returns the Spanish label of a top-level tag.
func TagLabel(tag string) string {
	switch tag {
	case TagMigration:
		return "migración"
	case TagGender:
		return "género"
	case TagXenophobia:
		return "xenofobia"
	}
	return tag
}

// TagResult is one tag assigned to a text, with its score and why.
type TagResult struct {
	Tag         string     `json:"tag"`
	Score       float64    `json:"score"`
	Subtags     []string   `json:"subtags"`
	Explanation []Evidence `json:"explanation"`
}

// Evidence is one lexicon term that matched, and where.
type Evidence struct {
	Term     string `json:"term"`             // the lexicon entry that matched
	Sentence string `json:"sentence"`         // the sentence it matched in, as written
	Field    string `json:"field"`            // "title" or "body"
	Position int    `json:"position"`         // byte offset of the match in that field
	Subtag   string `json:"subtag,omitempty"` // the sub-tag the term counts for, if any
}

// Classification is what the classifier says of one text: the tags it
// assigned (above their thresholds) and the lexicon version that said it.
type Classification struct {
	Tags           []TagResult `json:"tags"`
	LexiconVersion string      `json:"lexicon_version"`
}
