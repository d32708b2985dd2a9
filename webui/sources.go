package webui

import (
	"net/http"
	"strings"

	"observatory"
)

// apiSources serves GET /api/v1/sources?country=&medium=&q=.
func (s *Server) apiSources(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	f := observatory.SourceFilter{
		Country: strings.ToUpper(strings.TrimSpace(v.Get("country"))),
		Medium:  strings.TrimSpace(v.Get("medium")),
		Q:       strings.TrimSpace(v.Get("q")),
	}
	list, err := s.cfg.Store.Sources(r.Context(), f)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if list == nil {
		list = []observatory.Source{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": len(list), "sources": list})
}

// apiSource serves GET /api/v1/sources/{id}.
func (s *Server) apiSource(w http.ResponseWriter, r *http.Request) {
	src, err := s.cfg.Store.Source(r.Context(), r.PathValue("id"))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, src)
}
