package webui

import (
	"net/http"
	"strings"

	"observatory"
)

type usersView struct {
	Users     []observatory.User
	Countries []observatory.Country
	Roles     []string
	Created   string // name of a user just created or reset
	Password  string // their generated password, shown once
	Error     string
	Fields    map[string]string
	Form      observatory.User
}

// adminUsers serves GET /admin/users.
func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, observatory.Read, observatory.ResUser, "") {
		return
	}
	s.renderUsers(w, r, http.StatusOK, usersView{})
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, view usersView) {
	users, err := s.cfg.Accounts.Users(r.Context())
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	view.Users, view.Countries, view.Roles = users, observatory.Countries(), observatory.Roles()
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "users", view)
}

// adminUserCreate serves POST /admin/users: a new user with a generated
// password, shown once.
func (s *Server) adminUserCreate(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, observatory.Create, observatory.ResUser, "") || !parseForm(s, w, r) {
		return
	}
	f := r.PostForm
	u := observatory.User{Name: f.Get("name"), Role: f.Get("role"), Countries: f["countries"]}
	pw, err := observatory.GeneratePassword()
	if err == nil {
		err = s.cfg.Accounts.CreateUser(r.Context(), &u, pw)
	}
	if err != nil {
		status := statusOf(err)
		if status == http.StatusInternalServerError {
			s.failErr(w, r, err)
			return
		}
		view := usersView{Error: err.Error(), Form: u}
		if v, ok := err.(*observatory.ValidationError); ok {
			view.Fields = v.Fields
		}
		s.renderUsers(w, r, status, view)
		return
	}
	s.log.Info("user created", "user", u.Name, "role", u.Role, "by", currentUser(r).Name)
	s.renderUsers(w, r, http.StatusCreated, usersView{Created: u.Name, Password: pw})
}

// adminUserUpdate serves POST /admin/users/{name}: role, countries,
// enabled or disabled.
func (s *Server) adminUserUpdate(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, observatory.Edit, observatory.ResUser, "") || !parseForm(s, w, r) {
		return
	}
	u, err := s.cfg.Accounts.User(r.Context(), r.PathValue("name"))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	f := r.PostForm
	if v := f.Get("role"); v != "" {
		u.Role = v
	}
	if _, ok := f["countries"]; ok || u.Role != observatory.RoleCoordinator {
		u.Countries = f["countries"]
	}
	if v := f.Get("disabled"); v != "" {
		u.Disabled = v == "1" || strings.EqualFold(v, "true")
	}
	if u.Name == currentUser(r).Name && (u.Disabled || u.Role != observatory.RoleAdmin) {
		s.renderUsers(w, r, http.StatusBadRequest, usersView{Error: "No puede quitarse a sí mismo el rol de administrador ni desactivarse. / You cannot demote or disable yourself."})
		return
	}
	if err := s.cfg.Accounts.UpdateUser(r.Context(), u); err != nil {
		if statusOf(err) == http.StatusBadRequest {
			s.renderUsers(w, r, http.StatusBadRequest, usersView{Error: err.Error()})
			return
		}
		s.failErr(w, r, err)
		return
	}
	s.log.Info("user changed", "user", u.Name, "role", u.Role, "disabled", u.Disabled, "by", currentUser(r).Name)
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
}

// adminUserPassword serves POST /admin/users/{name}/password: a new
// generated password, shown once; the user's sessions end.
func (s *Server) adminUserPassword(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, observatory.Edit, observatory.ResUser, "") {
		return
	}
	name := r.PathValue("name")
	pw, err := observatory.GeneratePassword()
	if err == nil {
		err = s.cfg.Accounts.SetPassword(r.Context(), name, pw, "")
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.log.Info("password reset", "user", name, "by", currentUser(r).Name)
	s.renderUsers(w, r, http.StatusOK, usersView{Created: name, Password: pw})
}
