package webui

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"observatory"
	"observatory/sources"
)

// sourcesView is the media directory page: filters, the coordinator's
// "needs attention" list and the sources.
type sourcesView struct {
	Country, Medium, State, Q string
	Rows                      []sourceRow
	Attention                 []sourceRow // flagged sources the user may fix
	Countries                 []observatory.Country
	Media, States             []string
	CanCreate                 bool
	Query                     string // the filters as a query string, for the export links
	Deleted                   string // name of a source just deleted
}

// sourcesPage serves GET /sources?country=&medium=&health=&q=.
func (s *Server) sourcesPage(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, observatory.Read, observatory.ResSource, "") {
		return
	}
	q := r.URL.Query()
	view := sourcesView{
		Country: strings.ToUpper(strings.TrimSpace(q.Get("country"))), Medium: strings.TrimSpace(q.Get("medium")),
		State: strings.TrimSpace(q.Get("health")), Q: strings.TrimSpace(q.Get("q")),
		Countries: observatory.Countries(), Media: observatory.Media(), States: healthStates(),
		CanCreate: len(s.countriesFor(r, observatory.Create, observatory.ResSource)) > 0,
		Deleted:   q.Get("deleted"),
	}
	all, err := s.filteredSources(r, observatory.SourceFilter{})
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	f := observatory.SourceFilter{Country: view.Country, Medium: view.Medium, Q: view.Q}
	for _, row := range all {
		if len(row.Flags) > 0 && row.CanEdit {
			view.Attention = append(view.Attention, row)
		}
		if f.Match(&row.Src) && (view.State == "" || row.State == view.State) {
			view.Rows = append(view.Rows, row)
		}
	}
	view.Query = filterQuery(map[string]string{"country": view.Country, "medium": view.Medium, "health": view.State, "q": view.Q})
	s.render(w, r, http.StatusOK, "sources", view)
}

// filteredSources returns the sources that match f, with their health and
// whether the user may edit each.
func (s *Server) filteredSources(r *http.Request, f observatory.SourceFilter) ([]sourceRow, error) {
	list, err := s.cfg.Store.Sources(r.Context(), f)
	if err != nil {
		return nil, err
	}
	rows, err := s.sourceRows(r.Context(), list)
	if err != nil {
		return nil, err
	}
	for i := range rows {
		rows[i].CanEdit = s.can(r, observatory.Edit, observatory.ResSource, rows[i].Src.Country)
	}
	return rows, nil
}

func filterQuery(kv map[string]string) string {
	v := url.Values{}
	for k, val := range kv {
		if val != "" {
			v.Set(k, val)
		}
	}
	return v.Encode()
}

// sourceView is one source's page.
type sourceView struct {
	Row                sourceRow
	History            []observatory.Change
	ShowHistory        bool
	CanEdit, CanDelete bool
	CanTest            bool
	Saved              bool
	Tests              []feedTest
	TestNote           string
}

// sourcePage serves GET /sources/{id}: the record, its health, its
// history and the coordinator's actions.
func (s *Server) sourcePage(w http.ResponseWriter, r *http.Request) {
	s.renderSource(w, r, http.StatusOK, nil, "")
}

func (s *Server) renderSource(w http.ResponseWriter, r *http.Request, status int, tests []feedTest, note string) {
	if !s.allow(w, r, observatory.Read, observatory.ResSource, "") {
		return
	}
	row, err := s.sourceRow(r.Context(), r.PathValue("id"))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	src := &row.Src
	view := sourceView{Row: row, Saved: r.URL.Query().Get("saved") == "1", Tests: tests, TestNote: note,
		CanEdit:   s.can(r, observatory.Edit, observatory.ResSource, src.Country),
		CanDelete: s.can(r, observatory.Delete, observatory.ResSource, src.Country)}
	view.CanTest = view.CanEdit && s.cfg.HTTPClient != nil
	if s.can(r, observatory.Read, observatory.ResHistory, src.Country) {
		view.ShowHistory = true
		if view.History, err = s.cfg.Store.History(r.Context(), observatory.EntitySource, src.ID); err != nil {
			s.failErr(w, r, err)
			return
		}
	}
	s.render(w, r, status, "source", view)
}

// sourceFormView is the form that creates or edits a source, with what
// feed discovery found and what a feed test showed.
type sourceFormView struct {
	New       bool
	Src       observatory.Source
	Action    string // where the form posts
	Base      string // "/sources" or "/sources/{id}", for discover and preview
	UpdatedAt string
	Fields    map[string]string
	Error     string
	Countries []observatory.Country
	Media     []string
	Scopes    []string
	Focuses   []string
	CanFetch  bool
	Found     []sources.Feed
	Discover  string // what discovery says, when it found nothing or failed
	Tests     []feedTest
	TestNote  string
}

