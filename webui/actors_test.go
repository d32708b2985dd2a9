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

	"observatory"
)

// TestActorPermissionsHTTP walks the actors row of the permission matrix
// through the API and the forms, on an actor of the user's own country
// and of another.
func TestActorPermissionsHTTP(t *testing.T) {
	e := newEnv(t, observatory.Policy{})
	ctx := context.Background()
	clients := map[string]*http.Client{"anon": e.client()}
	for _, n := range []string{"admin", "analyst", "coord-cr", "coord-ni"} {
		clients[n] = e.login(n)
	}
	type cell struct{ create, edit, del, formCreate, formEdit, formDel int }
	ok := cell{201, 200, 204, 303, 303, 303}
	no := cell{403, 403, 403, 403, 403, 403}
	anon := cell{401, 401, 401, 401, 401, 401}
	want := map[string]map[string]cell{
		"anon":     {"CR": anon, "NI": anon},
		"analyst":  {"CR": no, "NI": no},
		"coord-cr": {"CR": ok, "NI": no},
		"coord-ni": {"CR": no, "NI": ok},
		"admin":    {"CR": ok, "NI": ok},
	}
	for role, byCountry := range want {
		c := clients[role]
		for country, w := range byCountry {
			name := role + " " + country
			body := fmt.Sprintf(`{"name":"API %s","kind":"ngo","country":%q,"areas":["migration"]}`, name, country)
			if resp, got := e.do(c, "POST", "/api/v1/actors", body); resp.StatusCode != w.create {
				t.Errorf("%s creates a %s actor: status %d, want %d (%s)", role, country, resp.StatusCode, w.create, got)
			}
			form := url.Values{"name": {"Form " + name}, "kind": {"academic"}, "country": {country}, "areas": {"research"}}
			if resp, _ := e.post(c, "/actors", form); resp.StatusCode != w.formCreate {
				t.Errorf("%s creates a %s actor by form: status %d, want %d", role, country, resp.StatusCode, w.formCreate)
			}
			a := e.addActor(observatory.Actor{Name: "Actor " + name, Kind: "person", Country: country, Email: "x@example.org"})
			upd := fmt.Sprintf(`{"name":"Renombrado %s","kind":"person","country":%q}`, name, country)
			if resp, got := e.do(c, "PUT", "/api/v1/actors/"+a.ID, upd); resp.StatusCode != w.edit {
				t.Errorf("%s edits a %s actor: status %d, want %d (%s)", role, country, resp.StatusCode, w.edit, got)
			}
			form = url.Values{"name": {"Por formulario " + name}, "kind": {"person"}, "country": {country}}
			if resp, _ := e.post(c, "/actors/"+a.ID, form); resp.StatusCode != w.formEdit {
				t.Errorf("%s edits a %s actor by form: status %d, want %d", role, country, resp.StatusCode, w.formEdit)
			}
			stored, _ := e.db.Actor(ctx, a.ID)
			if changed := stored.Name != a.Name; changed != (w.edit == 200) {
				t.Errorf("%s on a %s actor: stored name %q; changed %v, want %v", role, country, stored.Name, changed, w.edit == 200)
			}
			if resp, _ := e.post(c, "/actors/"+a.ID+"/delete", url.Values{"confirm": {"1"}}); resp.StatusCode != w.formDel {
				t.Errorf("%s deletes a %s actor by form: status %d, want %d", role, country, resp.StatusCode, w.formDel)
			}
			b := e.addActor(observatory.Actor{Name: "Otro " + name, Kind: "ngo", Country: country})
			if resp, _ := e.do(c, "DELETE", "/api/v1/actors/"+b.ID, ""); resp.StatusCode != w.del {
				t.Errorf("%s deletes a %s actor: status %d, want %d", role, country, resp.StatusCode, w.del)
			}
			if resp, _ := e.do(c, "GET", "/api/v1/actors?country="+country, ""); resp.StatusCode != 200 {
				t.Errorf("%s lists actors: status %d", role, resp.StatusCode)
			}
		}
	}
	// Moving an actor out of one's countries is refused.
	a := e.addActor(observatory.Actor{Name: "Mudanza", Kind: "ngo", Country: "CR"})
	if resp, _ := e.do(clients["coord-cr"], "PUT", "/api/v1/actors/"+a.ID, `{"name":"Mudanza","kind":"ngo","country":"NI"}`); resp.StatusCode != 403 {
		t.Errorf("coordinator moves an actor to NI: status %d, want 403", resp.StatusCode)
	}
	// 400 names the invalid fields; the form shows them.
	resp, body := e.do(clients["admin"], "POST", "/api/v1/actors", `{"name":"","kind":"club","country":"CR","email":"no-es-correo","phone":"abc"}`)
	var v struct {
		Fields map[string]string `json:"fields"`
	}
	decode(t, body, &v)
	if resp.StatusCode != 400 || len(v.Fields) != 4 {
		t.Errorf("invalid actor: status %d, fields %v; want 400 naming name, kind, email and phone", resp.StatusCode, v.Fields)
	}
	resp, page := e.post(clients["coord-cr"], "/actors", url.Values{"name": {"Ana"}, "kind": {"person"}, "country": {"CR"}, "email": {"ana(at)example.org"}})
	if resp.StatusCode != 400 || !strings.Contains(html.UnescapeString(page), "correo no válido") || !strings.Contains(page, `value="ana(at)example.org"`) {
		t.Errorf("invalid actor form: status %d", resp.StatusCode)
	}
}

