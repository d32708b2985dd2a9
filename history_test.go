package observatory_test

import (
	"reflect"
	"testing"

	"observatory"
)

func TestDiff(t *testing.T) {
	a := &observatory.Source{ID: "cr-x", Name: "X", Country: "CR", Medium: "print", Feeds: []string{"https://x.cr/feed"}, Active: true, UpdatedBy: "ana"}
	b := &observatory.Source{ID: "cr-x", Name: "X Noticias", Country: "CR", Medium: "print", Feeds: []string{"https://x.cr/feed", "https://x.cr/rss"},
		Listings: []observatory.Listing{{URL: "https://x.cr/ultimas", LinkSelector: "h2 a"}}, Active: false, UpdatedBy: "luis"}
	cases := []struct {
		name string
		a, b any
		hide []string
		want []observatory.FieldChange
	}{
		{"same record", a, a, nil, nil},
		{"edit", a, b, nil, []observatory.FieldChange{
			{Field: "name", Old: "X", New: "X Noticias"},
			{Field: "feeds", Old: "https://x.cr/feed", New: "https://x.cr/feed\nhttps://x.cr/rss"},
			{Field: "listings", New: "https://x.cr/ultimas h2 a"},
			{Field: "active", Old: "true"},
		}},
		{"creation", (*observatory.Actor)(nil), &observatory.Actor{ID: "ni-ana", Name: "Ana", Email: "ana@example.org"}, []string{"email"}, []observatory.FieldChange{
			{Field: "id", New: "ni-ana"}, {Field: "name", New: "Ana"}, {Field: "email", Hidden: true},
		}},
		{"deletion", &observatory.Actor{Name: "Ana", Phone: "+505 2222 2222"}, nil, []string{"phone"}, []observatory.FieldChange{
			{Field: "name", Old: "Ana"}, {Field: "phone", Hidden: true},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := observatory.Diff(c.a, c.b, c.hide...)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %+v\nwant %+v", got, c.want)
			}
		})
	}
}
