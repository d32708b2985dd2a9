package sources_test

import (
	"errors"
	"maps"
	"slices"
	"testing"

	"observatory"
)

// The registry's rules, as the media directory applies them: the root
// package holds them, these tests say what the registry expects of them.

func validSource() observatory.Source {
	return observatory.Source{
		Name: "Semanario Universidad", Country: "CR", Medium: "print",
		Homepage: "https://semanariouniversidad.com/", Feeds: []string{"https://semanariouniversidad.com/feed/"},
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(s *observatory.Source)
		fields []string // invalid fields, none when valid
	}{
		{"valid", func(s *observatory.Source) {}, nil},
		{"every pilot country", func(s *observatory.Source) { s.Country = "DO" }, nil},
		{"lower-case country is normalised", func(s *observatory.Source) { s.Country = " ni " }, nil},
		{"international outlet", func(s *observatory.Source) { s.Country = "INT" }, []string{"country"}},
		{"country outside the pilot", func(s *observatory.Source) { s.Country = "MX" }, []string{"country"}},
		{"empty country", func(s *observatory.Source) { s.Country = "" }, []string{"country"}},
		{"each medium", func(s *observatory.Source) { s.Medium = "Agency" }, nil},
		{"unknown medium", func(s *observatory.Source) { s.Medium = "podcast" }, []string{"medium"}},
		{"spanish medium label is not a code", func(s *observatory.Source) { s.Medium = "prensa" }, []string{"medium"}},
		{"missing name", func(s *observatory.Source) { s.Name = "  " }, []string{"name"}},
		{"relative homepage", func(s *observatory.Source) { s.Homepage = "semanariouniversidad.com" }, []string{"homepage"}},
		{"ftp homepage", func(s *observatory.Source) { s.Homepage = "ftp://semanariouniversidad.com/" }, []string{"homepage"}},
		{"homepage with credentials", func(s *observatory.Source) { s.Homepage = "https://u:p@semanariouniversidad.com/" }, []string{"homepage"}},
		{"relative feed", func(s *observatory.Source) { s.Feeds = []string{"/feed/"} }, []string{"feeds"}},
		{"bad sitemap", func(s *observatory.Source) { s.Sitemaps = []string{"sitemap.xml"} }, []string{"sitemaps"}},
		{"listing without selector", func(s *observatory.Source) {
			s.Listings = []observatory.Listing{{URL: "https://semanariouniversidad.com/pais/"}}
		}, []string{"listings"}},
		{"bad scope", func(s *observatory.Source) { s.Scope = "global" }, []string{"scope"}},
		{"bad language", func(s *observatory.Source) { s.Languages = []string{"spa"} }, []string{"languages"}},
		{"several problems at once", func(s *observatory.Source) { s.Country = "XX"; s.Medium = ""; s.Homepage = "" },
			[]string{"country", "homepage", "medium"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validSource()
			tt.edit(&s)
			s.Normalize()
			err := s.Validate()
			if tt.fields == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var ve *observatory.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, observatory.ErrInvalid) {
				t.Fatalf("Validate() = %v, want a *ValidationError wrapping ErrInvalid", err)
			}
			got := slices.Sorted(maps.Keys(ve.Fields))
			if !slices.Equal(got, tt.fields) {
				t.Errorf("invalid fields = %v, want %v (%v)", got, tt.fields, err)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	s := observatory.Source{
		Name: "  La   Prensa  Gráfica ", Country: " sv", Medium: " PRINT ", Scope: "National",
		Languages: []string{" ES", "es", ""}, Homepage: " https://www.laprensagrafica.com/ ",
		Feeds:    []string{" https://a.example/feed ", "", "https://a.example/feed"},
		Sitemaps: nil,
	}
	s.Normalize()
	tests := []struct{ field, got, want string }{
		{"name", s.Name, "La Prensa Gráfica"},
		{"country", s.Country, "SV"},
		{"medium", s.Medium, "print"},
		{"scope", s.Scope, "national"},
		{"homepage", s.Homepage, "https://www.laprensagrafica.com/"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.field, tt.got, tt.want)
		}
	}
	if want := []string{"es"}; !slices.Equal(s.Languages, want) {
		t.Errorf("languages = %q, want %q", s.Languages, want)
	}
	if want := []string{"https://a.example/feed"}; !slices.Equal(s.Feeds, want) {
		t.Errorf("feeds = %q, want %q", s.Feeds, want)
	}
	again := s
	again.Normalize()
	if again.Name != s.Name || !slices.Equal(again.Feeds, s.Feeds) {
		t.Errorf("Normalize is not idempotent: %+v then %+v", s, again)
	}
	var empty observatory.Source
	empty.Normalize()
	if want := []string{"es"}; !slices.Equal(empty.Languages, want) {
		t.Errorf("default languages = %q, want %q", empty.Languages, want)
	}
}

func TestHomepageKey(t *testing.T) {
	tests := []struct{ a, b string }{
		{"http://www.Example.com/", "https://example.com"},
		{"https://www.nacion.com/", "https://nacion.com"},
		{"https://www.bbc.com/mundo/", "https://bbc.com/mundo"},
	}
	for _, tt := range tests {
		if ka, kb := observatory.HomepageKey(tt.a), observatory.HomepageKey(tt.b); ka != kb {
			t.Errorf("HomepageKey(%q) = %q, HomepageKey(%q) = %q, want equal", tt.a, ka, tt.b, kb)
		}
	}
	if ka, kb := observatory.HomepageKey("https://www.bbc.com/mundo"), observatory.HomepageKey("https://www.bbc.com/"); ka == kb {
		t.Errorf("HomepageKey gives %q to two different sections", ka)
	}
}
