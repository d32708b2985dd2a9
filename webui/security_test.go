package webui_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"observatory"
	"observatory/webui"
)

const crSource = `{"name":"La Nación","country":"CR","medium":"print","homepage":"https://www.nacion.com/","feeds":["https://www.nacion.com/arc/outboundfeeds/rss/"],"active":true}`

// TestSourcePermissionsHTTP walks the sources row of the permission
// matrix through the API: each role, each action, on its own country and
// another one, through real HTTP with real sessions.
func TestSourcePermissionsHTTP(t *testing.T) {
	e := newEnv(t, observatory.Policy{})
	ctx := context.Background()
	clients := map[string]*http.Client{"anon": e.client()}
	for _, n := range []string{"admin", "analyst", "coord-cr", "coord-ni"} {
		clients[n] = e.login(n)
	}
	// One source per country for the edit and delete cells.
	seed := func(country string) string {
		s := &observatory.Source{Name: "Fuente " + country + fmt.Sprint(time.Now().UnixNano()), Country: country, Medium: "online",
			Homepage: fmt.Sprintf("https://%d.example.org/", time.Now().UnixNano()), Active: true}
		if err := e.db.CreateSource(ctx, s, "test"); err != nil {
			t.Fatal(err)
		}
		return s.ID
	}
	type cell struct{ create, edit, del int }
	want := map[string]map[string]cell{ // role → country of the source → statuses
		"anon":     {"CR": {401, 401, 401}, "NI": {401, 401, 401}},
		"analyst":  {"CR": {403, 403, 403}, "NI": {403, 403, 403}},
		"coord-cr": {"CR": {201, 200, 204}, "NI": {403, 403, 403}},
		"coord-ni": {"CR": {403, 403, 403}, "NI": {201, 200, 204}},
		"admin":    {"CR": {201, 200, 204}, "NI": {201, 200, 204}},
	}
	n := 0
	for role, byCountry := range want {
		c := clients[role]
		for country, w := range byCountry {
			n++
			body := fmt.Sprintf(`{"name":"Nuevo %d","country":%q,"medium":"radio","homepage":"https://new%d.example.org/"}`, n, country, n)
			resp, got := e.do(c, "POST", "/api/v1/sources", body)
			if resp.StatusCode != w.create {
				t.Errorf("%s creates a %s source: status %d, want %d (%s)", role, country, resp.StatusCode, w.create, got)
			}
			id := seed(country)
			upd := fmt.Sprintf(`{"name":"Renombrada","country":%q,"medium":"tv","homepage":"https://upd%d.example.org/"}`, country, n)
			if resp, got := e.do(c, "PUT", "/api/v1/sources/"+id, upd); resp.StatusCode != w.edit {
				t.Errorf("%s edits a %s source: status %d, want %d (%s)", role, country, resp.StatusCode, w.edit, got)
			}
			if resp, got := e.do(c, "DELETE", "/api/v1/sources/"+id, ""); resp.StatusCode != w.del {
				t.Errorf("%s deletes a %s source: status %d, want %d (%s)", role, country, resp.StatusCode, w.del, got)
			}
			// Everyone reads the directory when the observatory is public.
			if resp, _ := e.do(c, "GET", "/api/v1/sources?country="+country, ""); resp.StatusCode != 200 {
				t.Errorf("%s lists sources: status %d, want 200", role, resp.StatusCode)
			}
		}
	}
	// A coordinator cannot move a source out of reach into another country.
	id := seed("CR")
	resp, _ := e.do(clients["coord-cr"], "PUT", "/api/v1/sources/"+id,
		`{"name":"Mudada","country":"NI","medium":"tv","homepage":"https://moved.example.org/"}`)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("coordinator moves a CR source to NI: status %d, want 403", resp.StatusCode)
	}
	// 400 names the invalid fields.
	resp, body := e.do(clients["admin"], "POST", "/api/v1/sources", `{"name":"","country":"CR","medium":"blog","homepage":"nota-url"}`)
	var v struct {
		Error  string            `json:"error"`
		Fields map[string]string `json:"fields"`
	}
	decode(t, body, &v)
	if resp.StatusCode != 400 || v.Fields["name"] == "" || v.Fields["medium"] == "" || v.Fields["homepage"] == "" {
		t.Errorf("invalid source: status %d, body %s; want 400 naming name, medium and homepage", resp.StatusCode, body)
	}
	if resp, _ := e.do(clients["admin"], "POST", "/api/v1/sources", `{"name":"x","bogus":1}`); resp.StatusCode != 400 {
		t.Errorf("unknown field: status %d, want 400", resp.StatusCode)
	}
	if resp, _ := e.do(clients["admin"], "POST", "/api/v1/sources", crSource); resp.StatusCode != 201 {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	if resp, _ := e.do(clients["admin"], "POST", "/api/v1/sources", crSource); resp.StatusCode != http.StatusConflict {
		t.Errorf("duplicate homepage: status %d, want 409", resp.StatusCode)
	}
}

