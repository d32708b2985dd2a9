package webui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"observatory"
	"observatory/sources"
)

// importView is the import page: the upload form and, after an upload,
// what happened row by row.
type importView struct {
	Report *sources.Report
	Rows   []importRowView
	Error  string
}

type importRowView struct {
	Line    int
	Name    string
	Fields  map[string]string
	Message string
}

// sourcesImportPage serves GET /sources/import.
func (s *Server) sourcesImportPage(w http.ResponseWriter, r *http.Request) {
	if !s.allowAny(w, r, observatory.Create, observatory.ResSource) {
		return
	}
	s.render(w, r, http.StatusOK, "sources_import", importView{})
}

// sourcesImport serves POST /sources/import: a CSV or OPML file (field
// "file", format "format": csv, opml or empty to tell by content). Each
// row is saved whole or not at all; rows that are invalid, collide with
// another source or concern a country the user does not coordinate are
// reported with their line, and the rest are imported. Importing the same
// file twice changes nothing.
func (s *Server) sourcesImport(w http.ResponseWriter, r *http.Request) {
	if !s.allowAny(w, r, observatory.Create, observatory.ResSource) {
		return
	}
	fail := func(status int, msg string) {
		s.render(w, r, status, "sources_import", importView{Error: msg})
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			fail(http.StatusRequestEntityTooLarge, fmt.Sprintf("El archivo es demasiado grande (máx. %d MiB). / The file is too large (max %d MiB).", mbe.Limit>>20, mbe.Limit>>20))
			return
		}
		fail(http.StatusBadRequest, "Envíe el archivo con el formulario. / Send the file with the form.")
		return
	}
	defer r.MultipartForm.RemoveAll()
	file, hdr, err := r.FormFile("file")
	if err != nil {
		fail(http.StatusBadRequest, "Elija un archivo CSV u OPML. / Choose a CSV or OPML file.")
		return
	}
	defer file.Close()
	format := strings.ToLower(r.FormValue("format"))
	if format == "" && strings.HasSuffix(strings.ToLower(hdr.Filename), ".opml") {
		format = sources.FormatOPML
	}
	reg := &guardedRegistry{store: s.cfg.Store, policy: s.cfg.Policy, user: currentUser(r)}
	rep, err := sources.Import(r.Context(), reg, file, format, userName(r))
	if err != nil {
		if statusOf(err) == http.StatusInternalServerError {
			s.failErr(w, r, err)
			return
		}
		fail(statusOf(err), err.Error())
		return
	}
	view := importView{Report: &rep}
	for _, e := range rep.Errors {
		row := importRowView{Line: e.Line, Name: e.Name}
		row.Fields, row.Message = fieldErrors(e.Err)
		if len(row.Fields) > 0 {
			row.Message = ""
		}
		view.Rows = append(view.Rows, row)
	}
	s.log.Info("sources imported", "by", userName(r), "created", rep.Created, "updated", rep.Updated, "unchanged", rep.Unchanged, "rejected", len(rep.Errors))
	s.render(w, r, http.StatusOK, "sources_import", view)
}

// guardedRegistry is the store as sources.Import sees it, with each row
// checked against the permission matrix: a row about a country the user
// may not change is refused (and reported with its line), the others go on.
type guardedRegistry struct {
	store  SourceStore
	policy observatory.Policy
	user   *observatory.User
}

func (g *guardedRegistry) Sources(ctx context.Context, f observatory.SourceFilter) ([]observatory.Source, error) {
	return g.store.Sources(ctx, f)
}

func (g *guardedRegistry) CreateSource(ctx context.Context, src *observatory.Source, by string) error {
	if err := g.policy.Check(g.user, observatory.Create, observatory.ResSource, src.Country); err != nil {
		return rowForbidden(src.Country, err)
	}
	return g.store.CreateSource(ctx, src, by)
}

func (g *guardedRegistry) UpdateSource(ctx context.Context, src *observatory.Source, by string) error {
	var stored string
	err := g.store.UpdateSourceGuarded(ctx, src, by, func(old *observatory.Source) error {
		stored = old.Country
		return guard(g.policy, g.user, observatory.Edit, observatory.ResSource, sourceCountry, src.Country)(old)
	})
	if errors.Is(err, observatory.ErrForbidden) || errors.Is(err, observatory.ErrUnauthorized) {
		country := stored
		if g.policy.Check(g.user, observatory.Edit, observatory.ResSource, stored) == nil {
			country = src.Country
		}
		return rowForbidden(country, err)
	}
	return err
}

// rowForbidden makes a permission refusal an invalid row (so the import
// reports it and goes on), naming the country.
func rowForbidden(country string, err error) error {
	var v observatory.ValidationError
	v.Add("country", fmt.Sprintf("usted no coordina %s: fila no importada / you do not coordinate %s: row not imported", country, country))
	return fmt.Errorf("%w (%w)", &v, err)
}

// sourcesExport serves GET /sources/export?format=csv|opml with the list's
// filters (country, medium, health, q): the directory as a file.
func (s *Server) sourcesExport(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, observatory.Read, observatory.ResSource, "") {
		return
	}
	q := r.URL.Query()
	format := strings.ToLower(q.Get("format"))
	if format == "" {
		format = sources.FormatCSV
	}
	if format != sources.FormatCSV && format != sources.FormatOPML {
		s.fail(w, r, http.StatusBadRequest, "formato desconocido: use csv u opml / unknown format: use csv or opml")
		return
	}
	country := strings.ToUpper(strings.TrimSpace(q.Get("country")))
	f := observatory.SourceFilter{Country: country, Medium: strings.TrimSpace(q.Get("medium")), Q: strings.TrimSpace(q.Get("q"))}
	rows, err := s.filteredSources(r, f)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	state := strings.TrimSpace(q.Get("health"))
	list := make([]observatory.Source, 0, len(rows))
	for _, row := range rows {
		if state == "" || row.State == state {
			list = append(list, row.Src)
		}
	}
	var buf bytes.Buffer
	if err := sources.Export(&buf, list, format); err != nil {
		s.failErr(w, r, err)
		return
	}
	name := "fuentes"
	if _, ok := observatory.LookupCountry(country); ok {
		name += "-" + strings.ToLower(country)
	}
	ctype := "text/csv; charset=utf-8"
	if format == sources.FormatOPML {
		ctype = "text/x-opml; charset=utf-8"
	}
	sendFile(w, ctype, name+"."+format, &buf)
}

// sendFile answers with a download.
func sendFile(w http.ResponseWriter, ctype, name string, body io.Reader) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, body)
}
