package sources

import (
	"slices"
	"strings"

	"observatory"
)

// Columns are the CSV columns of Export, in order. Import accepts them in
// any order, case-insensitively, and any subset that includes id or
// homepage: a column left out leaves that field of an existing source as it
// is. Lists (languages, feeds, sitemaps) are separated by spaces; listings
// hold one "URL CSS-selector" pair per line of the cell; active and
// verified are true or false (sí/no, yes/no, 1/0 are accepted, and an empty
// cell leaves the field as it is, or true for active on a new source).
var Columns = []string{
	"id", "name", "country", "medium", "scope", "languages", "homepage", "feeds", "sitemaps",
	"focus", "owner", "active", "schedule", "verified", "evidence", "notes", "listings",
}

// column reads and writes one field of a Source as text.
type column struct {
	name string
	get  func(*observatory.Source) string
	// set stores the text of a non-empty cell, or returns a message
	// (Spanish / English) saying why it cannot.
	set func(s *observatory.Source, v string) string
	// emptyKeeps says that an empty cell means "leave as it is" rather
	// than "make empty".
	emptyKeeps bool
	// copy copies the field from src to dst (nil for id).
	copy func(dst, src *observatory.Source)
}

var columns = map[string]column{
	"id":        {name: "id", get: func(s *observatory.Source) string { return s.ID }, set: func(s *observatory.Source, v string) string { s.ID = v; return "" }, emptyKeeps: true},
	"name":      textColumn("name", func(s *observatory.Source) *string { return &s.Name }),
	"country":   textColumn("country", func(s *observatory.Source) *string { return &s.Country }),
	"medium":    textColumn("medium", func(s *observatory.Source) *string { return &s.Medium }),
	"scope":     textColumn("scope", func(s *observatory.Source) *string { return &s.Scope }),
	"languages": listColumn("languages", func(s *observatory.Source) *[]string { return &s.Languages }),
	"homepage":  textColumn("homepage", func(s *observatory.Source) *string { return &s.Homepage }),
	"feeds":     listColumn("feeds", func(s *observatory.Source) *[]string { return &s.Feeds }),
	"sitemaps":  listColumn("sitemaps", func(s *observatory.Source) *[]string { return &s.Sitemaps }),
	"focus":     textColumn("focus", func(s *observatory.Source) *string { return &s.Focus }),
	"owner":     textColumn("owner", func(s *observatory.Source) *string { return &s.Owner }),
	"active":    boolColumn("active", func(s *observatory.Source) *bool { return &s.Active }),
	"schedule":  textColumn("schedule", func(s *observatory.Source) *string { return &s.Schedule }),
	"verified":  boolColumn("verified", func(s *observatory.Source) *bool { return &s.Verified }),
	"evidence":  textColumn("evidence", func(s *observatory.Source) *string { return &s.Evidence }),
	"notes":     textColumn("notes", func(s *observatory.Source) *string { return &s.Notes }),
	"listings": {name: "listings", get: formatListings, set: parseListings, copy: func(dst, src *observatory.Source) {
		dst.Listings = slices.Clone(src.Listings)
	}},
}

func textColumn(name string, field func(*observatory.Source) *string) column {
	return column{
		name: name,
		get:  func(s *observatory.Source) string { return *field(s) },
		set:  func(s *observatory.Source, v string) string { *field(s) = v; return "" },
		copy: func(dst, src *observatory.Source) { *field(dst) = *field(src) },
	}
}

func listColumn(name string, field func(*observatory.Source) *[]string) column {
	split := strings.Fields
	if name == "languages" {
		split = splitWords
	}
	return column{
		name: name,
		get:  func(s *observatory.Source) string { return strings.Join(*field(s), " ") },
		set:  func(s *observatory.Source, v string) string { *field(s) = split(v); return "" },
		copy: func(dst, src *observatory.Source) { *field(dst) = slices.Clone(*field(src)) },
	}
}

// splitWords splits on spaces, commas and semicolons: "es, en" and "es en"
// are both two languages.
func splitWords(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' || r == '\r' })
}

func boolColumn(name string, field func(*observatory.Source) *bool) column {
	return column{
		name: name,
		get: func(s *observatory.Source) string {
			if *field(s) {
				return "true"
			}
			return "false"
		},
		set: func(s *observatory.Source, v string) string {
			b, ok := parseBool(v)
			if !ok {
				return "use true o false (sí/no) / use true or false (yes/no)"
			}
			*field(s) = b
			return ""
		},
		emptyKeeps: true,
		copy:       func(dst, src *observatory.Source) { *field(dst) = *field(src) },
	}
}

func parseBool(v string) (value, ok bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "yes", "sí", "si", "1", "verdadero", "y", "s":
		return true, true
	case "false", "no", "0", "falso", "n":
		return false, true
	}
	return false, false
}

func formatListings(s *observatory.Source) string {
	lines := make([]string, len(s.Listings))
	for i, l := range s.Listings {
		lines[i] = l.URL + " " + l.LinkSelector
	}
	return strings.Join(lines, "\n")
}

func parseListings(s *observatory.Source, v string) string {
	s.Listings = nil // a cell replaces the listings
	for line := range strings.Lines(v) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		u, sel, _ := strings.Cut(line, " ")
		s.Listings = append(s.Listings, observatory.Listing{URL: u, LinkSelector: strings.TrimSpace(sel)})
	}
	return ""
}

// row is one source read from an imported file: the values it gives and
// which fields it sets, so that a partial file updates only what it holds.
type row struct {
	line int
	src  observatory.Source
	set  map[string]bool
	bad  observatory.ValidationError // cells that could not be read
	err  error                       // the row could not be read at all
}

// setCell stores the text of one cell.
func (r *row) setCell(c column, v string) {
	v = observatory.PlainCell(strings.TrimSpace(v))
	if v == "" && c.emptyKeeps {
		return
	}
	if msg := c.set(&r.src, v); msg != "" {
		r.bad.Add(c.name, msg)
		return
	}
	r.set[c.name] = true
}

// apply copies the fields the row sets onto dst. The ID is for matching
// only: a stored source keeps its ID.
func (r *row) apply(dst *observatory.Source) {
	for name := range r.set {
		if c := columns[name]; c.copy != nil {
			c.copy(dst, &r.src)
		}
	}
}
