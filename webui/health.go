package webui

import (
	"context"
	"net/http"
	"time"
)

// healthz serves GET /healthz: 200 {"status":"ok"} when the store and the
// index answer, 503 with the reason otherwise.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		if err := s.cfg.Ready(ctx); err != nil {
			s.log.Warn("health check failed", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "error": "dependencia no disponible / dependency unavailable"})
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// metrics serves GET /metrics: public, like /healthz, unless the
// observatory is private, where scrapers send an API token.
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Policy.Private && currentUser(r) == nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="observatory"`)
		s.fail(w, r, http.StatusUnauthorized, "")
		return
	}
	s.cfg.Metrics.ServeHTTP(w, r)
}
