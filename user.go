package observatory

import (
	"crypto/rand"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Roles of signed-in users. Anonymous public readers have no User.
const (
	RoleAdmin       = "admin"
	RoleCoordinator = "coordinator"
	RoleAnalyst     = "analyst"
)

// Roles returns the valid roles.
func Roles() []string { return []string{RoleAdmin, RoleCoordinator, RoleAnalyst} }

// User is a member of the observatory's staff. Credentials are the
// store's business and never part of this type.
type User struct {
	Name      string    `json:"name"` // sign-in name, unique
	Role      string    `json:"role"`
	Countries []string  `json:"countries,omitempty"` // a coordinator's countries
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

var userName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)

// Normalize lower-cases the name and role and upper-cases the countries.
func (u *User) Normalize() {
	u.Name = strings.ToLower(strings.TrimSpace(u.Name))
	u.Role = strings.ToLower(strings.TrimSpace(u.Role))
	u.Countries = cleanList(u.Countries, func(s string) string { return strings.ToUpper(s) })
	slices.Sort(u.Countries)
}

// Validate checks a user record: a sign-in name of 2 to 64 lower-case
// letters, digits, dots, hyphens or underscores; a known role; and, for
// coordinators only, one or more pilot countries.
func (u *User) Validate() error {
	var v ValidationError
	if !userName.MatchString(u.Name) {
		v.Add("name", "use de 2 a 64 minúsculas, cifras, puntos, guiones o guiones bajos / use 2 to 64 lower-case letters, digits, dots, hyphens or underscores")
	}
	if !slices.Contains(Roles(), u.Role) {
		v.Add("role", "use admin, coordinator o analyst / use admin, coordinator or analyst")
	}
	for _, c := range u.Countries {
		if _, ok := LookupCountry(c); !ok {
			v.Add("countries", fmt.Sprintf("país desconocido %q / unknown country %q", c, c))
		}
	}
	switch {
	case u.Role == RoleCoordinator && len(u.Countries) == 0:
		v.Add("countries", "un coordinador necesita al menos un país / a coordinator needs at least one country")
	case u.Role != RoleCoordinator && u.Role != "" && len(u.Countries) > 0:
		v.Add("countries", "solo los coordinadores tienen países / only coordinators have countries")
	}
	return v.Err()
}

// Session is a signed-in browser.
type Session struct {
	User      string    `json:"user"`
	CreatedAt time.Time `json:"created_at"`
	LastSeen  time.Time `json:"last_seen"`
	ExpiresAt time.Time `json:"expires_at"` // absolute expiry
}

// Token is an API token for scripts. The secret is shown once, at creation;
// only its hash is stored.
type Token struct {
	ID        string    `json:"id"`
	User      string    `json:"user"`
	Label     string    `json:"label,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	LastUsed  time.Time `json:"last_used"`
	Revoked   bool      `json:"revoked"`
}

// GeneratePassword returns a random password of 20 characters from an
// alphabet without look-alikes.
func GeneratePassword() (string, error) {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	const limit = 256 - 256%len(alphabet) // reject bytes that would bias the choice
	out := make([]byte, 0, 20)
	buf := make([]byte, 32)
	for len(out) < cap(out) {
		if _, err := rand.Read(buf); err != nil {
			return "", err
		}
		for _, c := range buf {
			if int(c) < limit && len(out) < cap(out) {
				out = append(out, alphabet[int(c)%len(alphabet)])
			}
		}
	}
	return string(out), nil
}