// TestCoordinatorInvalidCountryIs400: a coordinator who sends a record
// without a valid country made an invalid request, not a forbidden one:
// the answer is 400 naming the field, through the API and the forms, as
// for an administrator.
func TestCoordinatorInvalidCountryIs400(t *testing.T) {
	e := newEnv(t, observatory.Policy{})
	ctx := context.Background()
	c := e.login("coord-cr")
	src := &observatory.Source{Name: "Propia", Country: "CR", Medium: "online", Homepage: "https://propia.example.org/", Active: true}
	if err := e.db.CreateSource(ctx, src, "test"); err != nil {
		t.Fatal(err)
	}
	act := &observatory.Actor{Name: "Red Propia", Country: "CR", Kind: "ngo"}
	if err := e.db.CreateActor(ctx, act, "test"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ method, path, body string }{
		{"POST", "/api/v1/sources", `{"name":"Sin país","medium":"radio","homepage":"https://sinpais.example.org/"}`},
		{"POST", "/api/v1/sources", `{"name":"País raro","country":"XX","medium":"radio","homepage":"https://raro.example.org/"}`},
		{"PUT", "/api/v1/sources/" + src.ID, `{"name":"Propia","country":"XX","medium":"online","homepage":"https://propia.example.org/"}`},
		{"POST", "/api/v1/actors", `{"name":"Sin país","kind":"ngo"}`},
		{"PUT", "/api/v1/actors/" + act.ID, `{"name":"Red Propia","kind":"ngo","country":"XX"}`},
	} {
		resp, body := e.do(c, tc.method, tc.path, tc.body)
		var v struct {
			Fields map[string]string `json:"fields"`
		}
		decode(t, body, &v)
		if resp.StatusCode != http.StatusBadRequest || v.Fields["country"] == "" {
			t.Errorf("%s %s %s: status %d, body %s; want 400 naming country", tc.method, tc.path, tc.body, resp.StatusCode, body)
		}
	}
	for _, tc := range []struct {
		path string
		form url.Values
	}{
		{"/sources/" + src.ID, url.Values{"name": {"Propia"}, "country": {"XX"}, "medium": {"online"}, "homepage": {"https://propia.example.org/"}}},
		{"/actors/" + act.ID, url.Values{"name": {"Red Propia"}, "country": {"XX"}, "kind": {"ngo"}}},
	} {
		if resp := e.postForm(c, tc.path, tc.form); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("POST %s with country XX: status %d, want 400 (the form again, naming the field)", tc.path, resp.StatusCode)
		}
	}
}

func TestPrivateMode(t *testing.T) {
	e := newEnv(t, observatory.Policy{Private: true})
	anon := e.client()
	for _, p := range []string{"/api/v1/search?q=x", "/api/v1/sources"} {
		if resp, _ := e.do(anon, "GET", p, ""); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("private %s anonymous: status %d, want 401", p, resp.StatusCode)
		}
	}
	resp, _ := e.do(anon, "GET", "/?q=x", "")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
		t.Errorf("private search page: status %d Location %q, want a redirect to sign in", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, p := range []string{"/login", "/healthz"} {
		if resp, _ := e.do(anon, "GET", p, ""); resp.StatusCode != 200 {
			t.Errorf("private %s: status %d, want 200", p, resp.StatusCode)
		}
	}
	c := e.login("analyst")
	if resp, _ := e.do(c, "GET", "/api/v1/search?q=x", ""); resp.StatusCode != 200 {
		t.Errorf("private search signed in: status %d, want 200", resp.StatusCode)
	}
}

