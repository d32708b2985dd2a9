package sources_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"observatory"
	"observatory/sources"
)

func TestSeedRegistry(t *testing.T) {
	seed, err := sources.Seed()
	if err != nil {
		t.Fatal(err)
	}
	ids := make(map[string]bool)
	homes := make(map[string]string)
	type key struct{ country, medium string }
	media := make(map[key]int)
	total := make(map[string]int)
	active := make(map[string]int)
	for _, s := range seed {
		if ids[s.ID] {
			t.Errorf("id %s repeated", s.ID)
		}
		ids[s.ID] = true
		if s.ID != observatory.Slug(s.ID) || s.ID == "" {
			t.Errorf("id %q is not a slug", s.ID)
		}
		if other, ok := homes[observatory.HomepageKey(s.Homepage)]; ok {
			t.Errorf("%s and %s share a homepage", s.ID, other)
		}
		homes[observatory.HomepageKey(s.Homepage)] = s.ID
		if s.Evidence == "" {
			t.Errorf("%s: no evidence of where it was seen", s.ID)
		}
		if s.Active != (len(s.Feeds)+len(s.Sitemaps) > 0) {
			t.Errorf("%s: active = %v with %d feeds and %d sitemaps", s.ID, s.Active, len(s.Feeds), len(s.Sitemaps))
		}
		if !s.Active && !strings.Contains(s.Notes, "inactive") {
			t.Errorf("%s: inactive without saying why in its notes", s.ID)
		}
		total[s.Country]++
		media[key{s.Country, s.Medium}]++
		if s.Active {
			active[s.Country]++
		}
	}
	for _, c := range observatory.Countries() {
		if total[c.Code] < 8 {
			t.Errorf("%s: %d outlets, want at least 8", c.Code, total[c.Code])
		}
		if active[c.Code] < 5 {
			t.Errorf("%s: %d outlets the crawler can read, want at least 5", c.Code, active[c.Code])
		}
		// Every medium with outlets online in the country; Nicaragua has no
		// printed daily left (La Prensa stopped printing in 2021).
		for _, m := range []string{"print", "radio", "tv", "online"} {
			if media[key{c.Code, m}] == 0 && !(c.Code == "NI" && m == "print") {
				t.Errorf("%s: no %s outlet", c.Code, m)
			}
		}
	}
}

// The seed goes through the store, out as CSV and back in unchanged.
func TestSeedRoundTrip(t *testing.T) {
	ctx := context.Background()
	seed, err := sources.Seed()
	if err != nil {
		t.Fatal(err)
	}
	db := openStore(t)
	if ok, err := db.SeedSources(ctx, seed); err != nil || !ok {
		t.Fatalf("SeedSources = %v, %v", ok, err)
	}
	stored := all(t, db)
	equalRecords(t, stored, seed)

	var csv bytes.Buffer
	if err := sources.Export(&csv, stored, "csv"); err != nil {
		t.Fatal(err)
	}
	rep := importString(t, db, csv.String(), "")
	checkCounts(t, "seed into the seeded store", rep, 0, 0, len(seed), 0)

	fresh := openStore(t)
	rep = importString(t, fresh, csv.String(), "csv")
	checkCounts(t, "seed into an empty store", rep, len(seed), 0, 0, 0)
	equalRecords(t, all(t, fresh), seed)
}
