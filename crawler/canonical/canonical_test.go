package canonical

import (
	"errors"
	"net/url"
	"testing"
)

func TestResolve(t *testing.T) {
	base, _ := url.Parse("https://www.diario.example/nacionales/nota.html?utm_source=rss")
	for _, tc := range []struct {
		href, want string
		err        error
	}{
		{"/sucesos/a?utm_source=rss&utm_medium=feed", "https://www.diario.example/sucesos/a", nil},
		{"b?id=3&fbclid=XYZ&gclid=1#comentarios", "https://www.diario.example/nacionales/b?id=3", nil},
		{"HTTPS://WWW.Diario.Example:443/X?p=1&utm_campaign=c&q=2", "https://www.diario.example/X?p=1&q=2", nil},
		{"http://diario.example:80", "http://diario.example/", nil},
		{"https://diario.example/a?amp;utm_source=x&id=1", "https://diario.example/a?id=1", nil},
		{"https://user:pw@diario.example/a", "https://diario.example/a", nil},
		{"https://diario.example/a?ref=portada", "https://diario.example/a?ref=portada", nil},
		{"mailto:redaccion@diario.example", "", ErrNotWeb},
		{"javascript:void(0)", "", ErrNotWeb},
		{"  ", "", ErrNotWeb},
	} {
		got, err := Resolve(base, tc.href)
		if got != tc.want || !errors.Is(err, tc.err) {
			t.Errorf("Resolve(%q): got %q, %v; want %q, %v", tc.href, got, err, tc.want, tc.err)
		}
	}
}

func TestCleanIdempotent(t *testing.T) {
	for _, raw := range []string{"https://a.example/x?utm_source=1&b=2#f", "http://A.example:80/ñ?x=%20"} {
		once, err := Clean(raw)
		if err != nil {
			t.Fatal(err)
		}
		if twice, _ := Clean(once); twice != once {
			t.Errorf("Clean(Clean(%q)): got %q, want %q", raw, twice, once)
		}
	}
}

func TestSameSite(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"www.diario.example", "diario.example", true},
		{"m.diario.example", "www.diario.example:443", true},
		{"deportes.diario.example", "diario.example", true},
		{"agencia.example", "diario.example", false},
		{"diario.example.evil.example", "diario.example", false},
	} {
		if got := SameSite(tc.a, tc.b); got != tc.want {
			t.Errorf("SameSite(%q, %q): got %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func FuzzClean(f *testing.F) {
	f.Add("https://a.example/x?utm_source=1&b=2#f")
	f.Add("http://[::1]:80/a?&&=")
	f.Fuzz(func(t *testing.T, raw string) {
		once, err := Clean(raw)
		if err != nil {
			return
		}
		if twice, err := Clean(once); err != nil || twice != once {
			t.Errorf("not idempotent: %q → %q → %q (%v)", raw, once, twice, err)
		}
	})
}
