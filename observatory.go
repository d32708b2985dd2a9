// Package observatory holds the domain types shared by every part of the
// media observatory on migration and gender: outlets (sources), articles,
// tags and their explanations, search requests and results, and the errors
// the other packages wrap. It imports only the standard library.
package observatory

// Country is one of the pilot countries, by ISO 3166-1 alpha-2 code.
type Country struct {
	Code string // "CR"
	ES   string // Spanish name, shown first in the UI
	EN   string // English name
}

// countries lists the eight pilot countries in the order the programme names them.
var countries = [...]Country{
	{"GT", "Guatemala", "Guatemala"},
	{"HN", "Honduras", "Honduras"},
	{"SV", "El Salvador", "El Salvador"},
	{"NI", "Nicaragua", "Nicaragua"},
	{"CR", "Costa Rica", "Costa Rica"},
	{"PA", "Panamá", "Panama"},
	{"CO", "Colombia", "Colombia"},
	{"DO", "República Dominicana", "Dominican Republic"},
}

// Countries returns the pilot countries, in programme order.
func Countries() []Country {
	out := make([]Country, len(countries))
	copy(out, countries[:])
	return out
}

// LookupCountry returns the pilot country with the given code (upper case).
func LookupCountry(code string) (Country, bool) {
	for _, c := range countries {
		if c.Code == code {
			return c, true
		}
	}
	return Country{}, false
}

// Media kinds of an outlet.
const (
	MediumPrint  = "print"
	MediumRadio  = "radio"
	MediumTV     = "tv"
	MediumOnline = "online"
	MediumAgency = "agency"
)

// Media returns the valid medium values.
func Media() []string {
	return []string{MediumPrint, MediumRadio, MediumTV, MediumOnline, MediumAgency}
}

// MediumLabel returns the Spanish label of a medium.
func MediumLabel(m string) string {
	switch m {
	case MediumPrint:
		return "prensa escrita"
	case MediumRadio:
		return "radio"
	case MediumTV:
		return "televisión"
	case MediumOnline:
		return "digital"
	case MediumAgency:
		return "agencia"
	}
	return m
}

// Scopes of an outlet's coverage.
const (
	ScopeNational = "national"
	ScopeRegional = "regional"
	ScopeLocal    = "local"
)

// Scopes returns the valid scope values ("" is allowed and means unknown).
func Scopes() []string { return []string{ScopeNational, ScopeRegional, ScopeLocal} }