func TestArticleTextForStaffOnly(t *testing.T) {
	e := newEnv(t, observatory.Policy{})
	a := e.addArticle(observatory.Article{URL: "https://x.example/nota", Title: "Migrantes en tránsito", Text: "Texto completo secreto de la nota.",
		Country: "PA", SourceID: "pa-x", Published: time.Now()})
	var got observatory.Article
	_, body := e.do(e.client(), "GET", "/api/v1/articles/"+a.ID, "")
	decode(t, body, &got)
	if got.Title != a.Title || got.Text != "" {
		t.Errorf("anonymous article: title %q text %q; want the title and no text", got.Title, got.Text)
	}
	_, page := e.do(e.client(), "GET", "/articles/"+a.ID, "")
	if strings.Contains(page, "secreto") {
		t.Error("anonymous article page shows the full text")
	}
	c := e.login("analyst")
	_, body = e.do(c, "GET", "/api/v1/articles/"+a.ID, "")
	decode(t, body, &got)
	if got.Text != a.Text {
		t.Errorf("analyst article text: got %q", got.Text)
	}
	_, page = e.do(c, "GET", "/articles/"+a.ID, "")
	if !strings.Contains(page, "secreto") {
		t.Error("analyst article page lacks the full text")
	}
}

// TestArticleSummaryNotFullText: many outlets put the whole article in
// the feed item's description, which the crawler keeps as the summary
// (and as the text when the page gives less). Anonymous readers get an
// excerpt of it, never the whole.
func TestArticleSummaryNotFullText(t *testing.T) {
	e := newEnv(t, observatory.Policy{})
	full := "Mujeres migrantes denuncian abusos. " + strings.Repeat("Párrafo de la nota completa. ", 200) + "Final secreto de la nota."
	a := e.addArticle(observatory.Article{URL: "https://x.example/completa", Title: "Migrantes", Text: full, Summary: full,
		Country: "PA", SourceID: "pa-x", Published: time.Now()})
	var got observatory.Article
	_, body := e.do(e.client(), "GET", "/api/v1/articles/"+a.ID, "")
	decode(t, body, &got)
	if got.Summary == "" || strings.Contains(got.Summary, "secreto") || utf8.RuneCountInString(got.Summary) > 700 {
		t.Errorf("anonymous article summary: %d runes, tail present %v; want a short excerpt of the start",
			utf8.RuneCountInString(got.Summary), strings.Contains(got.Summary, "secreto"))
	}
	if !strings.HasPrefix(got.Summary, "Mujeres migrantes denuncian abusos.") {
		t.Errorf("anonymous article summary starts %q; want the start of the description", got.Summary[:min(len(got.Summary), 40)])
	}
	if _, page := e.do(e.client(), "GET", "/articles/"+a.ID, ""); strings.Contains(page, "secreto") {
		t.Error("anonymous article page shows the whole description")
	}
	c := e.login("analyst")
	_, body = e.do(c, "GET", "/api/v1/articles/"+a.ID, "")
	decode(t, body, &got)
	if got.Summary != full {
		t.Errorf("analyst article summary: %d runes, want the whole description (%d)", utf8.RuneCountInString(got.Summary), utf8.RuneCountInString(full))
	}
}

func TestUsersAdminPage(t *testing.T) {
	e := newEnv(t, observatory.Policy{})
	if resp, _ := e.do(e.client(), "GET", "/admin/users", ""); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous users page: status %d, want a redirect to sign in", resp.StatusCode)
	}
	for _, n := range []string{"analyst", "coord-cr"} {
		if resp, _ := e.do(e.login(n), "GET", "/admin/users", ""); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s users page: status %d, want 403", n, resp.StatusCode)
		}
		resp := e.postForm(e.login(n), "/admin/users", url.Values{"name": {"intruso"}, "role": {"admin"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s creates a user: status %d, want 403", n, resp.StatusCode)
		}
	}
	admin := e.login("admin")
	if resp, page := e.do(admin, "GET", "/admin/users", ""); resp.StatusCode != 200 || !strings.Contains(page, "coord-ni") {
		t.Errorf("admin users page: status %d", resp.StatusCode)
	}
	resp, err := admin.PostForm(e.srv.URL+"/admin/users", url.Values{"name": {"maria"}, "role": {"coordinator"}, "countries": {"GT", "HN"}})
	if err != nil {
		t.Fatal(err)
	}
	drain(resp)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("admin creates a user: status %d", resp.StatusCode)
	}
	u, err := e.db.User(context.Background(), "maria")
	if err != nil || u.Role != "coordinator" || len(u.Countries) != 2 {
		t.Errorf("created user: %+v, %v", u, err)
	}
	// Disabling ends the user's sessions at once.
	c := e.login("analyst")
	e.postForm(admin, "/admin/users/analyst", url.Values{"disabled": {"1"}})
	if resp, _ := e.do(c, "GET", "/account", ""); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("disabled user's session: status %d, want a redirect to sign in", resp.StatusCode)
	}
}

