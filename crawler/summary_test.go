package crawler

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"observatory/crawler/extract"
)

func TestWriteSummary(t *testing.T) {
	var b strings.Builder
	err := WriteSummary(&b, []Summary{
		{SourceID: "cr-uno", Items: 10, New: 3, Known: 7, Duration: 1500 * time.Millisecond},
		{SourceID: "cr-dos", Err: "error del servidor del sitio (HTTP 500) / the site's server failed (HTTP 500)"},
		{SourceID: "cr-tres", Skipped: "ya en curso / already running"},
	})
	if err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"FUENTE/SOURCE", "cr-uno", "1.5s", "HTTP 500", "omitida/skipped", "TOTAL (3 fuentes/sources, 1 con error/with errors)"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if lines := strings.Count(out, "\n"); lines != 5 {
		t.Errorf("got %d lines, want a header, 3 sources and a total:\n%s", lines, out)
	}
}

func TestDescribe(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("x: %w", ErrBlockedAddress), "red privada o local"},
		{fmt.Errorf("x: %w", ErrRobots), "robots.txt"},
		{ErrBodyTooLarge, "demasiado grande"},
		{ErrTooManyRedirects, "demasiadas redirecciones"},
		{&StatusError{Code: 404}, "ya no existe (HTTP 404)"},
		{&StatusError{Code: 503, RetryAfter: time.Minute}, "pide esperar (HTTP 503) / the site asks us to wait (HTTP 503), Retry-After 1m0s"},
		{&StatusError{Code: 502}, "error del servidor del sitio (HTTP 502)"},
		{&StatusError{Code: 403}, "niega el acceso"},
		{fmt.Errorf("%w: bad", ErrNotFeed), "no es un feed"},
		{extract.ErrNoContent, "no tiene texto"},
		{&net.DNSError{Err: "no such host", Name: "x.example"}, "dominio no existe"},
		{context.DeadlineExceeded, "no respondió a tiempo"},
		{errors.New("dial tcp: connection refused"), "rechazó la conexión"},
		{errNoTargets, "no tiene feed"},
	} {
		if got := Describe(tc.err); !strings.Contains(got, tc.want) || !strings.Contains(got, " / ") {
			t.Errorf("Describe(%v): got %q, want it to say %q in Spanish and English", tc.err, got, tc.want)
		}
	}
	if Describe(nil) != "" {
		t.Error("Describe(nil) is not empty")
	}
}
