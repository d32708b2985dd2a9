// Package sources keeps the media directory: the embedded seed registry of
// pilot-country outlets, CSV and OPML import and export, feed discovery, the
// "test this source" preview and the health flags a coordinator reads.
//
// It reaches the store through the small Registry interface declared here
// and the web through an *http.Client passed in by the caller, so that the
// crawler's guarded client (timeouts, SSRF guard) is the one used in
// production.
package sources

import (
	"context"
	"fmt"
	"strings"

	"observatory"
)

// Registry is what Import needs from the store.
type Registry interface {
	Sources(ctx context.Context, f observatory.SourceFilter) ([]observatory.Source, error)
	CreateSource(ctx context.Context, s *observatory.Source, by string) error
	UpdateSource(ctx context.Context, s *observatory.Source, by string) error
}

// Formats of Import and Export.
const (
	FormatCSV  = "csv"
	FormatOPML = "opml"
)

// Report says what an import did. Rows in Errors were not saved; every
// other row was.
type Report struct {
	Created, Updated, Unchanged int
	Errors                      []RowError
}

// String summarises the report, Spanish first.
func (r Report) String() string {
	return fmt.Sprintf("%d creadas, %d actualizadas, %d sin cambios, %d con errores / %d created, %d updated, %d unchanged, %d with errors",
		r.Created, r.Updated, r.Unchanged, len(r.Errors), r.Created, r.Updated, r.Unchanged, len(r.Errors))
}

// RowError is a row of an imported file that was not saved, with the line
// where it starts (1 is the first line of the file), the outlet's name when
// the row has one, and why. Err wraps observatory.ErrInvalid (often as a
// *observatory.ValidationError naming each field) or observatory.ErrConflict.
type RowError struct {
	Line int
	Name string
	Err  error
}

func (e RowError) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "línea %d / line %d", e.Line, e.Line)
	if e.Name != "" {
		fmt.Fprintf(&b, " (%s)", e.Name)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Error makes a RowError usable as an error.
func (e RowError) Error() string { return e.String() }

// Unwrap returns the reason.
func (e RowError) Unwrap() error { return e.Err }