func TestSessionExpiryAndSignOut(t *testing.T) {
	e := newEnv(t, observatory.Policy{})
	c := e.login("analyst")
	if resp, _ := e.do(c, "GET", "/account", ""); resp.StatusCode != 200 {
		t.Fatalf("account page signed in: %d", resp.StatusCode)
	}
	// The cookie is HttpOnly, SameSite=Lax and, on plain HTTP, not Secure.
	resp := e.postForm(e.client(), "/login", url.Values{"name": {"analyst"}, "password": {testPassword}})
	var sc *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "obs_session" {
			sc = ck
		}
	}
	if sc == nil || !sc.HttpOnly || sc.SameSite != http.SameSiteLaxMode || sc.Secure || sc.MaxAge <= 0 {
		t.Errorf("session cookie: %+v", sc)
	}

	e.clk.Advance(2*time.Hour + time.Minute) // idle limit
	if resp, _ := e.do(c, "GET", "/account", ""); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after idle expiry: status %d, want a redirect to sign in", resp.StatusCode)
	}

	c = e.login("analyst")
	other := e.login("analyst")
	e.postForm(c, "/logout", nil)
	if resp, _ := e.do(c, "GET", "/account", ""); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after sign-out: status %d, want a redirect", resp.StatusCode)
	}
	if resp, _ := e.do(other, "GET", "/account", ""); resp.StatusCode != 200 {
		t.Errorf("other session after sign-out here: status %d, want 200", resp.StatusCode)
	}
	e.postForm(other, "/logout", url.Values{"everywhere": {"1"}})
	third := e.login("analyst")
	e.postForm(third, "/logout", url.Values{"everywhere": {"1"}})
	if resp, _ := e.do(other, "GET", "/account", ""); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after sign-out everywhere: status %d, want a redirect", resp.StatusCode)
	}
	// The old cookie value does not come back to life.
	if resp, _ := e.do(c, "GET", "/account", ""); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("old session reused: status %d", resp.StatusCode)
	}
}

