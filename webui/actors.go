package webui

import (
	"bytes"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"observatory"
)

// Contacts (e-mail, phone), notes and council candidacy are personal or
// internal: every handler below passes actors through visibleActor, which
// asks the matrix (ResActorContact) and strips them for readers who may
// not see them. Exports with contacts ask ResExportContact.

// visibleActor returns the actor as the request's user may see it.
func (s *Server) visibleActor(r *http.Request, a observatory.Actor) observatory.Actor {
	if s.can(r, observatory.Read, observatory.ResActorContact, a.Country) {
		return a
	}
	return a.Public()
}

// actorFilter reads the list filters. The council filter applies only for
// readers who may see candidacies (checked row by row in actorList).
func actorFilter(q url.Values) observatory.ActorFilter {
	return observatory.ActorFilter{
		Country:     strings.ToUpper(strings.TrimSpace(q.Get("country"))),
		Kind:        strings.TrimSpace(q.Get("kind")),
		Area:        strings.TrimSpace(q.Get("area")),
		Q:           strings.TrimSpace(q.Get("q")),
		CouncilOnly: q.Get("council") == "1",
	}
}

// actorList returns the actors that match f as the user may see them: a
// reader who may not see candidacies gets no result from the council
// filter rather than a list that would reveal them.
func (s *Server) actorList(r *http.Request, f observatory.ActorFilter) ([]observatory.Actor, error) {
	council := f.CouncilOnly
	f.CouncilOnly = false
	list, err := s.cfg.Store.Actors(r.Context(), f)
	if err != nil {
		return nil, err
	}
	out := make([]observatory.Actor, 0, len(list))
	for _, a := range list {
		v := s.visibleActor(r, a)
		if council && !v.CouncilCandidate {
			continue
		}
		out = append(out, v)
	}
	return out, nil
}

// apiActors serves GET /api/v1/actors?country=&kind=&area=&q=&council=1.
func (s *Server) apiActors(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, observatory.Read, observatory.ResActor, "") {
		return
	}
	list, err := s.actorList(r, actorFilter(r.URL.Query()))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": len(list), "actors": list})
}

// apiActor serves GET /api/v1/actors/{id}.
func (s *Server) apiActor(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, observatory.Read, observatory.ResActor, "") {
		return
	}
	a, err := s.cfg.Store.Actor(r.Context(), r.PathValue("id"))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.visibleActor(r, *a))
}

