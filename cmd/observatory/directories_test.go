package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// runIn is run with stdin.
func runIn(t *testing.T, ctx context.Context, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(ctx, args, Stdio{In: strings.NewReader(stdin), Out: &out, Err: &errb}, func(string) string { return "" })
	return code, out.String(), errb.String()
}

func TestActorsCLI(t *testing.T) {
	ctx := context.Background()
	g := []string{"--data", filepath.Join(t.TempDir(), "data")}
	code, out, errs := run(t, ctx, append(g, "actors", "add", "--name", "Red de Mujeres Migrantes", "--country", "cr", "--kind", "ngo",
		"--area", "migration", "--area", "trafficking", "--email", "red@example.org", "--phone", "+506 2222 3333", "--council")...)
	if code != 0 || !strings.Contains(out, "created actor cr-red-de-mujeres-migrantes") {
		t.Fatalf("actors add: exit %d\n%s%s", code, out, errs)
	}
	code, _, errs = run(t, ctx, append(g, "actors", "add", "--name", "Mal", "--country", "CR", "--kind", "club", "--email", "nope")...)
	if code != 1 || !strings.Contains(errs, "kind") || !strings.Contains(errs, "email") {
		t.Errorf("invalid actor: exit %d, stderr %q; want 1 naming kind and email", code, errs)
	}
	code, out, _ = run(t, ctx, append(g, "actors", "list", "--council")...)
	if code != 0 || !strings.Contains(out, "cr-red-de-mujeres-migrantes") || !strings.Contains(out, "1 actors") {
		t.Errorf("actors list: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, ctx, append(g, "actors", "export", "--country", "CR")...)
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(recs) != 2 || !strings.Contains(out, "red@example.org") {
		t.Errorf("actors export: exit %d, %v\n%s", code, err, out)
	}
	if code, _, _ := run(t, ctx, append(g, "actors", "delete", "cr-red-de-mujeres-migrantes")...); code != 0 {
		t.Errorf("actors delete: exit %d", code)
	}
	code, out, _ = run(t, ctx, append(g, "actors", "history", "cr-red-de-mujeres-migrantes")...)
	if code != 0 || !strings.Contains(out, "delete  by cli") || !strings.Contains(out, "create  by cli") {
		t.Errorf("actors history: exit %d\n%s", code, out)
	}
	if code, _, _ := run(t, ctx, append(g, "actors", "show", "cr-red-de-mujeres-migrantes")...); code != 1 {
		t.Errorf("show a deleted actor: exit %d, want 1", code)
	}

	// A fresh data directory's seeded sources have their creation recorded.
	code, out, _ = run(t, ctx, append(g, "sources", "history", "cr-semanario-universidad")...)
	if code != 0 || !strings.Contains(out, "create  by seed") {
		t.Errorf("sources history of a seeded source: exit %d\n%s", code, out)
	}
}

// announcingOutlet serves a homepage that announces its feed and the feed
// of testdata/outlet.
func announcingOutlet(t *testing.T) *httptest.Server {
	t.Helper()
	feed, err := os.ReadFile(filepath.Join("testdata", "outlet", "feed.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(`<!DOCTYPE html><html><head><title>Diario del Navegador</title>
<link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body></body></html>`))
		case "/feed.xml":
			w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
			_, _ = w.Write(bytes.ReplaceAll(feed, []byte("{{BASE}}"), []byte(srv.URL)))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestCoordinatorCreatesSourceInBrowser: in Chromium, a coordinator signs
// in, opens the new-source form, finds the outlet's feed with the form's
// discovery button (through the server's guarded client), saves, and sees
// the source in the list and its creation in the history on its page.
func TestCoordinatorCreatesSourceInBrowser(t *testing.T) {
	ctx := context.Background()
	outlet := announcingOutlet(t)
	g := []string{"--data", filepath.Join(t.TempDir(), "data"), "--allow-private-networks"}
	const pw = "una contraseña de prueba larga"
	if code, out, errs := runIn(t, ctx, pw+"\n", append(g, "users", "add", "--name", "marta", "--role", "coordinator", "--countries", "CR", "--password-stdin")...); code != 0 {
		t.Fatalf("users add: exit %d\n%s%s", code, out, errs)
	}
	base, stop := server(t, g...)
	defer stop()

	b := browser(t)
	err := chromedp.Do(b,
		chromedp.Navigate(base+"/login?lang=es&next=/sources/new"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="name"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), "marta"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), pw),
		chromedp.Submit(chromedp.CSS(`input[name="password"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form.record-form`)),
		chromedp.SendKeys(chromedp.CSS(`form.record-form input[name="name"]`), "Diario del Navegador"),
		chromedp.SetValue(chromedp.CSS(`select[name="medium"]`), "online"),
		chromedp.SendKeys(chromedp.CSS(`input[name="homepage"]`), outlet.URL+"/"),
		chromedp.Click(chromedp.CSS(`button[formaction="/sources/discover"]`)),
		chromedp.WaitVisible(chromedp.CSS(`fieldset.found`)),
	)
	if err != nil {
		t.Fatalf("sign in and discover: %v", err)
	}
	country, err := chromedp.Run(b, chromedp.Value(chromedp.CSS(`select[name="country"]`)))
	if err != nil || country != "CR" {
		t.Errorf("the coordinator's only country should be chosen: %q, %v", country, err)
	}
	err = chromedp.Do(b,
		chromedp.Click(chromedp.CSS(`button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(`#history`)),
	)
	if err != nil {
		t.Fatalf("save: %v", err)
	}
	history, err := chromedp.Run(b, chromedp.Text(chromedp.CSS(`#history`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(history, "marta") || !strings.Contains(history, "alta") {
		t.Errorf("the source's history should show its creation by marta:\n%s", history)
	}
	feeds, err := chromedp.Run(b, chromedp.Text(chromedp.CSS(`#record dl`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(feeds, outlet.URL+"/feed.xml") {
		t.Errorf("the discovered feed was not saved:\n%s", feeds)
	}
	err = chromedp.Do(b,
		chromedp.Navigate(base+"/sources?country=CR&q=navegador"),
		chromedp.WaitVisible(chromedp.CSS(`table.sources`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	list, err := chromedp.Run(b, chromedp.Text(chromedp.CSS(`table.sources tbody`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(list, "Diario del Navegador") || !strings.Contains(list, "sin leer aún") {
		t.Errorf("the list should show the new, not yet crawled source:\n%s", list)
	}
}
