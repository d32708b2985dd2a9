package webui

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"observatory"
	"observatory/sources"
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
	for i := range list {
		s.hideEditors(r, &list[i])
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
	s.hideEditors(r, src)
	writeJSON(w, http.StatusOK, src)
}

// hideEditors leaves out who created and last changed a source for
// readers who may not read the change history (anonymous readers): staff
// names are staff business.
func (s *Server) hideEditors(r *http.Request, src *observatory.Source) {
	if !s.can(r, observatory.Read, observatory.ResHistory, src.Country) {
		src.CreatedBy, src.UpdatedBy = "", ""
	}
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
	if !s.allowAny(w, r, observatory.Create, observatory.ResSource) {
		return
	}
	var src observatory.Source
	if err := decodeJSON(r, &src); err != nil {
		s.failErr(w, r, err)
		return
	}
	src.Normalize()
	if !s.allowIn(w, r, observatory.Create, observatory.ResSource, src.Country) {
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
// needs rights on both. A body that carries updated_at must carry the
// stored one (409 otherwise: someone changed the source meanwhile).
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
	if src.Country != old.Country && !s.allowIn(w, r, observatory.Edit, observatory.ResSource, src.Country) {
		return
	}
	g := guard(s.cfg.Policy, currentUser(r), observatory.Edit, observatory.ResSource, sourceCountry, src.Country)
	if err := s.cfg.Store.UpdateSourceGuarded(r.Context(), &src, currentUser(r).Name, g); err != nil {
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
	g := guard(s.cfg.Policy, currentUser(r), observatory.Delete, observatory.ResSource, sourceCountry, "")
	if err := s.cfg.Store.DeleteSourceGuarded(r.Context(), old.ID, currentUser(r).Name, g); err != nil {
		s.failErr(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// sourceHealthJSON is a source's crawl health as the API gives it.
type sourceHealthJSON struct {
	State  string                   `json:"state"` // ok, retrying, failing, silent, never, inactive
	Health observatory.SourceHealth `json:"health"`
	Weeks  []sources.WeekCount      `json:"weeks"` // articles per week, the current week last
	Flags  []sources.HealthFlag     `json:"flags"`
}

// apiSourceHealth serves GET /api/v1/sources/{id}/health.
func (s *Server) apiSourceHealth(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, observatory.Read, observatory.ResSource, "") {
		return
	}
	row, err := s.sourceRow(r.Context(), r.PathValue("id"))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if row.Flags == nil {
		row.Flags = []sources.HealthFlag{}
	}
	row.Health.Feeds = nil // conditional-GET validators: the crawler's business
	writeJSON(w, http.StatusOK, sourceHealthJSON{State: row.State, Health: row.Health, Weeks: row.Weeks, Flags: row.Flags})
}

// apiSourceHistory serves GET /api/v1/sources/{id}/history: the changes
// made to the source, newest first (staff only). A deleted source's
// history stays readable.
func (s *Server) apiSourceHistory(w http.ResponseWriter, r *http.Request) {
	s.apiHistory(w, r, observatory.EntitySource)
}

func (s *Server) apiHistory(w http.ResponseWriter, r *http.Request, entity string) {
	if !s.allow(w, r, observatory.Read, observatory.ResHistory, "") {
		return
	}
	h, err := s.cfg.Store.History(r.Context(), entity, r.PathValue("id"))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if h == nil {
		h = []observatory.Change{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": len(h), "changes": h})
}

// apiDiscover serves POST /api/v1/sources/discover {"homepage"}: the
// feeds found on an outlet's site, checked by reading each.
func (s *Server) apiDiscover(w http.ResponseWriter, r *http.Request) {
	if !s.allowAny(w, r, observatory.Create, observatory.ResSource) {
		return
	}
	var req struct {
		Homepage string `json:"homepage"`
	}
	if err := decodeJSON(r, &req); err != nil {
		s.failErr(w, r, err)
		return
	}
	if s.cfg.HTTPClient == nil {
		s.fail(w, r, http.StatusServiceUnavailable, "la búsqueda de feeds no está disponible / feed discovery is not available")
		return
	}
	found, msg := s.discover(r.Context(), strings.TrimSpace(req.Homepage))
	if found == nil {
		found = []sources.Feed{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"feeds": found, "message": msg})
}

// apiTestFeed serves POST /api/v1/sources/test {"feed"}: one read of a
// feed, stored nowhere: the items the crawler would collect, or why it
// cannot.
func (s *Server) apiTestFeed(w http.ResponseWriter, r *http.Request) {
	if !s.allowAny(w, r, observatory.Create, observatory.ResSource) {
		return
	}
	var req struct {
		Feed string `json:"feed"`
	}
	if err := decodeJSON(r, &req); err != nil {
		s.failErr(w, r, err)
		return
	}
	if s.cfg.HTTPClient == nil {
		s.fail(w, r, http.StatusServiceUnavailable, "las pruebas de feeds no están disponibles / feed tests are not available")
		return
	}
	t := s.testFeeds(r.Context(), []string{strings.TrimSpace(req.Feed)})[0]
	if t.Error != "" {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": t.Error})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "preview": t.Preview})
}
