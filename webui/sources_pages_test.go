package webui_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"observatory"
)

// TestSourceFormPermissions walks the sources row of the permission matrix
// through the web forms: create, edit, deactivate and delete, for each
// role, on a source of its own country and of another. A refused change
// leaves the stored record as it was.
func TestSourceFormPermissions(t *testing.T) {
	e := newEnv(t, observatory.Policy{})
	ctx := context.Background()
	clients := map[string]*http.Client{"anon": e.client()}
	for _, n := range []string{"admin", "analyst", "coord-cr", "coord-ni"} {
		clients[n] = e.login(n)
	}
	type cell struct{ editPage, create, edit, active, del int }
	ok := cell{200, 303, 303, 303, 303}
	no := cell{403, 403, 403, 403, 403}
	anon := cell{303, 401, 401, 401, 401} // the edit page sends to sign-in
	want := map[string]map[string]cell{
		"anon":     {"CR": anon, "NI": anon},
		"analyst":  {"CR": no, "NI": no},
		"coord-cr": {"CR": ok, "NI": no},
		"coord-ni": {"CR": no, "NI": ok},
		"admin":    {"CR": ok, "NI": ok},
	}
	n := 0
	for role, byCountry := range want {
		c := clients[role]
		for country, w := range byCountry {
			n++
			name := fmt.Sprintf("%s-%s", role, country)
			src := e.addSource(observatory.Source{Name: "Fuente " + name, Country: country, Medium: "radio",
				Homepage: fmt.Sprintf("https://%s.example.org/", name), Active: true})
			path := "/sources/" + src.ID
			if got, _ := e.page(c, path+"/edit"); got != w.editPage {
				t.Errorf("%s opens the edit form of a %s source: status %d, want %d", role, country, got, w.editPage)
			}
			form := sourceForm("Nueva "+name, country, fmt.Sprintf("https://new-%s.example.org/", name))
			if resp, _ := e.post(c, "/sources", form); resp.StatusCode != w.create {
				t.Errorf("%s creates a %s source by form: status %d, want %d", role, country, resp.StatusCode, w.create)
			}
			edit := sourceForm("Cambiada "+name, country, src.Homepage)
			if resp, _ := e.post(c, path, edit); resp.StatusCode != w.edit {
				t.Errorf("%s edits a %s source by form: status %d, want %d", role, country, resp.StatusCode, w.edit)
			}
			if resp, _ := e.post(c, path+"/active", url.Values{"active": {"0"}}); resp.StatusCode != w.active {
				t.Errorf("%s deactivates a %s source: status %d, want %d", role, country, resp.StatusCode, w.active)
			}
			stored, err := e.db.Source(ctx, src.ID)
			if err != nil {
				t.Fatal(err)
			}
			if changed := stored.Name != src.Name || !stored.Active; changed != (w.edit == 303) {
				t.Errorf("%s on a %s source: stored %q active=%v; changed %v, want %v", role, country, stored.Name, stored.Active, changed, w.edit == 303)
			}
			if resp, _ := e.post(c, path+"/delete", url.Values{"confirm": {"1"}}); resp.StatusCode != w.del {
				t.Errorf("%s deletes a %s source: status %d, want %d", role, country, resp.StatusCode, w.del)
			}
			_, err = e.db.Source(ctx, src.ID)
			if gone := err != nil; gone != (w.del == 303) {
				t.Errorf("%s deletes a %s source: gone %v, want %v", role, country, gone, w.del == 303)
			}
			// Everyone reads the directory and the source's page.
			if got, _ := e.page(c, "/sources?country="+country); got != 200 {
				t.Errorf("%s lists sources: status %d", role, got)
			}
		}
	}
	// The CR coordinator cannot move a CR source into NI, nor edit a NI
	// source by claiming CR in the form.
	cr := e.addSource(observatory.Source{Name: "Mudanza", Country: "CR", Medium: "tv", Homepage: "https://mudanza.example/", Active: true})
	ni := e.addSource(observatory.Source{Name: "Nica", Country: "NI", Medium: "tv", Homepage: "https://nica.example/", Active: true})
	coord := clients["coord-cr"]
	if resp, _ := e.post(coord, "/sources/"+cr.ID, sourceForm("Mudanza", "NI", cr.Homepage)); resp.StatusCode != 403 {
		t.Errorf("coordinator of CR moves a source to NI: status %d, want 403", resp.StatusCode)
	}
	if resp, _ := e.post(coord, "/sources/"+ni.ID, sourceForm("Tomada", "CR", ni.Homepage)); resp.StatusCode != 403 {
		t.Errorf("coordinator of CR edits a NI source claiming CR: status %d, want 403", resp.StatusCode)
	}
	if got, _ := e.db.Source(ctx, ni.ID); got.Name != "Nica" || got.Country != "NI" {
		t.Errorf("NI source after the refused edit: %+v", got)
	}
	// Deleting needs the confirmation box.
	if resp, _ := e.post(coord, "/sources/"+cr.ID+"/delete", nil); resp.StatusCode != 400 {
		t.Errorf("delete without confirmation: status %d, want 400", resp.StatusCode)
	}
	// The form offers only the countries the user may create in.
	_, page := e.page(coord, "/sources/new")
	if !strings.Contains(page, `value="CR"`) || strings.Contains(page, `value="NI"`) {
		t.Error("the CR coordinator's form should offer CR and not NI")
	}
}