// TestContactsNeverPublic: an actor's e-mail, phone, notes and council
// candidacy appear on no page and in no API answer for anonymous readers,
// and do for signed-in staff.
func TestContactsNeverPublic(t *testing.T) {
	e := newEnv(t, observatory.Policy{})
	a := e.addActor(observatory.Actor{Name: "Luisa Fernández", Kind: "person", Country: "CR", Role: "investigadora",
		Areas: []string{"women-migrants"}, Website: "https://luisa.example.org/", Documents: []string{"doc-7", "https://luisa.example.org/estudio.pdf"},
		Email: "luisa.privado@example.org", Phone: "+506 8888 1234", Notes: "NOTA-INTERNA", CouncilCandidate: true})
	secrets := []string{"luisa.privado", "8888 1234", "NOTA-INTERNA", "council_candidate", "candidatura al consejo", "Candidatura al consejo"}
	anon := e.client()
	paths := []string{"/actors", "/actors/" + a.ID, "/actors?council=1", "/actors?q=luisa", "/api/v1/actors", "/api/v1/actors/" + a.ID,
		"/api/v1/actors?council=1", "/", "/?q=luisa", "/sources"}
	for _, p := range paths {
		status, body := e.page(anon, p)
		if status != 200 {
			t.Errorf("anonymous %s: status %d", p, status)
		}
		for _, s := range secrets {
			if strings.Contains(body, s) {
				t.Errorf("anonymous %s shows %q", p, s)
			}
		}
	}
	// The public fields are there.
	if _, body := e.page(anon, "/actors/"+a.ID); !strings.Contains(body, "investigadora") || !strings.Contains(body, "doc-7") {
		t.Error("anonymous actor page lacks the public fields")
	}
	// The council filter reveals nobody to anonymous readers.
	if _, body := e.page(anon, "/api/v1/actors?council=1"); !strings.Contains(body, `"total":0`) {
		t.Errorf("anonymous council filter: %s", body)
	}
	// History and exports are not for anonymous readers.
	if resp, _ := e.do(anon, "GET", "/api/v1/actors/"+a.ID+"/history", ""); resp.StatusCode != 401 {
		t.Errorf("anonymous actor history: status %d, want 401", resp.StatusCode)
	}
	if resp, _ := e.do(anon, "GET", "/actors/export?country=CR", ""); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous export: status %d, want a redirect to sign in", resp.StatusCode)
	}

	// Signed-in staff see them on the page and in the API record.
	c := e.login("analyst")
	_, page := e.page(c, "/actors/"+a.ID)
	for _, s := range []string{"luisa.privado@example.org", "+506 8888 1234", "NOTA-INTERNA"} {
		if !strings.Contains(html.UnescapeString(page), s) {
			t.Errorf("analyst actor page lacks %q", s)
		}
	}
	var got observatory.Actor
	_, body := e.page(c, "/api/v1/actors/"+a.ID)
	decode(t, body, &got)
	if got.Email != a.Email || got.Phone != a.Phone || !got.CouncilCandidate {
		t.Errorf("analyst API actor: %+v", got)
	}
	if _, body := e.page(c, "/api/v1/actors?council=1"); !strings.Contains(body, `"total":1`) {
		t.Errorf("analyst council filter: %s", body)
	}

	// A private observatory shows nothing to anonymous readers.
	p := newEnv(t, observatory.Policy{Private: true})
	p.addActor(observatory.Actor{Name: "Ana", Kind: "person", Country: "CR"})
	if resp, _ := p.do(p.client(), "GET", "/api/v1/actors", ""); resp.StatusCode != 401 {
		t.Errorf("private observatory, anonymous actors API: status %d, want 401", resp.StatusCode)
	}
}

