package webui

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"observatory"
)

type loginView struct {
	Next    string
	Name    string
	Message string
}

// loginPage serves GET /login.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "login", loginView{Next: localPath(r.URL.Query().Get("next"))})
}

// login serves POST /login: check the password, with failed attempts
// throttled per account and per address, then start a session.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "formulario no válido / invalid form")
		return
	}
	name := strings.ToLower(strings.TrimSpace(r.PostForm.Get("name")))
	password := r.PostForm.Get("password")
	view := loginView{Next: localPath(r.PostForm.Get("next")), Name: name}
	now := s.cfg.Now()
	addr := s.clientAddr(r)
	// The attempt counts against the account and the address before the
	// password is checked, so that concurrent guesses cannot all pass the
	// limit before the first of them fails; a success takes it back.
	if blocked, wait := s.byAccount.attempt(name, now); blocked {
		s.throttled(w, r, view, name, addr, wait)
		return
	}
	if blocked, wait := s.byAddress.attempt(addr, now); blocked {
		s.byAccount.forgive(name, now)
		s.throttled(w, r, view, name, addr, wait)
		return
	}
	u, err := s.checkPassword(r.Context(), name, password)
	if err != nil {
		if !errors.Is(err, observatory.ErrUnauthorized) {
			s.byAccount.forgive(name, now)
			s.byAddress.forgive(addr, now)
			s.passwordCheckFailed(w, r, err, func(msg string) {
				view.Message = msg
				s.render(w, r, http.StatusServiceUnavailable, "login", view)
			})
			return
		}
		s.log.Info("sign-in failed", "user", name, "addr", addr)
		view.Message = "Usuario o contraseña incorrectos. / Wrong user name or password."
		s.render(w, r, http.StatusUnauthorized, "login", view)
		return
	}
	s.byAccount.reset(name)
	s.byAddress.forgive(addr, now)
	secret, err := s.cfg.Accounts.CreateSession(r.Context(), u.Name, s.cfg.SessionTTL)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	// End the session the browser had, if any: a new sign-in gets a new
	// identifier (no session fixation).
	if old := currentSession(r); old != "" {
		_ = s.cfg.Accounts.DeleteSession(r.Context(), old)
	}
	s.setSessionCookie(w, r, secret)
	s.log.Info("signed in", "user", u.Name, "addr", addr)
	http.Redirect(w, r, view.Next, http.StatusSeeOther)
}

// throttled answers a sign-in refused because of too many failures.
func (s *Server) throttled(w http.ResponseWriter, r *http.Request, view loginView, name, addr string, wait time.Duration) {
	view.Message = tooManyAttempts(w, wait)
	s.log.Warn("sign-in throttled", "user", name, "addr", addr)
	s.render(w, r, http.StatusTooManyRequests, "login", view)
}

// passwordCheckFailed answers a password check that failed for another
// reason than a wrong password: busy (503, with show given the message to
// show the user) or a server fault.
func (s *Server) passwordCheckFailed(w http.ResponseWriter, r *http.Request, err error, show func(msg string)) {
	if !errors.Is(err, errBusy) {
		s.failErr(w, r, err)
		return
	}
	s.log.Warn("password check refused: too many at once", "addr", s.clientAddr(r))
	w.Header().Set("Retry-After", "5")
	show("El servidor está ocupado; inténtelo de nuevo en unos segundos. / The server is busy; try again in a few seconds.")
}

// tooManyAttempts sets Retry-After for a password check refused for wait,
// and returns the message that says so.
func tooManyAttempts(w http.ResponseWriter, wait time.Duration) string {
	minutes := int(wait.Minutes()) + 1
	w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
	return fmt.Sprintf("Demasiados intentos fallidos; espere %d minutos. / Too many failed attempts; wait %d minutes.", minutes, minutes)
}

// logout serves POST /logout: end this session (or, with everywhere=1,
// every session of the user).
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "formulario no válido / invalid form")
		return
	}
	if sess := currentSession(r); sess != "" {
		var err error
		if r.PostForm.Get("everywhere") == "1" {
			err = s.cfg.Accounts.DeleteUserSessions(r.Context(), currentUser(r).Name, "")
		} else {
			err = s.cfg.Accounts.DeleteSession(r.Context(), sess)
		}
		if err != nil {
			s.failErr(w, r, err)
			return
		}
	}
	s.clearSessionCookie(w, r)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// clientAddr is the address failed sign-ins are counted against: the
// peer's IP, or, when the peer is a trusted proxy, the nearest address in
// X-Forwarded-For that is not one. IPv6 addresses count by their /64, the
// block one subscriber usually holds, so that rotating addresses within it
// gains nothing.
func (s *Server) clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	if s.trusted(addr) {
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break // a forged or garbled entry: stop at the last good one
			}
			addr = hop
			if !s.trusted(hop) {
				break
			}
		}
	}
	addr = addr.Unmap()
	if addr.Is6() {
		p, _ := addr.Prefix(64)
		return p.String()
	}
	return addr.String()
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}