// TestSourceFormValidation: an invalid form comes back with a message on
// each field at fault and nothing saved; a valid one is saved, recorded in
// the history and shown on the source's page.
func TestSourceFormValidation(t *testing.T) {
	e := newEnv(t, observatory.Policy{})
	ctx := context.Background()
	c := e.login("coord-cr")
	bad := url.Values{"name": {""}, "country": {"CR"}, "medium": {"blog"}, "homepage": {"nacion.com"},
		"feeds": {"https://ok.example/feed ftp://x/feed"}, "listings": {"https://x.example/ultimas"}, "schedule": {"cada rato"}, "active": {"1"}}
	resp, page := e.post(c, "/sources", bad)
	if resp.StatusCode != 400 {
		t.Fatalf("invalid form: status %d, want 400", resp.StatusCode)
	}
	for _, msg := range []string{"el nombre es obligatorio", "medio desconocido", "la URL debe empezar por http", "ftp://x/feed", "falta el selector CSS", "programación no válida", "no se guardó nada"} {
		if !strings.Contains(html.UnescapeString(page), msg) {
			t.Errorf("invalid form page lacks %q", msg)
		}
	}
	if !strings.Contains(page, `value="https://ok.example/feed`) && !strings.Contains(page, "https://ok.example/feed\nftp") {
		t.Error("the form lost what was typed")
	}
	if list, _ := e.db.Sources(ctx, observatory.SourceFilter{}); len(list) != 0 {
		t.Fatalf("an invalid form saved %d sources", len(list))
	}

	form := sourceForm("Semanario Universidad", "CR", "https://semanariouniversidad.com/")
	form.Set("listings", "https://semanariouniversidad.com/ultimas h2.entry-title a")
	form.Set("schedule", "0 * * * *")
	form.Set("scope", "national")
	form.Set("focus", "human-rights")
	resp, _ = e.post(c, "/sources", form)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != 303 || !strings.HasPrefix(loc, "/sources/cr-semanario-universidad") {
		t.Fatalf("valid form: status %d Location %q", resp.StatusCode, loc)
	}
	// The same homepage again: a conflict on that field.
	resp, page = e.post(c, "/sources", sourceForm("Otro", "CR", "http://www.semanariouniversidad.com"))
	if resp.StatusCode != 409 || !strings.Contains(page, "ya registrada como cr-semanario-universidad") {
		t.Errorf("duplicate homepage: status %d, want 409 naming the other source", resp.StatusCode)
	}

	// Edit: change the name and deactivate; the page shows the history.
	_, page = e.page(c, "/sources/cr-semanario-universidad/edit")
	stamp := between(page, `name="updated_at" value="`, `"`)
	if stamp == "" {
		t.Fatal("the edit form carries no version")
	}
	edit := sourceForm("Semanario Universidad (UCR)", "CR", "https://semanariouniversidad.com/")
	edit.Set("updated_at", stamp)
	edit.Del("active")
	e.clk.Advance(time.Minute)
	if resp, _ := e.post(c, "/sources/cr-semanario-universidad", edit); resp.StatusCode != 303 {
		t.Fatalf("edit: status %d", resp.StatusCode)
	}
	// The same stale form sent again: someone (here, ourselves) changed it since.
	e.clk.Advance(time.Minute)
	edit.Set("name", "Otra vez")
	resp, page = e.post(c, "/sources/cr-semanario-universidad", edit)
	if resp.StatusCode != 409 || !strings.Contains(page, "coord-cr cambió este registro") {
		t.Errorf("stale edit: status %d, want 409 saying who changed it", resp.StatusCode)
	}
	got, _ := e.db.Source(ctx, "cr-semanario-universidad")
	if got.Name != "Semanario Universidad (UCR)" || got.Active || got.Schedule != "" || len(got.Listings) != 0 {
		t.Errorf("after the edit: %+v", got)
	}
	_, page = e.page(c, "/sources/cr-semanario-universidad")
	for _, want := range []string{"Historial de cambios", "coord-cr", "<del>Semanario Universidad</del>", "<ins>Semanario Universidad (UCR)</ins>", "alta"} {
		if !strings.Contains(page, want) {
			t.Errorf("source page lacks %q", want)
		}
	}
	// The history is for staff: an anonymous reader sees the record, not who changed it.
	_, page = e.page(e.client(), "/sources/cr-semanario-universidad")
	if strings.Contains(page, "Historial de cambios") || strings.Contains(page, "coord-cr") {
		t.Error("anonymous source page shows the history")
	}
	if !strings.Contains(page, "Semanario Universidad (UCR)") {
		t.Error("anonymous source page lacks the record")
	}
}