// focusSuggestions are offered for the focus field; any text is allowed.
var focusSuggestions = []string{"general", "migration", "women", "human-rights", "economy", "investigative"}

func (s *Server) sourceForm(r *http.Request, src observatory.Source, isNew bool) sourceFormView {
	v := sourceFormView{New: isNew, Src: src, Media: observatory.Media(), Scopes: observatory.Scopes(),
		Focuses: focusSuggestions, CanFetch: s.cfg.HTTPClient != nil, Fields: map[string]string{}}
	if isNew {
		v.Action, v.Base = "/sources", "/sources"
		v.Countries = s.countriesFor(r, observatory.Create, observatory.ResSource)
	} else {
		v.Action = "/sources/" + url.PathEscape(src.ID)
		v.Base = v.Action
		v.Countries = s.countriesFor(r, observatory.Edit, observatory.ResSource)
		if !src.UpdatedAt.IsZero() {
			v.UpdatedAt = src.UpdatedAt.UTC().Format(time.RFC3339Nano)
		}
	}
	return v
}

// renderSourceForm shows the form, again with what went wrong when err
// is not nil.
func (s *Server) renderSourceForm(w http.ResponseWriter, r *http.Request, v sourceFormView, err error) {
	status, ok := http.StatusOK, true
	if err != nil {
		if status, v.Fields, v.Error, ok = s.formFailure(w, r, err); !ok {
			return
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "source_form", v)
}

// formFailure answers a failed save of a form: a server fault, a refusal
// or a missing record plainly (and reports false); an invalid or
// conflicting form by giving the status and the messages, field by field,
// to show it again with.
func (s *Server) formFailure(w http.ResponseWriter, r *http.Request, err error) (int, map[string]string, string, bool) {
	switch status := statusOf(err); status {
	case http.StatusBadRequest, http.StatusConflict:
		fields, msg := fieldErrors(err)
		return status, fields, msg, true
	}
	s.failErr(w, r, err)
	return 0, nil, "", false
}

// confirmed checks a deletion's confirmation box, answering 400 without it.
func (s *Server) confirmed(w http.ResponseWriter, r *http.Request) bool {
	if r.PostForm.Get("confirm") != "1" {
		s.fail(w, r, http.StatusBadRequest, "marque la casilla de confirmación para borrar / tick the confirmation box to delete")
		return false
	}
	return true
}

// fieldErrors splits an error into messages per field (validation errors,
// conflicts on a field) and a general message.
func fieldErrors(err error) (map[string]string, string) {
	fields := map[string]string{}
	var v *observatory.ValidationError
	var fe interface{ Field() string }
	switch {
	case errors.As(err, &v):
		for k, m := range v.Fields {
			fields[k] = m
		}
		return fields, "Revise los campos marcados; no se guardó nada. / Check the fields marked; nothing was saved."
	case errors.As(err, &fe):
		fields[fe.Field()] = err.Error()
		return fields, "No se guardó nada. / Nothing was saved."
	}
	return fields, err.Error()
}

// sourceFromForm reads a source from the form's fields onto base (the
// stored record when editing, so fields the form does not carry stay).
func sourceFromForm(f url.Values, base observatory.Source) observatory.Source {
	src := base
	src.Name = f.Get("name")
	src.Country = f.Get("country")
	src.Medium = f.Get("medium")
	src.Scope = f.Get("scope")
	src.Languages = strings.FieldsFunc(f.Get("languages"), func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' })
	src.Homepage = f.Get("homepage")
	src.Feeds = append(strings.Fields(f.Get("feeds")), f["feed_add"]...)
	src.Sitemaps = strings.Fields(f.Get("sitemaps"))
	src.Listings = nil
	for line := range strings.Lines(f.Get("listings")) {
		if line = strings.TrimSpace(line); line != "" {
			u, sel, _ := strings.Cut(line, " ")
			src.Listings = append(src.Listings, observatory.Listing{URL: u, LinkSelector: strings.TrimSpace(sel)})
		}
	}
	src.Focus = f.Get("focus")
	src.Owner = f.Get("owner")
	src.Notes = strings.TrimSpace(strings.ReplaceAll(f.Get("notes"), "\r\n", "\n"))
	src.Schedule = f.Get("schedule")
	src.PollMax = f.Get("poll_max")
	src.Active = f.Get("active") == "1"
	src.UpdatedAt = time.Time{}
	if t, err := time.Parse(time.RFC3339Nano, f.Get("updated_at")); err == nil {
		src.UpdatedAt = t
	}
	return src
}

// sourceNewPage serves GET /sources/new.
func (s *Server) sourceNewPage(w http.ResponseWriter, r *http.Request) {
	if !s.allowAny(w, r, observatory.Create, observatory.ResSource) {
		return
	}
	src := observatory.Source{Active: true, Languages: []string{"es"}, Focus: "general"}
	if cs := s.countriesFor(r, observatory.Create, observatory.ResSource); len(cs) == 1 {
		src.Country = cs[0].Code
	}
	s.renderSourceForm(w, r, s.sourceForm(r, src, true), nil)
}

// sourceCreate serves POST /sources: the new source, or the form again
// with every invalid field named and nothing saved.
func (s *Server) sourceCreate(w http.ResponseWriter, r *http.Request) {
	if !s.allowAny(w, r, observatory.Create, observatory.ResSource) || !parseForm(s, w, r) {
		return
	}
	src := sourceFromForm(r.PostForm, observatory.Source{})
	src.Normalize()
	if !s.allowIn(w, r, observatory.Create, observatory.ResSource, src.Country) {
		return
	}
	if err := s.cfg.Store.CreateSource(r.Context(), &src, userName(r)); err != nil {
		s.renderSourceForm(w, r, s.sourceForm(r, src, true), err)
		return
	}
	s.log.Info("source created", "source_id", src.ID, "by", userName(r))
	http.Redirect(w, r, "/sources/"+url.PathEscape(src.ID)+"?saved=1", http.StatusSeeOther)
}

// storedSource reads the source of the request's path and checks that the
// user may take the action on it, answering the request when not.
func (s *Server) storedSource(w http.ResponseWriter, r *http.Request, a observatory.Action) *observatory.Source {
	return stored(s, w, r, a, observatory.ResSource, s.cfg.Store.Source, sourceCountry)
}

// sourceEditPage serves GET /sources/{id}/edit.
func (s *Server) sourceEditPage(w http.ResponseWriter, r *http.Request) {
	src := s.storedSource(w, r, observatory.Edit)
	if src == nil {
		return
	}
	s.renderSourceForm(w, r, s.sourceForm(r, *src, false), nil)
}

// sourceUpdate serves POST /sources/{id}: the edit form's save. The
// permission is checked again inside the write, against the stored
// record, and an edit made on a version someone else has changed since is
// refused (409) rather than overwriting theirs.
func (s *Server) sourceUpdate(w http.ResponseWriter, r *http.Request) {
	old := s.storedSource(w, r, observatory.Edit)
	if old == nil || !parseForm(s, w, r) {
		return
	}
	src := sourceFromForm(r.PostForm, *old)
	src.ID = old.ID
	src.Normalize()
	if src.Country != old.Country && !s.allowIn(w, r, observatory.Edit, observatory.ResSource, src.Country) {
		return
	}
	g := guard(s.cfg.Policy, currentUser(r), observatory.Edit, observatory.ResSource, sourceCountry, src.Country)
	if err := s.cfg.Store.UpdateSourceGuarded(r.Context(), &src, userName(r), g); err != nil {
		v := s.sourceForm(r, src, false)
		v.UpdatedAt = r.PostForm.Get("updated_at")
		s.renderSourceForm(w, r, v, err)
		return
	}
	s.log.Info("source changed", "source_id", src.ID, "by", userName(r))
	http.Redirect(w, r, "/sources/"+url.PathEscape(src.ID)+"?saved=1", http.StatusSeeOther)
}

// sourceSetActive serves POST /sources/{id}/active (active=0 deactivates,
// active=1 reactivates): a one-field edit, recorded like any other.
func (s *Server) sourceSetActive(w http.ResponseWriter, r *http.Request) {
	old := s.storedSource(w, r, observatory.Edit)
	if old == nil || !parseForm(s, w, r) {
		return
	}
	src := *old
	src.Active = r.PostForm.Get("active") == "1"
	g := guard(s.cfg.Policy, currentUser(r), observatory.Edit, observatory.ResSource, sourceCountry, "")
	if err := s.cfg.Store.UpdateSourceGuarded(r.Context(), &src, userName(r), g); err != nil {
		s.failErr(w, r, err)
		return
	}
	http.Redirect(w, r, "/sources/"+url.PathEscape(src.ID)+"?saved=1", http.StatusSeeOther)
}

// sourceDelete serves POST /sources/{id}/delete, with confirm=1. The
// source's articles stay; deactivating is the usual way to stop a source.
func (s *Server) sourceDelete(w http.ResponseWriter, r *http.Request) {
	old := s.storedSource(w, r, observatory.Delete)
	if old == nil || !parseForm(s, w, r) {
		return
	}
	if !s.confirmed(w, r) {
		return
	}
	g := guard(s.cfg.Policy, currentUser(r), observatory.Delete, observatory.ResSource, sourceCountry, "")
	if err := s.cfg.Store.DeleteSourceGuarded(r.Context(), old.ID, userName(r), g); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.log.Info("source deleted", "source_id", old.ID, "by", userName(r))
	http.Redirect(w, r, "/sources?deleted="+url.QueryEscape(old.Name), http.StatusSeeOther)
}
