package webui

import "net/http"

// Handler returns the server's routes wrapped in its middleware. Every
// route is listed here.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()

	// Pages.
	mux.HandleFunc("GET /{$}", s.searchPage)
	mux.HandleFunc("GET /articles/{id}", s.articlePage)
	mux.HandleFunc("GET /ayuda", s.helpPage)
	mux.HandleFunc("GET /static/{name}", s.static)

	// Media directory.
	mux.HandleFunc("GET /sources", s.sourcesPage)
	mux.HandleFunc("POST /sources", s.sourceCreate)
	mux.HandleFunc("GET /sources/new", s.sourceNewPage)
	mux.HandleFunc("POST /sources/discover", s.sourceFormFetch)
	mux.HandleFunc("POST /sources/preview", s.sourceFormFetch)
	mux.HandleFunc("GET /sources/import", s.sourcesImportPage)
	mux.HandleFunc("POST /sources/import", s.sourcesImport)
	mux.HandleFunc("GET /sources/export", s.sourcesExport)
	mux.HandleFunc("GET /sources/{id}", s.sourcePage)
	mux.HandleFunc("POST /sources/{id}", s.sourceUpdate)
	mux.HandleFunc("GET /sources/{id}/edit", s.sourceEditPage)
	mux.HandleFunc("POST /sources/{id}/discover", s.sourceFormFetch)
	mux.HandleFunc("POST /sources/{id}/preview", s.sourceFormFetch)
	mux.HandleFunc("POST /sources/{id}/test", s.sourceTest)
	mux.HandleFunc("POST /sources/{id}/active", s.sourceSetActive)
	mux.HandleFunc("POST /sources/{id}/delete", s.sourceDelete)

	// Actors directory.
	mux.HandleFunc("GET /actors", s.actorsPage)
	mux.HandleFunc("POST /actors", s.actorCreate)
	mux.HandleFunc("GET /actors/new", s.actorNewPage)
	mux.HandleFunc("GET /actors/export", s.actorsExport)
	mux.HandleFunc("GET /actors/{id}", s.actorPage)
	mux.HandleFunc("POST /actors/{id}", s.actorUpdate)
	mux.HandleFunc("GET /actors/{id}/edit", s.actorEditPage)
	mux.HandleFunc("POST /actors/{id}/delete", s.actorDelete)

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
	mux.HandleFunc("GET /api/v1/sources/{id}/health", s.apiSourceHealth)
	mux.HandleFunc("GET /api/v1/sources/{id}/history", s.apiSourceHistory)
	mux.HandleFunc("POST /api/v1/sources/discover", s.apiDiscover)
	mux.HandleFunc("POST /api/v1/sources/test", s.apiTestFeed)
	mux.HandleFunc("GET /api/v1/actors", s.apiActors)
	mux.HandleFunc("POST /api/v1/actors", s.apiActorCreate)
	mux.HandleFunc("GET /api/v1/actors/{id}", s.apiActor)
	mux.HandleFunc("PUT /api/v1/actors/{id}", s.apiActorUpdate)
	mux.HandleFunc("DELETE /api/v1/actors/{id}", s.apiActorDelete)
	mux.HandleFunc("GET /api/v1/actors/{id}/history", s.apiActorHistory)
	mux.HandleFunc("/api/", s.apiNotFound)

	// Operations.
	mux.HandleFunc("GET /healthz", s.healthz)

	mux.HandleFunc("/", s.notFound)
	if s.cfg.Metrics != nil {
		mux.HandleFunc("GET /metrics", s.metrics)
	}
	return s.middleware(mux, s.authenticate(mux))
}
