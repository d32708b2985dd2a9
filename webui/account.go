package webui

import (
	"errors"
	"net/http"
	"strings"

	"observatory"
)

type accountView struct {
	Tokens   []observatory.Token
	NewToken string
	Message  string
	Error    string
}

// requireUser answers 401 / the sign-in page when nobody is signed in.
func (s *Server) requireUser(w http.ResponseWriter, r *http.Request) *observatory.User {
	u := currentUser(r)
	if u == nil {
		if isAPI(r) || r.Method != http.MethodGet {
			s.fail(w, r, http.StatusUnauthorized, "")
		} else {
			http.Redirect(w, r, "/login?next="+r.URL.EscapedPath(), http.StatusSeeOther)
		}
	}
	return u
}

// accountPage serves GET /account: one's own password and API tokens.
func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	s.renderAccount(w, r, http.StatusOK, accountView{})
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, view accountView) {
	toks, err := s.cfg.Accounts.Tokens(r.Context(), currentUser(r).Name)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	view.Tokens = toks
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "account", view)
}

// accountPassword serves POST /account/password. Other sessions end.
func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil || !parseForm(s, w, r) {
		return
	}
	f := r.PostForm
	// The current password is a guess like a sign-in's, counted against
	// the same per-account limit: a stolen session gets no more tries.
	now := s.cfg.Now()
	if blocked, wait := s.byAccount.attempt(u.Name, now); blocked {
		s.log.Warn("password change throttled", "user", u.Name, "addr", s.clientAddr(r))
		s.renderAccount(w, r, http.StatusTooManyRequests, accountView{Error: tooManyAttempts(w, wait)})
		return
	}
	if _, err := s.checkPassword(r.Context(), u.Name, f.Get("current")); err != nil {
		if !errors.Is(err, observatory.ErrUnauthorized) {
			s.byAccount.forgive(u.Name, now)
			s.passwordCheckFailed(w, r, err, func(msg string) {
				s.renderAccount(w, r, http.StatusServiceUnavailable, accountView{Error: msg})
			})
			return
		}
		s.renderAccount(w, r, http.StatusBadRequest, accountView{Error: "La contraseña actual no es correcta. / The current password is wrong."})
		return
	}
	s.byAccount.forgive(u.Name, now)
	if f.Get("new") != f.Get("confirm") {
		s.renderAccount(w, r, http.StatusBadRequest, accountView{Error: "Las contraseñas nuevas no coinciden. / The new passwords do not match."})
		return
	}
	if err := s.cfg.Accounts.SetPassword(r.Context(), u.Name, f.Get("new"), currentSession(r)); err != nil {
		if statusOf(err) == http.StatusBadRequest {
			s.renderAccount(w, r, http.StatusBadRequest, accountView{Error: err.Error()})
			return
		}
		s.failErr(w, r, err)
		return
	}
	s.renderAccount(w, r, http.StatusOK, accountView{Message: "Contraseña cambiada; las demás sesiones se cerraron. / Password changed; other sessions were ended."})
}

// accountTokenCreate serves POST /account/tokens.
func (s *Server) accountTokenCreate(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil || !parseForm(s, w, r) {
		return
	}
	secret, _, err := s.cfg.Accounts.CreateToken(r.Context(), u.Name, strings.TrimSpace(r.PostForm.Get("label")))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.renderAccount(w, r, http.StatusOK, accountView{NewToken: secret})
}

// accountTokenRevoke serves POST /account/tokens/{id}/revoke.
func (s *Server) accountTokenRevoke(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	if err := s.cfg.Accounts.RevokeToken(r.Context(), r.PathValue("id"), u.Name); err != nil {
		s.failErr(w, r, err)
		return
	}
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}

// parseForm parses a posted form and answers 400 when it cannot.
func parseForm(s *Server, w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "formulario no válido / invalid form")
		return false
	}
	return true
}