func TestSignInThrottling(t *testing.T) {
	e := newEnv(t, observatory.Policy{})
	c := e.client()
	for i := 0; i < 5; i++ {
		if resp := e.postForm(c, "/login", url.Values{"name": {"analyst"}, "password": {"wrong"}}); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d, want 401", i+1, resp.StatusCode)
		}
	}
	resp := e.postForm(c, "/login", url.Values{"name": {"analyst"}, "password": {testPassword}})
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("right password after 5 failures: status %d, Retry-After %q; want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// Another account from the same address is not locked yet…
	if resp := e.postForm(c, "/login", url.Values{"name": {"admin"}, "password": {testPassword}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("another account: status %d, want 303", resp.StatusCode)
	}
	// …until the address has failed 20 times, whatever the names.
	for i := 0; i < 15; i++ {
		e.postForm(c, "/login", url.Values{"name": {fmt.Sprintf("nobody%d", i)}, "password": {"x"}})
	}
	if resp := e.postForm(c, "/login", url.Values{"name": {"coord-cr"}, "password": {testPassword}}); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("after 20 failures from one address: status %d, want 429", resp.StatusCode)
	}
	// The window passes.
	e.clk.Advance(16 * time.Minute)
	if resp := e.postForm(c, "/login", url.Values{"name": {"analyst"}, "password": {testPassword}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after the window: status %d, want 303", resp.StatusCode)
	}
}

// slowAccounts holds every password check until the test releases them,
// and counts the checks that started.
type slowAccounts struct {
	webui.Accounts
	entered chan struct{}
	release chan struct{}
}

func (a *slowAccounts) CheckPassword(ctx context.Context, name, password string) (*observatory.User, error) {
	a.entered <- struct{}{}
	<-a.release
	return a.Accounts.CheckPassword(ctx, name, password)
}

// TestSignInThrottlingConcurrent: attempts made at the same time count
// against the limit as they start, not as they fail, so that a burst of
// guesses sent together gets no more password checks than the limit.
func TestSignInThrottlingConcurrent(t *testing.T) {
	e := newEnv(t, observatory.Policy{})
	const burst = 12
	acc := &slowAccounts{Accounts: e.db, entered: make(chan struct{}, burst), release: make(chan struct{})}
	s, err := webui.New(webui.Config{Search: e.ix, Store: e.db, Accounts: acc, Logger: slog.New(slog.DiscardHandler), Now: e.clk.Now,
		MaxPasswordChecks: burst})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	statuses := make(chan int, burst)
	for range burst {
		go func() {
			resp, err := http.PostForm(srv.URL+"/login", url.Values{"name": {"analyst"}, "password": {"wrong guess"}})
			if err != nil {
				statuses <- 0
				return
			}
			drain(resp)
			statuses <- resp.StatusCode
		}()
	}
	// Every attempt either reaches the password check or is refused.
	checks, refused := 0, 0
	for checks+refused < burst {
		select {
		case <-acc.entered:
			checks++
		case st := <-statuses:
			if st != http.StatusTooManyRequests {
				t.Fatalf("an attempt answered %d before any check ended; want 429", st)
			}
			refused++
		}
	}
	close(acc.release)
	for range checks {
		if st := <-statuses; st != http.StatusUnauthorized {
			t.Errorf("checked attempt: status %d, want 401", st)
		}
	}
	if checks > 5 {
		t.Errorf("%d passwords checked out of a burst of %d; want at most 5 (the per-account limit)", checks, burst)
	}
}

// TestPasswordChangeThrottled: the current password asked for by the
// password change is a guess like any sign-in: someone holding a stolen
// session must not get unlimited tries at it (and so the account).
// TestPasswordChecksBounded: each password check takes 19 MiB of argon2
// memory, so the number running at once is bounded whatever the number of
// accounts and addresses guessed at; a sign-in beyond the bound is turned
// away at once (503) rather than hashed.
func TestPasswordChecksBounded(t *testing.T) {
	e := newEnv(t, observatory.Policy{})
	acc := &slowAccounts{Accounts: e.db, entered: make(chan struct{}, 8), release: make(chan struct{})}
	s, err := webui.New(webui.Config{Search: e.ix, Store: e.db, Accounts: acc, Logger: slog.New(slog.DiscardHandler),
		Now: e.clk.Now, MaxPasswordChecks: 2})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	attempt := func(name string, out chan<- int) {
		resp, err := http.PostForm(srv.URL+"/login", url.Values{"name": {name}, "password": {"wrong guess"}})
		if err != nil {
			out <- 0
			return
		}
		drain(resp)
		out <- resp.StatusCode
	}
	held := make(chan int, 2)
	go attempt("admin", held)
	go attempt("analyst", held)
	<-acc.entered
	<-acc.entered
	// Both slots are taken: a third account's sign-in is not hashed.
	third := make(chan int, 1)
	go attempt("coord-cr", third)
	select {
	case <-acc.entered:
		t.Error("a third password check ran while two were running; want at most 2")
	case st := <-third:
		if st != http.StatusServiceUnavailable {
			t.Errorf("sign-in beyond the bound: status %d, want 503", st)
		}
	}
	close(acc.release)
	for range 2 {
		if st := <-held; st != http.StatusUnauthorized {
			t.Errorf("held sign-in: status %d, want 401", st)
		}
	}
}

func TestPasswordChangeThrottled(t *testing.T) {
	e := newEnv(t, observatory.Policy{})
	c := e.login("analyst")
	change := func(current string) *http.Response {
		return e.postForm(c, "/account/password", url.Values{"current": {current}, "new": {"another long password"}, "confirm": {"another long password"}})
	}
	for i := range 5 {
		if resp := change(fmt.Sprintf("guess number %d", i)); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("wrong current password %d: status %d, want 400", i+1, resp.StatusCode)
		}
	}
	if resp := change(testPassword); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("right current password after 5 wrong ones: status %d, want 429", resp.StatusCode)
	}
	e.clk.Advance(16 * time.Minute)
	if resp := change(testPassword); resp.StatusCode != http.StatusOK {
		t.Errorf("after the window: status %d, want 200", resp.StatusCode)
	}
}