// apiActorCreate serves POST /api/v1/actors: 201 with the stored actor.
func (s *Server) apiActorCreate(w http.ResponseWriter, r *http.Request) {
	if !s.allowAny(w, r, observatory.Create, observatory.ResActor) {
		return
	}
	var a observatory.Actor
	if err := decodeJSON(r, &a); err != nil {
		s.failErr(w, r, err)
		return
	}
	a.Normalize()
	if !s.allowIn(w, r, observatory.Create, observatory.ResActor, a.Country) {
		return
	}
	if err := s.cfg.Store.CreateActor(r.Context(), &a, userName(r)); err != nil {
		s.failErr(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/actors/"+a.ID)
	writeJSON(w, http.StatusCreated, a)
}

// storedActor reads the actor of the request's path and checks that the
// user may take the action on it, answering the request when not.
func (s *Server) storedActor(w http.ResponseWriter, r *http.Request, a observatory.Action) *observatory.Actor {
	return stored(s, w, r, a, observatory.ResActor, s.cfg.Store.Actor, actorCountry)
}

// apiActorUpdate serves PUT /api/v1/actors/{id}: the body replaces the
// record. Moving an actor to another country needs rights on both; a body
// that carries updated_at must carry the stored one (409 otherwise).
func (s *Server) apiActorUpdate(w http.ResponseWriter, r *http.Request) {
	old := s.storedActor(w, r, observatory.Edit)
	if old == nil {
		return
	}
	var a observatory.Actor
	if err := decodeJSON(r, &a); err != nil {
		s.failErr(w, r, err)
		return
	}
	if a.ID != "" && a.ID != old.ID {
		s.fail(w, r, http.StatusBadRequest, "el id del cuerpo no coincide con la URL / the body's id does not match the URL")
		return
	}
	a.ID = old.ID
	a.Normalize()
	if a.Country != old.Country && !s.allowIn(w, r, observatory.Edit, observatory.ResActor, a.Country) {
		return
	}
	g := guard(s.cfg.Policy, currentUser(r), observatory.Edit, observatory.ResActor, actorCountry, a.Country)
	if err := s.cfg.Store.UpdateActor(r.Context(), &a, userName(r), g); err != nil {
		s.failErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

// apiActorDelete serves DELETE /api/v1/actors/{id}: 204.
func (s *Server) apiActorDelete(w http.ResponseWriter, r *http.Request) {
	old := s.storedActor(w, r, observatory.Delete)
	if old == nil {
		return
	}
	g := guard(s.cfg.Policy, currentUser(r), observatory.Delete, observatory.ResActor, actorCountry, "")
	if err := s.cfg.Store.DeleteActor(r.Context(), old.ID, userName(r), g); err != nil {
		s.failErr(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// apiActorHistory serves GET /api/v1/actors/{id}/history (staff only). The
// history keeps no values of personal fields, only that they changed.
func (s *Server) apiActorHistory(w http.ResponseWriter, r *http.Request) {
	s.apiHistory(w, r, observatory.EntityActor)
}

// actorsView is the actors directory page.
type actorsView struct {
	Filter      observatory.ActorFilter
	Actors      []observatory.Actor
	Countries   []observatory.Country
	Kinds       []string
	Areas       []string
	ShowCouncil bool // the reader may see candidacies
	CanCreate   bool
	Exports     []observatory.Country // countries whose actors the user may export
	ExportAll   bool
	Deleted     string
}

// actorsPage serves GET /actors?country=&kind=&area=&q=&council=1.
func (s *Server) actorsPage(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, observatory.Read, observatory.ResActor, "") {
		return
	}
	f := actorFilter(r.URL.Query())
	list, err := s.actorList(r, f)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	view := actorsView{Filter: f, Actors: list, Countries: observatory.Countries(), Kinds: observatory.ActorKinds(),
		Areas:       observatory.ActorAreas(),
		ShowCouncil: len(s.countriesFor(r, observatory.Read, observatory.ResActorContact)) > 0,
		CanCreate:   len(s.countriesFor(r, observatory.Create, observatory.ResActor)) > 0,
		Exports:     s.countriesFor(r, observatory.Read, observatory.ResExportContact),
		ExportAll:   s.can(r, observatory.Read, observatory.ResExportContact, ""),
		Deleted:     r.URL.Query().Get("deleted")}
	if currentUser(r) != nil {
		w.Header().Set("Cache-Control", "private, no-store")
	}
	s.render(w, r, http.StatusOK, "actors", view)
}

// actorView is one actor's page.
type actorView struct {
	Actor              observatory.Actor
	ShowContacts       bool
	ShowHistory        bool
	History            []observatory.Change
	CanEdit, CanDelete bool
	Saved              bool
}

// actorPage serves GET /actors/{id}. Contacts, notes and candidacy only
// for signed-in staff.
func (s *Server) actorPage(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, observatory.Read, observatory.ResActor, "") {
		return
	}
	a, err := s.cfg.Store.Actor(r.Context(), r.PathValue("id"))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	view := actorView{Actor: s.visibleActor(r, *a), Saved: r.URL.Query().Get("saved") == "1",
		ShowContacts: s.can(r, observatory.Read, observatory.ResActorContact, a.Country),
		CanEdit:      s.can(r, observatory.Edit, observatory.ResActor, a.Country),
		CanDelete:    s.can(r, observatory.Delete, observatory.ResActor, a.Country)}
	if s.can(r, observatory.Read, observatory.ResHistory, a.Country) {
		view.ShowHistory = true
		if view.History, err = s.cfg.Store.History(r.Context(), observatory.EntityActor, a.ID); err != nil {
			s.failErr(w, r, err)
			return
		}
	}
	if currentUser(r) != nil {
		w.Header().Set("Cache-Control", "private, no-store")
	}
	s.render(w, r, http.StatusOK, "actor", view)
}

// actorFormView is the form that creates or edits an actor.
type actorFormView struct {
	New        bool
	Actor      observatory.Actor
	Action     string
	UpdatedAt  string
	Fields     map[string]string
	Error      string
	Countries  []observatory.Country
	Kinds      []string
	Areas      []string // the areas offered as boxes
	OtherAreas string   // the actor's areas not among them
}

func (s *Server) actorForm(r *http.Request, a observatory.Actor, isNew bool) actorFormView {
	v := actorFormView{New: isNew, Actor: a, Kinds: observatory.ActorKinds(), Areas: observatory.ActorAreas(), Fields: map[string]string{}}
	var other []string
	for _, ar := range a.Areas {
		if !slices.Contains(v.Areas, ar) {
			other = append(other, ar)
		}
	}
	v.OtherAreas = strings.Join(other, ", ")
	if isNew {
		v.Action = "/actors"
		v.Countries = s.countriesFor(r, observatory.Create, observatory.ResActor)
	} else {
		v.Action = "/actors/" + url.PathEscape(a.ID)
		v.Countries = s.countriesFor(r, observatory.Edit, observatory.ResActor)
		if !a.UpdatedAt.IsZero() {
			v.UpdatedAt = a.UpdatedAt.UTC().Format(time.RFC3339Nano)
		}
	}
	return v
}

func (s *Server) renderActorForm(w http.ResponseWriter, r *http.Request, v actorFormView, err error) {
	status, ok := http.StatusOK, true
	if err != nil {
		if status, v.Fields, v.Error, ok = s.formFailure(w, r, err); !ok {
			return
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "actor_form", v)
}

// actorFromForm reads an actor from the form onto base.
func actorFromForm(f url.Values, base observatory.Actor) observatory.Actor {
	a := base
	a.Name = f.Get("name")
	a.Kind = f.Get("kind")
	a.Country = f.Get("country")
	a.Areas = append(slices.Clone(f["areas"]), strings.FieldsFunc(f.Get("other_areas"), func(r rune) bool { return r == ',' || r == ';' || r == '\n' })...)
	a.Website = f.Get("website")
	a.Role = f.Get("role")
	a.Documents = strings.Fields(f.Get("documents"))
	a.Email = f.Get("email")
	a.Phone = f.Get("phone")
	a.CouncilCandidate = f.Get("council_candidate") == "1"
	a.Notes = strings.TrimSpace(strings.ReplaceAll(f.Get("notes"), "\r\n", "\n"))
	a.UpdatedAt = time.Time{}
	if t, err := time.Parse(time.RFC3339Nano, f.Get("updated_at")); err == nil {
		a.UpdatedAt = t
	}
	return a
}

// actorNewPage serves GET /actors/new.
func (s *Server) actorNewPage(w http.ResponseWriter, r *http.Request) {
	if !s.allowAny(w, r, observatory.Create, observatory.ResActor) {
		return
	}
	var a observatory.Actor
	if cs := s.countriesFor(r, observatory.Create, observatory.ResActor); len(cs) == 1 {
		a.Country = cs[0].Code
	}
	s.renderActorForm(w, r, s.actorForm(r, a, true), nil)
}

// actorCreate serves POST /actors.
func (s *Server) actorCreate(w http.ResponseWriter, r *http.Request) {
	if !s.allowAny(w, r, observatory.Create, observatory.ResActor) || !parseForm(s, w, r) {
		return
	}
	a := actorFromForm(r.PostForm, observatory.Actor{})
	a.Normalize()
	if !s.allowIn(w, r, observatory.Create, observatory.ResActor, a.Country) {
		return
	}
	if err := s.cfg.Store.CreateActor(r.Context(), &a, userName(r)); err != nil {
		s.renderActorForm(w, r, s.actorForm(r, a, true), err)
		return
	}
	s.log.Info("actor created", "actor_id", a.ID, "by", userName(r))
	http.Redirect(w, r, "/actors/"+url.PathEscape(a.ID)+"?saved=1", http.StatusSeeOther)
}

// actorEditPage serves GET /actors/{id}/edit.
func (s *Server) actorEditPage(w http.ResponseWriter, r *http.Request) {
	a := s.storedActor(w, r, observatory.Edit)
	if a == nil {
		return
	}
	s.renderActorForm(w, r, s.actorForm(r, *a, false), nil)
}

// actorUpdate serves POST /actors/{id}.
func (s *Server) actorUpdate(w http.ResponseWriter, r *http.Request) {
	old := s.storedActor(w, r, observatory.Edit)
	if old == nil || !parseForm(s, w, r) {
		return
	}
	a := actorFromForm(r.PostForm, *old)
	a.ID = old.ID
	a.Normalize()
	if a.Country != old.Country && !s.allowIn(w, r, observatory.Edit, observatory.ResActor, a.Country) {
		return
	}
	g := guard(s.cfg.Policy, currentUser(r), observatory.Edit, observatory.ResActor, actorCountry, a.Country)
	if err := s.cfg.Store.UpdateActor(r.Context(), &a, userName(r), g); err != nil {
		v := s.actorForm(r, a, false)
		v.UpdatedAt = r.PostForm.Get("updated_at")
		s.renderActorForm(w, r, v, err)
		return
	}
	s.log.Info("actor changed", "actor_id", a.ID, "by", userName(r))
	http.Redirect(w, r, "/actors/"+url.PathEscape(a.ID)+"?saved=1", http.StatusSeeOther)
}

// actorDelete serves POST /actors/{id}/delete, with confirm=1.
func (s *Server) actorDelete(w http.ResponseWriter, r *http.Request) {
	old := s.storedActor(w, r, observatory.Delete)
	if old == nil || !parseForm(s, w, r) {
		return
	}
	if !s.confirmed(w, r) {
		return
	}
	g := guard(s.cfg.Policy, currentUser(r), observatory.Delete, observatory.ResActor, actorCountry, "")
	if err := s.cfg.Store.DeleteActor(r.Context(), old.ID, userName(r), g); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.log.Info("actor deleted", "actor_id", old.ID, "by", userName(r))
	http.Redirect(w, r, "/actors?deleted="+url.QueryEscape(old.Name), http.StatusSeeOther)
}

// actorsExport serves GET /actors/export?country=CC: the actors of a
// country as CSV, contacts included, for admins and that country's
// coordinator (ResExportContact); without a country, every country's, for
// whoever may export them all (admins).
func (s *Server) actorsExport(w http.ResponseWriter, r *http.Request) {
	country := strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("country")))
	if country != "" {
		if _, ok := observatory.LookupCountry(country); !ok {
			s.fail(w, r, http.StatusBadRequest, "país desconocido / unknown country")
			return
		}
	}
	if !s.allow(w, r, observatory.Read, observatory.ResExportContact, country) {
		return
	}
	list, err := s.cfg.Store.Actors(r.Context(), observatory.ActorFilter{Country: country})
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := observatory.WriteActorsCSV(&buf, list); err != nil {
		s.failErr(w, r, err)
		return
	}
	name := "actores"
	if country != "" {
		name += "-" + strings.ToLower(country)
	}
	s.log.Info("actors exported", "country", country, "actors", len(list), "by", userName(r))
	sendFile(w, "text/csv; charset=utf-8", name+".csv", &buf)
}
