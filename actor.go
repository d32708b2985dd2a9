package observatory

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Actor is an entry of the actors directory: an institution, organisation
// or person working on female migration in a pilot country. Email, Phone,
// Notes and CouncilCandidate are personal or internal: readers without the
// right to read contacts (ResActorContact) get the record from Public.
type Actor struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Kind    string   `json:"kind"`    // see ActorKinds
	Country string   `json:"country"` // pilot country code
	Areas   []string `json:"areas"`   // areas of work, see ActorAreas (others allowed)
	Website string   `json:"website,omitempty"`
	Role    string   `json:"role,omitempty"` // a person's post, or an organisation's part in the field
	// Documents links the library documents the actor authored: document
	// IDs, or URLs while the library does not hold them.
	Documents []string `json:"documents,omitempty"`

	Email            string `json:"email,omitempty"`
	Phone            string `json:"phone,omitempty"`
	CouncilCandidate bool   `json:"council_candidate,omitempty"` // candidate for the country observatory's governing council
	Notes            string `json:"notes,omitempty"`

	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by,omitempty"`
}

// Kinds of actor.
const (
	ActorGovernment    = "government"
	ActorNGO           = "ngo"
	ActorAcademic      = "academic"
	ActorInternational = "international" // international organisation
	ActorMedia         = "media"
	ActorPerson        = "person"
)

// ActorKinds returns the valid actor kinds.
func ActorKinds() []string {
	return []string{ActorGovernment, ActorNGO, ActorAcademic, ActorInternational, ActorMedia, ActorPerson}
}

// ActorAreas returns the areas of work the forms offer; an actor may name
// others.
func ActorAreas() []string {
	return []string{"migration", "women-migrants", "trafficking", "gender-violence", "asylum-refuge",
		"labour-rights", "health", "children", "human-rights", "xenophobia", "return-reintegration",
		"communication", "research"}
}

// ActorPersonalFields are the JSON names of the fields only staff read
// (and whose values the change history does not keep).
var ActorPersonalFields = []string{"email", "phone", "notes", "council_candidate"}

// Public returns the actor as anonymous readers see it: without contact
// details, notes or council candidacy.
func (a *Actor) Public() Actor {
	p := *a
	p.Email, p.Phone, p.Notes, p.CouncilCandidate = "", "", "", false
	p.CreatedBy, p.UpdatedBy = "", ""
	return p
}

// Normalize trims what a person types: upper-case country, lower-case
// kind and areas, no empty or repeated list items, and text that is valid
// UTF-8.
func (a *Actor) Normalize() {
	validUTF8(&a.ID, &a.Name, &a.Kind, &a.Country, &a.Website, &a.Role, &a.Email, &a.Phone, &a.Notes)
	a.ID = strings.TrimSpace(a.ID)
	a.Name = strings.Join(strings.Fields(a.Name), " ")
	a.Kind = strings.ToLower(strings.TrimSpace(a.Kind))
	a.Country = strings.ToUpper(strings.TrimSpace(a.Country))
	a.Areas = cleanList(a.Areas, func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) })
	a.Website = strings.TrimSpace(a.Website)
	a.Role = strings.Join(strings.Fields(a.Role), " ")
	a.Documents = cleanList(a.Documents, nil)
	a.Email = strings.TrimSpace(a.Email)
	a.Phone = strings.Join(strings.Fields(a.Phone), " ")
	a.Notes = strings.TrimSpace(a.Notes)
}

var (
	documentID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)
	phoneChars = regexp.MustCompile(`^\+?[0-9 ().-]+((ext\.?|x) ?[0-9]{1,6})?$`)
)

