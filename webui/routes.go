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

	// JSON API.
	mux.HandleFunc("GET /api/v1/search", s.apiSearch)
	mux.HandleFunc("GET /api/v1/articles/{id}", s.apiArticle)
	mux.HandleFunc("GET /api/v1/sources", s.apiSources)
	mux.HandleFunc("GET /api/v1/sources/{id}", s.apiSource)
	mux.HandleFunc("/api/", s.apiNotFound)

	// Operations.
	mux.HandleFunc("GET /healthz", s.healthz)

	mux.HandleFunc("/", s.notFound)
	return s.middleware(mux)
}
