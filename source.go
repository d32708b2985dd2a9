package observatory

import (
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Source is a media outlet in the media directory: what the crawler reads.
type Source struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Country   string    `json:"country"` // pilot country code, see Countries
	Medium    string    `json:"medium"`  // see Media
	Scope     string    `json:"scope,omitempty"`
	Languages []string  `json:"languages"`
	Homepage  string    `json:"homepage"`
	Feeds     []string  `json:"feeds"`
	Sitemaps  []string  `json:"sitemaps"`
	Listings  []Listing `json:"listings,omitempty"`
	Focus     string    `json:"focus,omitempty"` // "general", or a speciality: migration, women, human-rights…
	Owner     string    `json:"owner,omitempty"` // owner or media group
	Notes     string    `json:"notes,omitempty"`
	Active    bool      `json:"active"`
	Schedule  string    `json:"schedule,omitempty"` // cron spec; empty means the server's default
	// PollMax is the upper bound of adaptive polling: a source whose feeds
	// stay unchanged is polled less often than its schedule, but at least
	// this often (a duration such as "6h"); empty means the crawler's
	// default. The schedule itself is the lower bound.
	PollMax string `json:"poll_max,omitempty"`

	// Provenance of the record: whether its homepage and feeds were
	// confirmed, and where they were seen. Seeded outlets carry it from
	// the registry they came from.
	Verified bool   `json:"verified"`
	Evidence string `json:"evidence,omitempty"`

	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by,omitempty"`
}

// Listing is a page that lists an outlet's articles, for outlets without a
// feed: the crawler follows the links that LinkSelector (CSS) selects.
type Listing struct {
	URL          string `json:"url"`
	LinkSelector string `json:"link_selector"`
}

// Normalize trims and canonicalises the fields a person types: upper-case
// country, lower-case medium, scope and languages, no empty or repeated URLs,
// and text that is valid UTF-8.
func (s *Source) Normalize() {
	validUTF8(&s.ID, &s.Name, &s.Country, &s.Medium, &s.Scope, &s.Homepage, &s.Focus, &s.Owner,
		&s.Notes, &s.Schedule, &s.PollMax, &s.Evidence)
	s.ID = strings.TrimSpace(s.ID)
	s.Name = strings.Join(strings.Fields(s.Name), " ")
	s.Country = strings.ToUpper(strings.TrimSpace(s.Country))
	s.Medium = strings.ToLower(strings.TrimSpace(s.Medium))
	s.Scope = strings.ToLower(strings.TrimSpace(s.Scope))
	s.Focus = strings.TrimSpace(s.Focus)
	s.Owner = strings.TrimSpace(s.Owner)
	s.Schedule = strings.TrimSpace(s.Schedule)
	s.PollMax = strings.TrimSpace(s.PollMax)
	s.Homepage = strings.TrimSpace(s.Homepage)
	s.Languages = cleanList(s.Languages, strings.ToLower)
	if len(s.Languages) == 0 {
		s.Languages = []string{"es"}
	}
	s.Feeds = cleanList(s.Feeds, nil)
	s.Sitemaps = cleanList(s.Sitemaps, nil)
	for i := range s.Listings {
		validUTF8(&s.Listings[i].URL, &s.Listings[i].LinkSelector)
		s.Listings[i].URL = strings.TrimSpace(s.Listings[i].URL)
		s.Listings[i].LinkSelector = strings.TrimSpace(s.Listings[i].LinkSelector)
	}
}

// validUTF8 replaces what is not UTF-8 in each string with U+FFFD, as
// the store's JSON encoding would: the record checked and keyed (by its
// homepage, say) is then the record stored.
func validUTF8(fields ...*string) {
	for _, f := range fields {
		*f = strings.ToValidUTF8(*f, "\uFFFD")
	}
}