func TestTokens(t *testing.T) {
	e := newEnv(t, observatory.Policy{})
	ctx := context.Background()
	secret, tok, err := e.db.CreateToken(ctx, "coord-cr", "script")
	if err != nil {
		t.Fatal(err)
	}
	bearer := []string{"Authorization", "Bearer " + secret}
	c := &http.Client{}
	if resp, body := e.do(c, "POST", "/api/v1/sources", crSource, bearer...); resp.StatusCode != 201 {
		t.Fatalf("token create: status %d %s", resp.StatusCode, body)
	}
	if err := e.db.RevokeToken(ctx, tok.ID, ""); err != nil {
		t.Fatal(err)
	}
	resp, _ := e.do(c, "GET", "/api/v1/sources", "", bearer...)
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("revoked token: status %d, want 401 with WWW-Authenticate", resp.StatusCode)
	}
	if resp, _ := e.do(c, "GET", "/api/v1/sources", "", "Authorization", "Basic YTpi"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("basic auth: status %d, want 401", resp.StatusCode)
	}
	// Tokens made and revoked on the account page.
	a := e.login("analyst")
	resp, page := e.do(a, "POST", "/account/tokens", "", "Content-Type", "application/x-www-form-urlencoded")
	if resp.StatusCode != 200 || !strings.Contains(page, "obs_") {
		t.Fatalf("account token: status %d", resp.StatusCode)
	}
	i := strings.Index(page, "obs_")
	secret2 := page[i : i+strings.IndexAny(page[i:], "<\" ")]
	if resp, _ := e.do(c, "GET", "/api/v1/sources", "", "Authorization", "Bearer "+secret2); resp.StatusCode != 200 {
		t.Errorf("account token use: status %d", resp.StatusCode)
	}
	toks, _ := e.db.Tokens(ctx, "analyst")
	e.postForm(a, "/account/tokens/"+toks[0].ID+"/revoke", nil)
	if resp, _ := e.do(c, "GET", "/api/v1/sources", "", "Authorization", "Bearer "+secret2); resp.StatusCode != 401 {
		t.Errorf("token revoked on the account page: status %d, want 401", resp.StatusCode)
	}
	// Nobody revokes another user's token.
	_, tok3, _ := e.db.CreateToken(ctx, "admin", "")
	e.postForm(a, "/account/tokens/"+tok3.ID+"/revoke", nil)
	if list, _ := e.db.Tokens(ctx, "admin"); list[0].Revoked {
		t.Error("analyst revoked the admin's token")
	}
}

func TestCrossOriginRejected(t *testing.T) {
	e := newEnv(t, observatory.Policy{})
	admin := e.login("admin")
	evil := []string{"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"}
	cases := []struct{ method, path, body string }{
		{"POST", "/api/v1/sources", crSource},
		{"POST", "/admin/users", ""},
		{"POST", "/logout", ""},
		{"POST", "/login", ""},
		{"DELETE", "/api/v1/sources/x", ""},
	}
	for _, c := range cases {
		if resp, _ := e.do(admin, c.method, c.path, c.body, evil...); resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-origin %s %s: status %d, want 403", c.method, c.path, resp.StatusCode)
		}
	}
	// The same request from the site itself goes through.
	same := []string{"Origin", e.srv.URL, "Sec-Fetch-Site", "same-origin"}
	if resp, body := e.do(admin, "POST", "/api/v1/sources", crSource, same...); resp.StatusCode != 201 {
		t.Errorf("same-origin create: status %d %s", resp.StatusCode, body)
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t, observatory.Policy{})
	for _, p := range []string{"/", "/login", "/api/v1/search?q=x", "/nope", "/api/v1/nope"} {
		resp, _ := e.do(e.client(), "GET", p, "")
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", p, csp)
		}
		for k, v := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin", "X-Frame-Options": "DENY"} {
			if h.Get(k) != v {
				t.Errorf("%s: %s = %q, want %q", p, k, h.Get(k), v)
			}
		}
	}
}

func TestNoInternalErrorsShown(t *testing.T) {
	e := newEnv(t, observatory.Policy{})
	e.db.Close() // every store call now fails
	for _, p := range []string{"/api/v1/sources", "/admin/users"} {
		resp, body := e.do(e.client(), "GET", p, "")
		if p == "/admin/users" {
			continue // anonymous: redirected before the store is asked
		}
		if resp.StatusCode != 500 || strings.Contains(body, "database") || strings.Contains(body, "bolt") || strings.Contains(body, "goroutine") {
			t.Errorf("%s with the store down: status %d body %q; want a plain 500", p, resp.StatusCode, body)
		}
	}
}

func TestBodyCap(t *testing.T) {
	e := newEnv(t, observatory.Policy{})
	admin := e.login("admin")
	big := `{"name":"` + strings.Repeat("x", 2<<20) + `"}`
	resp, body := e.do(admin, "POST", "/api/v1/sources", big)
	if resp.StatusCode != 400 || !strings.Contains(body, "too large") {
		t.Errorf("2 MiB body: status %d %q, want 400 naming the size", resp.StatusCode, body[:min(len(body), 200)])
	}
}