// between returns the text of s between the first start and the next end.
func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i+len(start):]
	j := strings.Index(s, end)
	if j < 0 {
		return ""
	}
	return s[:j]
}

// TestSourceHistoryAPI: the history through the API, for staff only, and
// every path of change recorded (API, form, import).
func TestSourceHistoryAPI(t *testing.T) {
	e := newEnv(t, observatory.Policy{})
	admin := e.login("admin")
	resp, body := e.do(admin, "POST", "/api/v1/sources", crSource)
	if resp.StatusCode != 201 {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	var src observatory.Source
	decode(t, body, &src)
	src.Notes = "cambió de dueño"
	upd := fmt.Sprintf(`{"name":%q,"country":"CR","medium":"print","homepage":%q,"feeds":[%q],"notes":"cambió de dueño","active":true}`,
		src.Name, src.Homepage, src.Feeds[0])
	if resp, body := e.do(admin, "PUT", "/api/v1/sources/"+src.ID, upd); resp.StatusCode != 200 {
		t.Fatalf("update: %d %s", resp.StatusCode, body)
	}
	// A PUT with a stale updated_at is refused.
	stale := strings.Replace(upd, `"active":true`, `"active":true,"updated_at":"2020-01-01T00:00:00Z"`, 1)
	if resp, _ := e.do(admin, "PUT", "/api/v1/sources/"+src.ID, stale); resp.StatusCode != http.StatusConflict {
		t.Errorf("stale PUT: status %d, want 409", resp.StatusCode)
	}
	if resp, _ := e.do(admin, "DELETE", "/api/v1/sources/"+src.ID, ""); resp.StatusCode != 204 {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	if resp, _ := e.do(e.client(), "GET", "/api/v1/sources/"+src.ID+"/history", ""); resp.StatusCode != 401 {
		t.Errorf("anonymous history: status %d, want 401", resp.StatusCode)
	}
	resp, body = e.do(e.login("analyst"), "GET", "/api/v1/sources/"+src.ID+"/history", "")
	var h struct {
		Total   int                  `json:"total"`
		Changes []observatory.Change `json:"changes"`
	}
	decode(t, body, &h)
	if resp.StatusCode != 200 || h.Total != 3 {
		t.Fatalf("history: status %d, %d changes, want 3: %s", resp.StatusCode, h.Total, body)
	}
	for i, want := range []string{"delete", "update", "create"} {
		if h.Changes[i].Action != want || h.Changes[i].By != "admin" {
			t.Errorf("change %d: %s by %s, want %s by admin", i, h.Changes[i].Action, h.Changes[i].By, want)
		}
	}
	if f := h.Changes[1].Fields; len(f) != 1 || f[0].Field != "notes" || f[0].New != "cambió de dueño" {
		t.Errorf("update fields: %+v, want notes only", f)
	}
}

// TestSourceImportExportWeb: export as CSV and OPML, import through the
// web form with bad rows reported by line, idempotent, and rows of other
// countries refused for a coordinator.
func TestSourceImportExportWeb(t *testing.T) {
	e := newEnv(t, observatory.Policy{})
	ctx := context.Background()
	for i, c := range []string{"CR", "CR", "NI"} {
		e.addSource(observatory.Source{Name: fmt.Sprintf("Medio %d", i), Country: c, Medium: "online",
			Homepage: fmt.Sprintf("https://medio%d.example/", i), Feeds: []string{fmt.Sprintf("https://medio%d.example/feed", i)}, Active: true})
	}
	anon := e.client()
	resp, body := e.do(anon, "GET", "/sources/export?country=CR&format=csv", "")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "fuentes-cr.csv") {
		t.Fatalf("CSV export: status %d, headers %v", resp.StatusCode, resp.Header)
	}
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(recs) != 3 || recs[0][0] != "id" {
		t.Fatalf("CSV export: %d records (%v), want a header and the 2 CR sources:\n%s", len(recs), err, body)
	}
	resp, opml := e.do(anon, "GET", "/sources/export?format=opml", "")
	if resp.StatusCode != 200 || !strings.Contains(opml, "<opml") || strings.Count(opml, "xmlUrl=") != 3 {
		t.Fatalf("OPML export: status %d:\n%s", resp.StatusCode, opml)
	}

	// Into a fresh observatory: the CSV with two bad rows added.
	e2 := newEnv(t, observatory.Policy{})
	coord := e2.login("coord-cr")
	file := body + "," + "Sin País,,online,,,https://sinpais.example/,,,,,,,,,,\n" +
		",Nicaragüense,NI,online,,,https://nica.example/,,,,,,,,,,\n"
	resp, page := e2.upload(coord, "/sources/import", "fuentes.csv", []byte(file), nil)
	text := html.UnescapeString(page)
	if resp.StatusCode != 200 || !strings.Contains(text, "2 creadas, 0 actualizadas, 0 sin cambios, 2 rechazadas") {
		t.Fatalf("import: status %d, page:\n%s", resp.StatusCode, between(text, "<main>", "</main>"))
	}
	for _, want := range []string{"<td>4</td>", "país desconocido", "<td>5</td>", "usted no coordina NI"} {
		if !strings.Contains(text, want) {
			t.Errorf("import report lacks %q", want)
		}
	}
	if list, _ := e2.db.Sources(ctx, observatory.SourceFilter{}); len(list) != 2 {
		t.Errorf("after import: %d sources, want 2", len(list))
	}
	// The same file again changes nothing.
	_, page = e2.upload(coord, "/sources/import", "fuentes.csv", []byte(file), nil)
	if !strings.Contains(html.UnescapeString(page), "0 creadas, 0 actualizadas, 2 sin cambios, 2 rechazadas") {
		t.Errorf("second import: %s", between(html.UnescapeString(page), "<main>", "</main>"))
	}
	h, _ := e2.db.History(ctx, observatory.EntitySource, "cr-medio-0")
	if len(h) != 1 || h[0].By != "coord-cr" {
		t.Errorf("history after two imports: %+v, want one creation by coord-cr", h)
	}

	// OPML round trip: the admin imports the whole directory's OPML.
	admin := e2.login("admin")
	_, page = e2.upload(admin, "/sources/import", "export.opml", []byte(opml), url.Values{"format": {""}})
	if !strings.Contains(html.UnescapeString(page), "1 creadas, 0 actualizadas, 2 sin cambios, 0 rechazadas") {
		t.Errorf("OPML import: %s", between(html.UnescapeString(page), "<main>", "</main>"))
	}
	_, page = e2.upload(admin, "/sources/import", "export.opml", []byte(opml), nil)
	if !strings.Contains(html.UnescapeString(page), "0 creadas, 0 actualizadas, 3 sin cambios, 0 rechazadas") {
		t.Errorf("second OPML import: %s", between(html.UnescapeString(page), "<main>", "</main>"))
	}

	// Readers cannot import; a broken file is said so.
	if resp, _ := e2.upload(e2.login("analyst"), "/sources/import", "x.csv", []byte(file), nil); resp.StatusCode != 403 {
		t.Errorf("analyst import: status %d, want 403", resp.StatusCode)
	}
	if resp, _ := e2.upload(anon, "/sources/import", "x.csv", []byte(file), nil); resp.StatusCode != 401 {
		t.Errorf("anonymous import: status %d, want 401", resp.StatusCode)
	}
	resp, page = e2.upload(admin, "/sources/import", "x.csv", []byte("nombre,pais\nA,CR\n"), nil)
	if resp.StatusCode != 400 || !strings.Contains(html.UnescapeString(page), "nombre") {
		t.Errorf("file with unknown columns: status %d", resp.StatusCode)
	}
}

// TestDiscoveryAndTestWeb: feed discovery and "test this source" from the
// form and the source's page, against fake outlets; nothing is stored by
// either.
func TestDiscoveryAndTestWeb(t *testing.T) {
	e := newEnv(t, observatory.Policy{})
	ctx := context.Background()
	c := e.login("coord-cr")
	announced, plain, nofeed, broken := fakeOutlet(t, "announced"), fakeOutlet(t, "plain"), fakeOutlet(t, "nofeed"), fakeOutlet(t, "broken")

	cases := []struct {
		name, home string
		want       []string
	}{
		{"announced by the page", announced.URL + "/", []string{`value="` + announced.URL + `/feed.xml" checked`, "Diario Anunciado", "anunciado en la página"}},
		{"at a usual address", plain.URL, []string{`value="` + plain.URL + `/rss.xml" checked`, "dirección habitual"}},
		{"none", nofeed.URL, []string{"No se encontraron feeds"}},
		{"homepage unreachable", "http://127.0.0.1:1/", []string{"role=\"status\""}},
		{"homepage not a URL", "diario", []string{"Página principal: la URL debe empezar"}},
	}
	for _, tc := range cases {
		form := sourceForm("Diario", "CR", tc.home)
		form.Del("feeds")
		resp, page := e.post(c, "/sources/discover", form)
		if resp.StatusCode != 200 {
			t.Errorf("%s: status %d", tc.name, resp.StatusCode)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(html.UnescapeString(page), html.UnescapeString(w)) {
				t.Errorf("%s: discovery page lacks %q", tc.name, w)
			}
		}
		if !strings.Contains(page, `name="homepage" type="url" value="`+html.EscapeString(tc.home)+`"`) && tc.home != "diario" {
			t.Errorf("%s: the form lost the homepage", tc.name)
		}
	}
	// Testing the feeds typed in the form.
	form := sourceForm("Diario", "CR", announced.URL+"/")
	form.Set("feeds", announced.URL+"/feed.xml\n"+broken.URL+"/feed.xml")
	_, page := e.post(c, "/sources/preview", form)
	text := html.UnescapeString(page)
	for _, w := range []string{"Mujeres migrantes sostienen la cosecha de café", "https://anunciado.example/2026/11/ninez-migrante/", "2 artículos que el rastreador recogería", "página web, no un feed"} {
		if !strings.Contains(text, w) {
			t.Errorf("preview page lacks %q", w)
		}
	}
	if list, _ := e.db.Sources(ctx, observatory.SourceFilter{}); len(list) != 0 {
		t.Errorf("discovery and preview stored %d sources", len(list))
	}

	// Saving with a discovered feed ticked adds it.
	form = sourceForm("Diario Anunciado", "CR", announced.URL+"/")
	form.Del("feeds")
	form.Set("feed_add", announced.URL+"/feed.xml")
	if resp, _ := e.post(c, "/sources", form); resp.StatusCode != 303 {
		t.Fatalf("create with a found feed: status %d", resp.StatusCode)
	}
	src, err := e.db.Source(ctx, "cr-diario-anunciado")
	if err != nil || len(src.Feeds) != 1 || src.Feeds[0] != announced.URL+"/feed.xml" {
		t.Fatalf("created: %+v %v", src, err)
	}
	// "Test this source" on its page.
	resp, page := e.post(c, "/sources/"+src.ID+"/test", nil)
	if resp.StatusCode != 200 || !strings.Contains(page, "Niñez migrante en la frontera sur") || !strings.Contains(page, "no se guardó nada") {
		t.Errorf("test this source: status %d", resp.StatusCode)
	}
	if h, _ := e.db.History(ctx, observatory.EntitySource, src.ID); len(h) != 1 {
		t.Errorf("the test changed the source: %d history entries", len(h))
	}
	// Only those who may edit the source test it; others may not make us fetch.
	if resp, _ := e.post(e.login("coord-ni"), "/sources/"+src.ID+"/test", nil); resp.StatusCode != 403 {
		t.Errorf("coord-ni tests a CR source: status %d, want 403", resp.StatusCode)
	}
	if resp, _ := e.post(e.login("analyst"), "/sources/discover", form); resp.StatusCode != 403 {
		t.Errorf("analyst discovers: status %d, want 403", resp.StatusCode)
	}
	// The same through the API.
	resp, body := e.do(c, "POST", "/api/v1/sources/discover", fmt.Sprintf(`{"homepage":%q}`, plain.URL))
	if resp.StatusCode != 200 || !strings.Contains(body, plain.URL+"/rss.xml") {
		t.Errorf("API discover: %d %s", resp.StatusCode, body)
	}
	resp, body = e.do(c, "POST", "/api/v1/sources/test", fmt.Sprintf(`{"feed":%q}`, broken.URL+"/feed.xml"))
	if resp.StatusCode != 200 || !strings.Contains(body, `"ok":false`) {
		t.Errorf("API test of a broken feed: %d %s", resp.StatusCode, body)
	}
}

// TestSourceHealthWeb: a source failing for days and one gone silent are
// flagged on their coordinator's page and found by the health filter; the
// weekly volume comes from the store's counters.
func TestSourceHealthWeb(t *testing.T) {
	e := newEnv(t, observatory.Policy{})
	ctx := context.Background()
	start := time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)
	e.clk.Advance(start.Sub(e.clk.Now()))
	failing := e.addSource(observatory.Source{Name: "Diario Caído", Country: "CR", Medium: "print", Homepage: "https://caido.example/", Feeds: []string{"https://caido.example/feed"}, Active: true})
	silent := e.addSource(observatory.Source{Name: "Radio Callada", Country: "CR", Medium: "radio", Homepage: "https://callada.example/", Feeds: []string{"https://callada.example/feed"}, Active: true})
	fine := e.addSource(observatory.Source{Name: "Diario Bien", Country: "CR", Medium: "online", Homepage: "https://bien.example/", Feeds: []string{"https://bien.example/feed"}, Active: true})
	other := e.addSource(observatory.Source{Name: "Nica Caída", Country: "NI", Medium: "online", Homepage: "https://nicacaida.example/", Feeds: []string{"https://nicacaida.example/feed"}, Active: true})

	// Ten weeks of 20 articles a week for the silent and the fine outlet,
	// then nothing from the silent one in the last complete week.
	now := start.AddDate(0, 0, 7*11)
	for w := 0; w < 11; w++ {
		for i := 0; i < 20; i++ {
			day := start.AddDate(0, 0, 7*w+i%5)
			for _, src := range []observatory.Source{silent, fine} {
				if src.ID == silent.ID && w == 10 {
					continue
				}
				if _, err := e.db.SaveArticle(ctx, &observatory.Article{ID: fmt.Sprintf("%s-%d-%d", src.ID, w, i), URL: fmt.Sprintf("https://%s/%d/%d", src.ID, w, i),
					SourceID: src.ID, Published: day}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	e.clk.Advance(now.Sub(e.clk.Now()))
	ok := observatory.SourceHealth{LastAttempt: now.Add(-time.Hour), LastSuccess: now.Add(-time.Hour), ItemsLastRun: 20}
	for _, h := range []observatory.SourceHealth{
		{SourceID: failing.ID, LastAttempt: now.Add(-time.Hour), LastSuccess: now.AddDate(0, 0, -5), ConsecutiveFailures: 12, LastError: "HTTP 404"},
		{SourceID: other.ID, LastAttempt: now.Add(-time.Hour), LastSuccess: now.AddDate(0, 0, -5), ConsecutiveFailures: 12, LastError: "HTTP 404"},
		withID(ok, silent.ID), withID(ok, fine.ID),
	} {
		if err := e.db.PutHealth(ctx, h); err != nil {
			t.Fatal(err)
		}
	}
	coord := e.login("coord-cr")
	_, page := e.page(coord, "/sources")
	attention := between(page, `id="attention"`, "</section>")
	for _, want := range []string{"Diario Caído", "Falla desde hace 4 días", "HTTP 404", "Radio Callada", "Volumen muy por debajo de lo habitual: 0 artículos"} {
		if !strings.Contains(attention, want) {
			t.Errorf("coordinator's attention list lacks %q:\n%s", want, attention)
		}
	}
	for _, not := range []string{"Diario Bien", "Nica Caída"} {
		if strings.Contains(attention, not) {
			t.Errorf("coordinator's attention list shows %q", not)
		}
	}
	for state, want := range map[string]string{"failing": "Diario Caído", "silent": "Radio Callada", "ok": "Diario Bien"} {
		_, page := e.page(coord, "/sources?country=CR&health="+state)
		table := between(page, "<tbody>", "</tbody>")
		if !strings.Contains(table, want) || strings.Count(table, "<tr") != 1 {
			t.Errorf("health=%s: want only %s in\n%s", state, want, table)
		}
	}
	// The API gives the same, with the weekly counts.
	resp, body := e.do(e.client(), "GET", "/api/v1/sources/"+silent.ID+"/health", "")
	var h struct {
		State string `json:"state"`
		Weeks []struct {
			Articles int `json:"articles"`
		} `json:"weeks"`
		Flags []struct {
			Kind string `json:"kind"`
		} `json:"flags"`
	}
	decode(t, body, &h)
	if resp.StatusCode != 200 || h.State != "silent" || len(h.Flags) != 1 || len(h.Weeks) != 9 || h.Weeks[6].Articles != 20 || h.Weeks[7].Articles != 0 {
		t.Errorf("API health: status %d %+v", resp.StatusCode, h)
	}
	// An analyst reads the flags on the source's page but has no attention list.
	_, page = e.page(e.login("analyst"), "/sources")
	if strings.Contains(page, `id="attention"`) {
		t.Error("the analyst gets an attention list")
	}
	_, page = e.page(e.login("analyst"), "/sources/"+failing.ID)
	if !strings.Contains(page, "Falla desde hace 4 días") || !strings.Contains(page, "<meter") {
		t.Error("source page lacks the flag or the weekly bars")
	}
}

func withID(h observatory.SourceHealth, id string) observatory.SourceHealth {
	h.SourceID = id
	return h
}