func cleanList(in []string, f func(string) string) []string {
	out := make([]string, 0, len(in))
	for _, v := range in {
		v = strings.TrimSpace(strings.ToValidUTF8(v, "\uFFFD"))
		if f != nil {
			v = f(v)
		}
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// Validate checks the record as a person would submit it. It returns a
// *ValidationError (wrapping ErrInvalid) naming every invalid field.
// Uniqueness of the homepage is the store's to check.
func (s *Source) Validate() error {
	var v ValidationError
	if s.Name == "" {
		v.Add("name", "el nombre es obligatorio / name is required")
	} else if len(s.Name) > 200 {
		v.Add("name", "el nombre es demasiado largo (máx. 200) / name too long (max 200)")
	}
	if _, ok := LookupCountry(s.Country); !ok {
		v.Add("country", "país desconocido: use GT, HN, SV, NI, CR, PA, CO o DO / unknown country: use one of GT, HN, SV, NI, CR, PA, CO, DO")
	}
	if !slices.Contains(Media(), s.Medium) {
		v.Add("medium", "medio desconocido: use print, radio, tv, online o agency / unknown medium: use print, radio, tv, online or agency")
	}
	if s.Scope != "" && !slices.Contains(Scopes(), s.Scope) {
		v.Add("scope", "alcance desconocido: use national, regional o local / unknown scope: use national, regional or local")
	}
	if err := CheckWebURL(s.Homepage); err != "" {
		v.Add("homepage", err)
	}
	for _, f := range s.Feeds {
		if err := CheckWebURL(f); err != "" {
			v.Add("feeds", f+": "+err)
		}
	}
	for _, f := range s.Sitemaps {
		if err := CheckWebURL(f); err != "" {
			v.Add("sitemaps", f+": "+err)
		}
	}
	for _, l := range s.Listings {
		if err := CheckWebURL(l.URL); err != "" {
			v.Add("listings", l.URL+": "+err)
		} else if l.LinkSelector == "" {
			v.Add("listings", l.URL+": falta el selector CSS de enlaces / link selector missing")
		}
	}
	if s.PollMax != "" {
		if d, err := time.ParseDuration(s.PollMax); err != nil || d < time.Minute {
			v.Add("poll_max", "use una duración de al menos 1m, como 6h / use a duration of at least 1m, such as 6h")
		}
	}
	for _, l := range s.Languages {
		if len(l) != 2 || strings.IndexFunc(l, func(r rune) bool { return r < 'a' || r > 'z' }) >= 0 {
			v.Add("languages", l+": use códigos ISO 639-1 como es, en / use ISO 639-1 codes such as es, en")
		}
	}
	return v.Err()
}

// CheckWebURL returns "" if raw is an absolute http or https URL with a
// host, or a bilingual message saying what is wrong with it.
func CheckWebURL(raw string) string {
	if raw == "" {
		return "la URL es obligatoria / URL is required"
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "URL no válida / invalid URL"
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "la URL debe empezar por http:// o https:// / URL must be absolute http(s)"
	}
	if u.Hostname() == "" {
		return "la URL no tiene dominio / URL has no host"
	}
	if u.User != nil {
		return "la URL no debe llevar usuario ni contraseña / URL must not carry credentials"
	}
	return ""
}

// HomepageKey reduces a homepage URL to what makes two outlets the same:
// the host without "www." and the path without a trailing slash, lower case.
// http://www.Example.com/ and https://example.com share a key.
func HomepageKey(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return strings.ToLower(raw)
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	return host + strings.TrimRight(strings.ToLower(u.EscapedPath()), "/")
}

// Slug makes an identifier from free text: lower-case ASCII letters and
// digits separated by single hyphens, accents removed ("República" →
// "republica"), at most 60 characters.
func Slug(s string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range s {
		r = foldLatin(unicode.ToLower(r))
		switch {
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(unicode.ToLower(r))
		default:
			hyphen = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	return b.String()
}

// foldLatin maps the accented lower-case letters of Spanish, Portuguese and
// French to their base letter.
func foldLatin(r rune) rune {
	switch r {
	case 'á', 'à', 'ä', 'â', 'ã':
		return 'a'
	case 'é', 'è', 'ë', 'ê':
		return 'e'
	case 'í', 'ì', 'ï', 'î':
		return 'i'
	case 'ó', 'ò', 'ö', 'ô', 'õ':
		return 'o'
	case 'ú', 'ù', 'ü', 'û':
		return 'u'
	case 'ñ':
		return 'n'
	case 'ç':
		return 'c'
	}
	return r
}

// SourceFilter selects sources; empty fields do not filter.
type SourceFilter struct {
	Country    string
	Medium     string
	Q          string // case-insensitive substring of name or homepage
	ActiveOnly bool
}

// Match reports whether s passes the filter.
func (f SourceFilter) Match(s *Source) bool {
	if f.Country != "" && !strings.EqualFold(s.Country, f.Country) {
		return false
	}
	if f.Medium != "" && !strings.EqualFold(s.Medium, f.Medium) {
		return false
	}
	if f.ActiveOnly && !s.Active {
		return false
	}
	if f.Q != "" {
		q := strings.ToLower(f.Q)
		if !strings.Contains(strings.ToLower(s.Name), q) && !strings.Contains(strings.ToLower(s.Homepage), q) {
			return false
		}
	}
	return true
}
