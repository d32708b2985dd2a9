package webui

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"observatory"
)

// Accounts is what the server needs to sign people in and manage users
// (the store implements it).
type Accounts interface {
	CheckPassword(ctx context.Context, name, password string) (*observatory.User, error)
	CreateSession(ctx context.Context, user string, ttl time.Duration) (string, error)
	Session(ctx context.Context, secret string, idle time.Duration) (*observatory.Session, *observatory.User, error)
	DeleteSession(ctx context.Context, secret string) error
	DeleteUserSessions(ctx context.Context, user, keep string) error
	TokenUser(ctx context.Context, secret string) (*observatory.User, error)
	SetPassword(ctx context.Context, name, password, keep string) error
	Users(ctx context.Context) ([]observatory.User, error)
	User(ctx context.Context, name string) (*observatory.User, error)
	CreateUser(ctx context.Context, u *observatory.User, password string) error
	UpdateUser(ctx context.Context, u *observatory.User) error
	CreateToken(ctx context.Context, user, label string) (string, observatory.Token, error)
	Tokens(ctx context.Context, user string) ([]observatory.Token, error)
	RevokeToken(ctx context.Context, id, user string) error
}

const sessionCookie = "obs_session"

type ctxKey int

const (
	userKey ctxKey = iota
	sessionKey
)

// currentUser returns the signed-in user of the request, or nil.
func currentUser(r *http.Request) *observatory.User {
	u, _ := r.Context().Value(userKey).(*observatory.User)
	return u
}

func currentSession(r *http.Request) string {
	s, _ := r.Context().Value(sessionKey).(string)
	return s
}

// authenticate resolves who is asking: an API token in the Authorization
// header, or a session cookie. A bad token is an error (scripts must know);
// a stale cookie is dropped and the request goes on anonymously.
func (s *Server) authenticate(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if authz := r.Header.Get("Authorization"); authz != "" {
			scheme, tok, _ := strings.Cut(authz, " ")
			if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
				s.fail(w, r, http.StatusUnauthorized, "use Authorization: Bearer <token>")
				return
			}
			u, err := s.cfg.Accounts.TokenUser(ctx, strings.TrimSpace(tok))
			if err != nil {
				if !errors.Is(err, observatory.ErrUnauthorized) {
					s.failErr(w, r, err)
					return
				}
				w.Header().Set("WWW-Authenticate", `Bearer realm="observatory"`)
				s.fail(w, r, http.StatusUnauthorized, "token no válido o revocado / invalid or revoked token")
				return
			}
			h.ServeHTTP(w, r.WithContext(context.WithValue(ctx, userKey, u)))
			return
		}
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			_, u, err := s.cfg.Accounts.Session(ctx, c.Value, s.cfg.SessionIdle)
			switch {
			case err == nil:
				ctx = context.WithValue(ctx, userKey, u)
				ctx = context.WithValue(ctx, sessionKey, c.Value)
			case errors.Is(err, observatory.ErrUnauthorized):
				s.clearSessionCookie(w, r)
			default:
				s.failErr(w, r, err)
				return
			}
		}
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

// allow asks the permission matrix whether the request's user may take
// the action, and answers the request when not: 401 (or the sign-in page)
// for anonymous readers, 403 for signed-in users. It reports whether the
// handler may go on.
func (s *Server) allow(w http.ResponseWriter, r *http.Request, a observatory.Action, res observatory.Resource, country string) bool {
	err := s.cfg.Policy.Check(currentUser(r), a, res, country)
	if err == nil {
		return true
	}
	if errors.Is(err, observatory.ErrUnauthorized) && !isAPI(r) && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return false
	}
	s.failErr(w, r, err)
	return false
}

// can is allow without an answer: for deciding what a page shows.
func (s *Server) can(r *http.Request, a observatory.Action, res observatory.Resource, country string) bool {
	return s.cfg.Policy.Can(currentUser(r), a, res, country)
}

func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, secret string) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: secret, Path: "/",
		MaxAge: int(s.cfg.SessionTTL / time.Second), HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
}

// secure says whether cookies get the Secure attribute: behind TLS, or
// when the deployment says a TLS proxy sits in front.
func (s *Server) secure(r *http.Request) bool { return r.TLS != nil || s.cfg.SecureCookies }

// localPath returns next if it is a path on this site, and "/" otherwise,
// so that the sign-in page cannot be used to redirect elsewhere.
func localPath(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}
