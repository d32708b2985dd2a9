package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"observatory"
)

// fields lists the names of a change's fields.
func fields(c observatory.Change) []string {
	var out []string
	for _, f := range c.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestSourceHistory(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	s := source("Semanario Universidad", "https://semanariouniversidad.com/")
	if err := db.CreateSource(ctx, s, "ana"); err != nil {
		t.Fatal(err)
	}
	s.Feeds = append(s.Feeds, "https://semanariouniversidad.com/rss")
	s.Active = false
	if err := db.UpdateSource(ctx, s, "luis"); err != nil {
		t.Fatal(err)
	}
	// Saving the same record again changes nothing and records nothing.
	before := s.UpdatedAt
	if err := db.UpdateSource(ctx, s, "marta"); err != nil {
		t.Fatal(err)
	}
	if !s.UpdatedAt.Equal(before) || s.UpdatedBy != "luis" {
		t.Errorf("no-op update: updated %v by %q, want %v by luis", s.UpdatedAt, s.UpdatedBy, before)
	}
	// A guard that refuses leaves everything as it was.
	refused := errors.New("refused")
	s.Name = "Otro nombre"
	if err := db.UpdateSourceGuarded(ctx, s, "intruso", func(*observatory.Source) error { return refused }); !errors.Is(err, refused) {
		t.Fatalf("guarded update: got %v, want the guard's error", err)
	}
	if err := db.DeleteSourceGuarded(ctx, s.ID, "intruso", func(*observatory.Source) error { return refused }); !errors.Is(err, refused) {
		t.Fatalf("guarded delete: got %v, want the guard's error", err)
	}
	if got, _ := db.Source(ctx, s.ID); got == nil || got.Name != "Semanario Universidad" {
		t.Fatalf("after refused edits: %+v", got)
	}
	// An edit made on a stale copy is a conflict.
	stale := *s
	stale.UpdatedAt = before.Add(-time.Hour)
	stale.Name = "Viejo"
	if err := db.UpdateSource(ctx, &stale, "pepe"); !errors.Is(err, observatory.ErrConflict) {
		t.Errorf("stale edit: got %v, want ErrConflict", err)
	}
	if err := db.DeleteSourceGuarded(ctx, s.ID, "ana", nil); err != nil {
		t.Fatal(err)
	}

	h, err := db.History(ctx, observatory.EntitySource, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		action, by string
		fields     []string
	}{
		{observatory.ChangeDelete, "ana", nil},
		{observatory.ChangeUpdate, "luis", []string{"feeds", "active"}},
		{observatory.ChangeCreate, "ana", nil},
	}
	if len(h) != len(want) {
		t.Fatalf("history has %d entries, want %d: %+v", len(h), len(want), h)
	}
	for i, w := range want {
		if h[i].Action != w.action || h[i].By != w.by || h[i].Name != "Semanario Universidad" || h[i].Country != "CR" {
			t.Errorf("entry %d: %s by %s (%s, %s), want %s by %s", i, h[i].Action, h[i].By, h[i].Name, h[i].Country, w.action, w.by)
		}
		if w.fields != nil && !slices.Equal(fields(h[i]), w.fields) {
			t.Errorf("entry %d fields: got %v, want %v", i, fields(h[i]), w.fields)
		}
	}
	if f := h[1].Fields[1]; f.Old != "true" || f.New != "" {
		t.Errorf("active change: %+v, want true → (false)", f)
	}
	// Creation and deletion keep the whole record, so a deleted source can be rebuilt.
	for _, i := range []int{0, 2} {
		if !slices.Contains(fields(h[i]), "homepage") || !slices.Contains(fields(h[i]), "feeds") {
			t.Errorf("%s entry lacks the record: %v", h[i].Action, fields(h[i]))
		}
	}
	if h[0].Seq <= h[1].Seq || h[1].Seq <= h[2].Seq {
		t.Errorf("sequence not increasing: %d %d %d", h[2].Seq, h[1].Seq, h[0].Seq)
	}
	// A new source of the same name gets a new ID, not the deleted one's
	// (nor its history and articles).
	other := source("Semanario Universidad", "https://otro.example/")
	if err := db.CreateSource(ctx, other, "ana"); err != nil {
		t.Fatal(err)
	}
	if other.ID != s.ID+"-2" {
		t.Errorf("new source after a deletion: ID %q, want %s-2", other.ID, s.ID)
	}
	if h2, _ := db.History(ctx, observatory.EntitySource, other.ID); len(h2) != 1 {
		t.Errorf("history of %s: %d entries, want 1", other.ID, len(h2))
	}
}

func TestSeedRecordsHistory(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	if _, err := db.SeedSources(ctx, []observatory.Source{*source("A", "https://a.example/")}); err != nil {
		t.Fatal(err)
	}
	h, err := db.History(ctx, observatory.EntitySource, "cr-a")
	if err != nil || len(h) != 1 || h[0].By != "seed" || h[0].Action != observatory.ChangeCreate {
		t.Errorf("seeded source history: %+v, %v", h, err)
	}
}

func TestActorsCRUD(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	a := &observatory.Actor{Name: "Asociación de Mujeres Migrantes", Kind: "ngo", Country: "cr", Areas: []string{"migration"},
		Email: "contacto@amm.example.org", Phone: "+506 2222 3333", Notes: "nota interna"}
	if err := db.CreateActor(ctx, a, "coord"); err != nil {
		t.Fatal(err)
	}
	if a.ID != "cr-asociacion-de-mujeres-migrantes" || a.Country != "CR" {
		t.Errorf("created: ID %q country %q", a.ID, a.Country)
	}
	twin := &observatory.Actor{Name: a.Name, Kind: "ngo", Country: "CR"}
	if err := db.CreateActor(ctx, twin, "coord"); err != nil || twin.ID != a.ID+"-2" {
		t.Errorf("namesake: ID %q, %v; want %s-2", twin.ID, err, a.ID)
	}
	if err := db.CreateActor(ctx, &observatory.Actor{ID: a.ID, Name: "x", Kind: "ngo", Country: "CR"}, "coord"); !errors.Is(err, observatory.ErrConflict) {
		t.Errorf("taken ID: got %v, want ErrConflict", err)
	}
	var v *observatory.ValidationError
	if err := db.CreateActor(ctx, &observatory.Actor{Name: "x", Kind: "club", Country: "CR", Email: "no"}, "coord"); !errors.As(err, &v) || len(v.Fields) != 2 {
		t.Errorf("invalid actor: got %v, want kind and email named", err)
	}
	if list, _ := db.Actors(ctx, observatory.ActorFilter{}); len(list) != 2 {
		t.Fatalf("nothing half-saved: %d actors, want 2", len(list))
	}

	a.Phone = "+506 4000 0000"
	a.Role = "incidencia"
	if err := db.UpdateActor(ctx, a, "coord2", nil); err != nil {
		t.Fatal(err)
	}
	got, err := db.Actor(ctx, a.ID)
	if err != nil || got.Phone != "+506 4000 0000" || got.CreatedBy != "coord" || got.UpdatedBy != "coord2" {
		t.Errorf("after update: %+v, %v", got, err)
	}
	list, err := db.Actors(ctx, observatory.ActorFilter{Q: "incidencia"})
	if err != nil || len(list) != 1 {
		t.Errorf("filter: %d actors, %v", len(list), err)
	}
	if err := db.DeleteActor(ctx, twin.ID, "coord", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Actor(ctx, twin.ID); !errors.Is(err, observatory.ErrNotFound) {
		t.Errorf("deleted actor: got %v", err)
	}
	if err := db.DeleteActor(ctx, twin.ID, "coord", nil); !errors.Is(err, observatory.ErrNotFound) {
		t.Errorf("deleting twice: got %v, want ErrNotFound", err)
	}

	// The history never keeps personal values.
	h, err := db.History(ctx, observatory.EntityActor, a.ID)
	if err != nil || len(h) != 2 {
		t.Fatalf("history: %+v, %v", h, err)
	}
	for _, c := range h {
		for _, f := range c.Fields {
			if slices.Contains(observatory.ActorPersonalFields, f.Field) && (!f.Hidden || f.Old != "" || f.New != "") {
				t.Errorf("%s entry keeps %s: %+v", c.Action, f.Field, f)
			}
		}
	}
	if got := fields(h[0]); !slices.Equal(got, []string{"role", "phone"}) {
		t.Errorf("update fields: %v, want [role phone]", got)
	}
}

func TestGuardSeesStoredRecord(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	a := &observatory.Actor{Name: "Ana", Kind: "person", Country: "NI"}
	if err := db.CreateActor(ctx, a, "x"); err != nil {
		t.Fatal(err)
	}
	// The caller claims CR; the guard sees the stored NI.
	a.Country = "CR"
	var seen string
	err := db.UpdateActor(ctx, a, "x", func(stored *observatory.Actor) error {
		seen = stored.Country
		return observatory.ErrForbidden
	})
	if seen != "NI" || !errors.Is(err, observatory.ErrForbidden) {
		t.Errorf("guard saw %q, err %v; want NI and the guard's error", seen, err)
	}
}

func TestSourceSchedule(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	cases := []struct {
		spec string
		ok   bool
	}{
		{"", true},
		{"*/30 * * * *", true},
		{"0 6,18 * * 1-5", true},
		{"@hourly", true},
		{"@every 45m", true},
		{"*/5 * * * *", true},
		{"* * * * *", false},
		{"@every 10s", false},
		{"cada hora", false},
		{"*/30 * * *", false},
	}
	for i, c := range cases {
		s := source("Fuente", fmt.Sprintf("https://s%d.example/", i))
		s.Schedule = c.spec
		err := db.CreateSource(ctx, s, "ana")
		var v *observatory.ValidationError
		switch {
		case c.ok && err != nil:
			t.Errorf("%q: got %v, want accepted", c.spec, err)
		case !c.ok && (!errors.As(err, &v) || v.Fields["schedule"] == ""):
			t.Errorf("%q: got %v, want a schedule field error", c.spec, err)
		}
	}
	// Both kinds of problem are named together.
	s := source("", "https://bad.example/")
	s.Schedule = "x"
	var v *observatory.ValidationError
	if err := db.CreateSource(ctx, s, "ana"); !errors.As(err, &v) || v.Fields["name"] == "" || v.Fields["schedule"] == "" {
		t.Errorf("name and schedule invalid: got %v", err)
	}
}
