package sources

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"observatory"
)

// MaxImportSize bounds the file Import reads: far above any real
// directory (the seed is a few tens of kilobytes), far below memory
// trouble.
const MaxImportSize = 16 << 20

// Import reads sources from r, as CSV (with a header row, see Columns) or
// OPML (what feed readers export), and creates or updates them in reg.
// format is FormatCSV, FormatOPML or "" to tell them apart by content.
//
// A row updates the source with the same ID, or else the same homepage
// (observatory.HomepageKey); otherwise it creates one. Only the fields the
// file carries change, and a row equal to the stored source is left alone,
// so importing the same file twice changes nothing. A row that is invalid,
// or collides with another source, is reported in Report.Errors with its
// line and the fields at fault, and the other rows are still imported; each
// row is saved whole or not at all. The error is for problems with the
// whole file (unreadable, unknown format or column) or with the registry.
func Import(ctx context.Context, reg Registry, r io.Reader, format string, by string) (Report, error) {
	var rep Report
	data, err := io.ReadAll(io.LimitReader(r, MaxImportSize+1))
	if err != nil {
		return rep, fmt.Errorf("sources: import: %w", err)
	}
	if len(data) > MaxImportSize {
		return rep, fmt.Errorf("sources: el archivo supera %d MiB / the file is larger than %d MiB: %w", MaxImportSize>>20, MaxImportSize>>20, observatory.ErrInvalid)
	}
	if format == "" {
		format = sniffFormat(data)
	}
	var rows []row
	switch strings.ToLower(format) {
	case FormatCSV:
		rows, err = readCSV(data)
	case FormatOPML:
		rows, err = readOPML(data)
	default:
		return rep, fmt.Errorf("sources: formato desconocido %q: use csv u opml / unknown format %[1]q: use csv or opml: %w", format, observatory.ErrInvalid)
	}
	if err != nil {
		return rep, err
	}
	existing, err := reg.Sources(ctx, observatory.SourceFilter{})
	if err != nil {
		return rep, fmt.Errorf("sources: import: %w", err)
	}
	im := newImporter(existing)
	for i := range rows {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		if err := im.row(ctx, reg, &rows[i], by, &rep); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// sniffFormat tells OPML (XML) from CSV by the first character.
func sniffFormat(data []byte) string {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && t[0] == '<' {
		return FormatOPML
	}
	return FormatCSV
}

// importer matches rows to the stored sources and remembers what the file
// already touched.
type importer struct {
	byID   map[string]*observatory.Source
	byHome map[string]*observatory.Source
	lineOf map[string]int // source ID or homepage key → line of the file that touched it
}

func newImporter(existing []observatory.Source) *importer {
	im := &importer{
		byID:   make(map[string]*observatory.Source, len(existing)),
		byHome: make(map[string]*observatory.Source, len(existing)),
		lineOf: make(map[string]int),
	}
	for i := range existing {
		im.remember(&existing[i])
	}
	return im
}

func (im *importer) remember(s *observatory.Source) {
	im.byID[s.ID] = s
	im.byHome[observatory.HomepageKey(s.Homepage)] = s
}

// row saves one row and counts it in rep. It returns an error only when
// the registry fails for reasons other than the row's content.
func (im *importer) row(ctx context.Context, reg Registry, r *row, by string, rep *Report) error {
	fail := func(err error) {
		rep.Errors = append(rep.Errors, RowError{Line: r.line, Name: r.src.Name, Err: err})
	}
	if r.err != nil {
		fail(r.err)
		return nil
	}
	old := im.byID[r.src.ID]
	if old == nil && r.set["homepage"] {
		old = im.byHome[observatory.HomepageKey(strings.TrimSpace(r.src.Homepage))]
	}
	var s observatory.Source
	key := ""
	if old != nil {
		s = cloneSource(old)
		key = "id:" + old.ID
	} else {
		if !r.set["homepage"] {
			fail(fmt.Errorf("no hay ninguna fuente con id %q y la fila no tiene homepage para crearla / no source has id %[1]q and the row has no homepage to create one: %w",
				r.src.ID, observatory.ErrNotFound))
			return nil
		}
		s.ID = r.src.ID
		s.Active = true // a new outlet is crawled unless the file says otherwise
		key = "home:" + observatory.HomepageKey(strings.TrimSpace(r.src.Homepage))
	}
	if line, ok := im.lineOf[key]; ok {
		fail(fmt.Errorf("la misma fuente ya aparece en la línea %d / the same source is already on line %[1]d: %w", line, observatory.ErrConflict))
		return nil
	}
	im.lineOf[key] = r.line
	r.apply(&s)
	s.Normalize()
	v := r.bad
	if err := s.Validate(); err != nil {
		var ve *observatory.ValidationError
		if !errors.As(err, &ve) {
			fail(err)
			return nil
		}
		for f, msg := range ve.Fields {
			v.Add(f, msg)
		}
	}
	if err := v.Err(); err != nil {
		fail(err)
		return nil
	}
	if old != nil && sameSource(old, &s) {
		rep.Unchanged++
		return nil
	}
	var err error
	if old != nil {
		err = reg.UpdateSource(ctx, &s, by)
	} else {
		err = reg.CreateSource(ctx, &s, by)
	}
	switch {
	case err == nil:
	case errors.Is(err, observatory.ErrInvalid), errors.Is(err, observatory.ErrConflict), errors.Is(err, observatory.ErrNotFound):
		fail(err)
		return nil
	default:
		return fmt.Errorf("sources: import line %d: %w", r.line, err)
	}
	if old != nil {
		delete(im.byHome, observatory.HomepageKey(old.Homepage))
		rep.Updated++
	} else {
		rep.Created++
	}
	im.remember(&s)
	im.lineOf["id:"+s.ID] = r.line
	return nil
}

func cloneSource(s *observatory.Source) observatory.Source {
	c := *s
	c.Languages = slices.Clone(s.Languages)
	c.Feeds = slices.Clone(s.Feeds)
	c.Sitemaps = slices.Clone(s.Sitemaps)
	c.Listings = slices.Clone(s.Listings)
	return c
}

// Changes returns the fields (named as in Columns) in which b differs
// from a, ignoring who created or changed them and when: what an audit
// trail records for an edit. It is empty when they hold the same record.
func Changes(a, b *observatory.Source) []string {
	var out []string
	for _, name := range Columns {
		if c := columns[name]; c.get(a) != c.get(b) {
			out = append(out, name)
		}
	}
	return out
}

func sameSource(a, b *observatory.Source) bool { return len(Changes(a, b)) == 0 }

// Export writes srcs in format (FormatCSV or FormatOPML), in the order
// given.
func Export(w io.Writer, srcs []observatory.Source, format string) error {
	switch strings.ToLower(format) {
	case FormatCSV, "":
		return writeCSV(w, srcs)
	case FormatOPML:
		return writeOPML(w, srcs)
	}
	return fmt.Errorf("sources: formato desconocido %q: use csv u opml / unknown format %[1]q: use csv or opml: %w", format, observatory.ErrInvalid)
}
