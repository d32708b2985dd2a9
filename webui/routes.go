package webui

import "net/http"

// Handler returns the server's routes wrapped in its middleware. Every
// route is listed here.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()

	// Pages.
	mux.HandleFunc("GET /{$}", s.searchPage)
	mux.HandleFunc("GET /articles/{id}", s.articlePage)
	mux.HandleFunc("GET /static/{name}", s.static)

	// Accounts.
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("GET /account", s.accountPage)
	mux.HandleFunc("POST /account/password", s.accountPassword)
	mux.HandleFunc("POST /account/tokens", s.accountTokenCreate)
	mux.HandleFunc("POST /account/tokens/{id}/revoke", s.accountTokenRevoke)
	mux.HandleFunc("GET /admin/users", s.adminUsers)
	mux.HandleFunc("POST /admin/users", s.adminUserCreate)
	mux.HandleFunc("POST /admin/users/{name}", s.adminUserUpdate)
	mux.HandleFunc("POST /admin/users/{name}/password", s.adminUserPassword)

	// JSON API.
	mux.HandleFunc("GET /api/v1/search", s.apiSearch)
	mux.HandleFunc("GET /api/v1/articles/{id}", s.apiArticle)
	mux.HandleFunc("GET /api/v1/sources", s.apiSources)
	mux.HandleFunc("POST /api/v1/sources", s.apiSourceCreate)
	mux.HandleFunc("GET /api/v1/sources/{id}", s.apiSource)
	mux.HandleFunc("PUT /api/v1/sources/{id}", s.apiSourceUpdate)
	mux.HandleFunc("DELETE /api/v1/sources/{id}", s.apiSourceDelete)
	mux.HandleFunc("/api/", s.apiNotFound)

	// Operations.
	mux.HandleFunc("GET /healthz", s.healthz)

	mux.HandleFunc("/", s.notFound)
	return s.middleware(s.authenticate(mux))
}