// TestActorExport: contacts leave the observatory only in an export by an
// admin or by the country's coordinator.
func TestActorExport(t *testing.T) {
	e := newEnv(t, observatory.Policy{})
	e.addActor(observatory.Actor{Name: "Ana CR", Kind: "person", Country: "CR", Email: "ana@cr.example"})
	e.addActor(observatory.Actor{Name: "Beto NI", Kind: "person", Country: "NI", Email: "beto@ni.example"})
	cases := []struct {
		who, query string
		status     int
		has, lacks string
	}{
		{"analyst", "?country=CR", 403, "", ""},
		{"coord-ni", "?country=CR", 403, "", ""},
		{"coord-cr", "", 403, "", ""},
		{"coord-cr", "?country=XX", 400, "", ""},
		{"coord-cr", "?country=CR", 200, "ana@cr.example", "beto@ni.example"},
		{"coord-ni", "?country=ni", 200, "beto@ni.example", "ana@cr.example"},
		{"admin", "", 200, "beto@ni.example", ""},
	}
	for _, c := range cases {
		resp, body := e.do(e.login(c.who), "GET", "/actors/export"+c.query, "")
		if resp.StatusCode != c.status {
			t.Errorf("%s exports %q: status %d, want %d", c.who, c.query, resp.StatusCode, c.status)
			continue
		}
		if c.status != 200 {
			continue
		}
		recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil || len(recs) < 2 || recs[0][8] != "email" {
			t.Errorf("%s export: %v\n%s", c.who, err, body)
		}
		if !strings.Contains(body, c.has) || (c.lacks != "" && strings.Contains(body, c.lacks)) {
			t.Errorf("%s exports %q: want %q and not %q in\n%s", c.who, c.query, c.has, c.lacks, body)
		}
		if !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("%s export is not a download", c.who)
		}
	}
	// The export buttons follow the same rule.
	if _, page := e.page(e.login("coord-cr"), "/actors"); !strings.Contains(page, "/actors/export?country=CR") || strings.Contains(page, "country=NI") {
		t.Error("the CR coordinator's page should offer the CR export only")
	}
	if _, page := e.page(e.login("analyst"), "/actors"); strings.Contains(page, "/actors/export") {
		t.Error("the analyst's page offers an export")
	}
}

// TestActorHistoryWeb: every change of an actor is recorded and shown to
// staff on its page, without the values of personal fields.
func TestActorHistoryWeb(t *testing.T) {
	e := newEnv(t, observatory.Policy{})
	c := e.login("coord-cr")
	form := url.Values{"name": {"Red de Mujeres Migrantes"}, "kind": {"ngo"}, "country": {"CR"}, "areas": {"migration", "trafficking"},
		"other_areas": {"remesas"}, "email": {"red@example.org"}, "phone": {"+506 2222 3333"}, "website": {"https://red.example.org/"}}
	resp, _ := e.post(c, "/actors", form)
	if resp.StatusCode != 303 {
		t.Fatalf("create: status %d", resp.StatusCode)
	}
	id := strings.TrimSuffix(strings.TrimPrefix(resp.Header.Get("Location"), "/actors/"), "?saved=1")
	_, page := e.page(c, "/actors/"+id+"/edit")
	stamp := between(page, `name="updated_at" value="`, `"`)
	if !strings.Contains(page, `value="remesas"`) || !strings.Contains(page, `value="trafficking" checked`) {
		t.Error("the edit form lost the areas")
	}
	form.Set("phone", "+506 4000 5000")
	form.Set("role", "incidencia política")
	form.Set("updated_at", stamp)
	if resp, _ := e.post(c, "/actors/"+id, form); resp.StatusCode != 303 {
		t.Fatalf("edit: status %d", resp.StatusCode)
	}
	_, page = e.page(e.login("analyst"), "/actors/"+id)
	hist := between(page, `id="history"`, "</section>")
	for _, want := range []string{"coord-cr", "<ins>incidencia política</ins>", "dato personal: el valor no se guarda"} {
		if !strings.Contains(hist, want) {
			t.Errorf("actor history lacks %q:\n%s", want, hist)
		}
	}
	for _, not := range []string{"2222 3333", "4000 5000", "red@example.org"} {
		if strings.Contains(hist, not) {
			t.Errorf("actor history keeps %q", not)
		}
	}
	a, _ := e.db.Actor(context.Background(), id)
	if a.Phone != "+506 4000 5000" || len(a.Areas) != 3 {
		t.Errorf("stored actor: %+v", a)
	}
}
