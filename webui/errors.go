package webui

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"observatory"
)

// statusOf maps an error from the other packages to a status code.
func statusOf(err error) int {
	switch {
	case errors.Is(err, observatory.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, observatory.ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, observatory.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, observatory.ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, observatory.ErrUnauthorized):
		return http.StatusUnauthorized
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// fail answers with status and a message for the user: JSON on the API,
// an HTML page elsewhere. An empty message becomes the status text; a 500
// never shows its cause.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if msg == "" || status == http.StatusInternalServerError {
		msg = defaultMessage(status)
	}
	if isAPI(r) {
		writeJSON(w, status, map[string]string{"error": msg})
		return
	}
	s.render(w, r, status, "error", errorPage{Status: status, Message: msg})
}

// failErr logs internal errors once, here at the edge, and answers with
// the status the error maps to.
func (s *Server) failErr(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		s.log.Error("request failed", "path", r.URL.Path, "err", err)
	}
	msg := err.Error()
	var v *observatory.ValidationError
	if errors.As(err, &v) && isAPI(r) {
		writeJSON(w, status, map[string]any{"error": v.Error(), "fields": v.Fields})
		return
	}
	s.fail(w, r, status, msg)
}

func defaultMessage(status int) string {
	switch status {
	case http.StatusNotFound:
		return "no encontrado / not found"
	case http.StatusForbidden:
		return "no tiene permiso / forbidden"
	case http.StatusUnauthorized:
		return "inicie sesión / sign-in required"
	case http.StatusServiceUnavailable:
		return "servicio no disponible, inténtelo más tarde / service unavailable, try again later"
	case http.StatusInternalServerError:
		return "error interno / internal error"
	}
	return http.StatusText(status)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, http.StatusNotFound, "")
}

func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, http.StatusNotFound, "no existe esa ruta de la API / no such API route")
}
