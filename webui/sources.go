package webui

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"observatory"
)

// apiSources serves GET /api/v1/sources?country=&medium=&q=.
func (s *Server) apiSources(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, observatory.Read, observatory.ResSource, "") {
		return
	}
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
	if !s.allow(w, r, observatory.Read, observatory.ResSource, "") {
		return
	}
	src, err := s.cfg.Store.Source(r.Context(), r.PathValue("id"))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, src)
}

// decodeJSON reads a JSON request body into v, rejecting unknown fields
// and trailing data, with a message that names the problem.
func decodeJSON(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return fmt.Errorf("envíe JSON (Content-Type: application/json) / send JSON: %w", observatory.ErrInvalid)
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return fmt.Errorf("cuerpo demasiado grande (máx. %d bytes) / body too large (max %d bytes): %w", mbe.Limit, mbe.Limit, observatory.ErrInvalid)
		}
		return fmt.Errorf("JSON no válido / invalid JSON: %v: %w", err, observatory.ErrInvalid)
	}
	if dec.More() {
		return fmt.Errorf("JSON no válido: datos tras el objeto / invalid JSON: data after the object: %w", observatory.ErrInvalid)
	}
	return nil
}

// apiSourceCreate serves POST /api/v1/sources: 201 with the stored source.
func (s *Server) apiSourceCreate(w http.ResponseWriter, r *http.Request) {
	if currentUser(r) == nil {
		s.allow(w, r, observatory.Create, observatory.ResSource, "")
		return
	}
	var src observatory.Source
	if err := decodeJSON(r, &src); err != nil {
		s.failErr(w, r, err)
		return
	}
	src.Normalize()
	if !s.allow(w, r, observatory.Create, observatory.ResSource, src.Country) {
		return
	}
	if err := s.cfg.Store.CreateSource(r.Context(), &src, currentUser(r).Name); err != nil {
		s.failErr(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/sources/"+src.ID)
	writeJSON(w, http.StatusCreated, src)
}

// apiSourceUpdate serves PUT /api/v1/sources/{id}: the body replaces the
// record (creation fields are kept). Moving a source to another country
// needs rights on both.
func (s *Server) apiSourceUpdate(w http.ResponseWriter, r *http.Request) {
	if currentUser(r) == nil {
		s.allow(w, r, observatory.Edit, observatory.ResSource, "")
		return
	}
	old, err := s.cfg.Store.Source(r.Context(), r.PathValue("id"))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if !s.allow(w, r, observatory.Edit, observatory.ResSource, old.Country) {
		return
	}
	var src observatory.Source
	if err := decodeJSON(r, &src); err != nil {
		s.failErr(w, r, err)
		return
	}
	if src.ID != "" && src.ID != old.ID {
		s.fail(w, r, http.StatusBadRequest, "el id del cuerpo no coincide con la URL / the body's id does not match the URL")
		return
	}
	src.ID = old.ID
	src.Normalize()
	if src.Country != old.Country && !s.allow(w, r, observatory.Edit, observatory.ResSource, src.Country) {
		return
	}
	if err := s.cfg.Store.UpdateSource(r.Context(), &src, currentUser(r).Name); err != nil {
		s.failErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, src)
}

// apiSourceDelete serves DELETE /api/v1/sources/{id}: 204.
func (s *Server) apiSourceDelete(w http.ResponseWriter, r *http.Request) {
	if currentUser(r) == nil {
		s.allow(w, r, observatory.Delete, observatory.ResSource, "")
		return
	}
	old, err := s.cfg.Store.Source(r.Context(), r.PathValue("id"))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if !s.allow(w, r, observatory.Delete, observatory.ResSource, old.Country) {
		return
	}
	if err := s.cfg.Store.DeleteSource(r.Context(), old.ID); err != nil {
		s.failErr(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