// Validate checks the record as a person would submit it. It returns a
// *ValidationError naming every invalid field.
func (a *Actor) Validate() error {
	var v ValidationError
	switch {
	case a.Name == "":
		v.Add("name", "el nombre es obligatorio / name is required")
	case len(a.Name) > 200:
		v.Add("name", "el nombre es demasiado largo (máx. 200) / name too long (max 200)")
	}
	if !slices.Contains(ActorKinds(), a.Kind) {
		v.Add("kind", "tipo desconocido: use government, ngo, academic, international, media o person / unknown kind: use government, ngo, academic, international, media or person")
	}
	if _, ok := LookupCountry(a.Country); !ok {
		v.Add("country", "país desconocido: use GT, HN, SV, NI, CR, PA, CO o DO / unknown country: use one of GT, HN, SV, NI, CR, PA, CO, DO")
	}
	if len(a.Areas) > 20 {
		v.Add("areas", "demasiadas áreas (máx. 20) / too many areas (max 20)")
	}
	for _, ar := range a.Areas {
		if len([]rune(ar)) > 60 {
			v.Add("areas", ar+": área demasiado larga (máx. 60) / area too long (max 60)")
		}
	}
	if a.Website != "" {
		if msg := CheckWebURL(a.Website); msg != "" {
			v.Add("website", msg)
		}
	}
	if len(a.Role) > 200 {
		v.Add("role", "el cargo es demasiado largo (máx. 200) / role too long (max 200)")
	}
	if len(a.Documents) > 100 {
		v.Add("documents", "demasiados documentos (máx. 100) / too many documents (max 100)")
	}
	for _, d := range a.Documents {
		if strings.Contains(d, "://") {
			if msg := CheckWebURL(d); msg != "" {
				v.Add("documents", d+": "+msg)
			}
		} else if !documentID.MatchString(d) {
			v.Add("documents", d+": use el identificador del documento o su URL / use the document's identifier or its URL")
		}
	}
	if a.Email != "" {
		if m, err := mail.ParseAddress(a.Email); err != nil || m.Address != a.Email || !strings.Contains(m.Address[strings.LastIndexByte(m.Address, '@')+1:], ".") {
			v.Add("email", "correo no válido; escriba solo la dirección, p. ej. nombre@dominio.org / invalid e-mail; write the address only, e.g. name@domain.org")
		}
	}
	if a.Phone != "" {
		digits := strings.Count(strings.Map(func(r rune) rune {
			if unicode.IsDigit(r) {
				return 'd'
			}
			return -1
		}, a.Phone), "d")
		if !phoneChars.MatchString(a.Phone) || digits < 6 || len(a.Phone) > 40 {
			v.Add("phone", "teléfono no válido; use cifras, espacios, +, -, paréntesis, p. ej. +506 2222 3333 / invalid phone; use digits, spaces, +, -, brackets, e.g. +506 2222 3333")
		}
	}
	if len(a.Notes) > 10000 {
		v.Add("notes", "las notas son demasiado largas (máx. 10 000 caracteres) / notes too long (max 10,000 characters)")
	}
	return v.Err()
}

// ActorFilter selects actors; empty fields do not filter.
type ActorFilter struct {
	Country string
	Kind    string
	Area    string
	Q       string // case-insensitive substring of name, role or areas
	// CouncilOnly keeps the council candidates; only for readers who may
	// read contacts.
	CouncilOnly bool
}

// Match reports whether a passes the filter.
func (f ActorFilter) Match(a *Actor) bool {
	if f.Country != "" && !strings.EqualFold(a.Country, f.Country) {
		return false
	}
	if f.Kind != "" && !strings.EqualFold(a.Kind, f.Kind) {
		return false
	}
	if f.Area != "" && !slices.Contains(a.Areas, strings.ToLower(f.Area)) {
		return false
	}
	if f.CouncilOnly && !a.CouncilCandidate {
		return false
	}
	if f.Q != "" {
		q := strings.ToLower(f.Q)
		hay := strings.ToLower(a.Name + "\n" + a.Role + "\n" + strings.Join(a.Areas, "\n"))
		if !strings.Contains(hay, q) {
			return false
		}
	}
	return true
}

// ActorColumns are the columns of WriteActorsCSV, in order.
var ActorColumns = []string{"id", "name", "kind", "country", "areas", "website", "role", "documents",
	"email", "phone", "council_candidate", "notes", "created_at", "created_by", "updated_at", "updated_by"}

// WriteActorsCSV writes actors as CSV with a header row (ActorColumns).
// Lists are separated by spaces, except areas, separated by semicolons.
// It includes contact details: callers check the right to export them.
// Cells that a spreadsheet would read as formulas are defused
// (SpreadsheetCell).
func WriteActorsCSV(w io.Writer, actors []Actor) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(ActorColumns); err != nil {
		return err
	}
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	for _, a := range actors {
		rec := []string{a.ID, a.Name, a.Kind, a.Country, strings.Join(a.Areas, "; "), a.Website, a.Role,
			strings.Join(a.Documents, " "), a.Email, a.Phone, strconv.FormatBool(a.CouncilCandidate), a.Notes,
			stamp(a.CreatedAt), a.CreatedBy, stamp(a.UpdatedAt), a.UpdatedBy}
		for i := range rec {
			rec[i] = SpreadsheetCell(rec[i])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("actors csv: %w", err)
	}
	return nil
}
