package corpus

import (
	"testing"
	"unicode/utf8"
)

func TestDeterministicAndRealistic(t *testing.T) {
	g := New(Options{Seed: 1})
	a, b := g.Article(42), New(Options{Seed: 1}).Article(42)
	if a.Text != b.Text || a.ID != b.ID || !a.Published.Equal(b.Published) {
		t.Fatal("article 42 differs between two generators with the same seed")
	}
	const n = 2000
	var bytes, migration, gender, xeno, english int
	for i := range n {
		a := g.Article(i)
		if !utf8.ValidString(a.Text) || a.Title == "" || a.ID == "" || a.Country == "" || a.SourceID == "" {
			t.Fatalf("article %d incomplete or invalid: %+v", i, a)
		}
		bytes += len(a.Text)
		if a.HasTag("migration") {
			migration++
		}
		if a.HasTag("gender") {
			gender++
		}
		if a.HasTag("xenophobia") {
			xeno++
		}
		if a.Language == "en" {
			english++
		}
	}
	if avg := bytes / n; avg < 2500 || avg > 4000 {
		t.Errorf("average text: got %d bytes, want about 3 KB", avg)
	}
	for _, c := range []struct {
		name      string
		got       int
		low, high int
	}{
		{"migration", migration, n * 7 / 100, n * 13 / 100},
		{"gender", gender, n * 9 / 100, n * 15 / 100},
		{"xenophobia", xeno, n * 1 / 100, n * 4 / 100},
		{"english", english, n * 2 / 100, n * 6 / 100},
	} {
		if c.got < c.low || c.got > c.high {
			t.Errorf("%s: got %d of %d, want between %d and %d", c.name, c.got, n, c.low, c.high)
		}
	}
}
