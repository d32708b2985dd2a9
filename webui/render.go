package webui

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/microcosm-cc/bluemonday"
	"github.com/nicksnyder/go-i18n/v2/i18n"

	"observatory"
)

//go:embed templates/*.html
var templateFS embed.FS

// pageData is handed to every template: the page's own view plus what the
// layout needs.
type pageData struct {
	Lang    string
	Path    string
	Status  int
	View    any
	AltLang string // the other UI language, for the switch link
	User    *observatory.User
	IsAdmin bool
}

type errorPage struct {
	Status  int
	Message string
}

// parseTemplates parses the layout with each page, once per UI language,
// with "t" bound to that language's catalogue.
func (s *Server) parseTemplates() (map[string]*template.Template, error) {
	if err := checkCatalogues(); err != nil {
		return nil, err
	}
	bundle, err := newBundle()
	if err != nil {
		return nil, err
	}
	pages, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	highlight := bluemonday.NewPolicy()
	highlight.AllowElements("mark")
	out := make(map[string]*template.Template)
	for _, tag := range uiLanguages {
		lang := tag.String()
		t := translator(i18n.NewLocalizer(bundle, lang))
		funcs := s.templateFuncs(lang, t, highlight)
		for _, p := range pages {
			name := strings.TrimSuffix(strings.TrimPrefix(p, "templates/"), ".html")
			if name == "layout" || name == "partials" {
				continue
			}
			tmpl, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", p)
			if err != nil {
				return nil, fmt.Errorf("webui: template %s: %w", p, err)
			}
			out[lang+"/"+name] = tmpl
		}
	}
	return out, nil
}

func (s *Server) templateFuncs(lang string, t func(string, ...any) string, highlight *bluemonday.Policy) template.FuncMap {
	return template.FuncMap{
		"t": t,
		"tagLabel": func(id string) string {
			if msg := t("tag." + id); msg != "tag."+id {
				return msg
			}
			return id
		},
		"countryName": func(code string) string {
			c, ok := observatory.LookupCountry(code)
			switch {
			case !ok:
				return code
			case lang == "en":
				return c.EN
			}
			return c.ES
		},
		"mediumLabel": func(m string) string { return t("medium." + m) },
		"facetLabel":  func(name, term string) string { return facetTermLabel(t, lang, name, term) },
		"date": func(tm time.Time) string {
			if tm.IsZero() {
				return ""
			}
			return tm.Format("2006-01-02")
		},
		"highlight": func(fragment string) template.HTML {
			// The index escapes outlet text and adds only <mark>; the
			// policy makes sure nothing else gets through.
			return template.HTML(highlight.Sanitize(fragment)) // #nosec G203 -- sanitised above
		},
		"datetime": func(tm time.Time) string {
			if tm.IsZero() {
				return ""
			}
			return tm.UTC().Format("2006-01-02 15:04 UTC")
		},
		"join":     strings.Join,
		"isURL":    func(s string) bool { return observatory.CheckWebURL(s) == "" },
		"contains": slices.Contains[[]string],
		"listings": func(ls []observatory.Listing) string {
			lines := make([]string, len(ls))
			for i, l := range ls {
				lines[i] = l.URL + " " + l.LinkSelector
			}
			return strings.Join(lines, "\n")
		},
		// label translates prefix+"."+id, falling back on id itself.
		"label": func(prefix, id string) string {
			if msg := t(prefix + "." + id); msg != prefix+"."+id {
				return msg
			}
			return id
		},
		"dict": func(kv ...any) map[string]any {
			m := make(map[string]any, len(kv)/2)
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
		"asset": s.assets.url,
		"score": func(f float64) string { return fmt.Sprintf("%.2f", f) },
		"add":   func(a, b int) int { return a + b },
	}
}

// facetTermLabel shows a facet term as a reader expects it: country and
// medium names, tag labels; other terms as they are.
func facetTermLabel(t func(string, ...any) string, lang, name, term string) string {
	switch name {
	case "country":
		if c, ok := observatory.LookupCountry(term); ok {
			if lang == "en" {
				return c.EN
			}
			return c.ES
		}
	case "tag", "subtag":
		if msg := t("tag." + term); msg != "tag."+term {
			return msg
		}
	case "medium", "kind":
		if msg := t(name + "." + term); msg != name+"."+term {
			return msg
		}
	}
	return term
}

// render executes a page into a buffer first, so that a template error
// becomes a clean 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, view any) {
	lang := requestLanguage(r)
	if q := r.URL.Query().Get("lang"); q == "es" || q == "en" {
		http.SetCookie(w, &http.Cookie{Name: "lang", Value: q, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, HttpOnly: true, Secure: r.TLS != nil})
	}
	tmpl := s.pages[lang+"/"+page]
	if tmpl == nil {
		s.log.Error("no such template", "page", page, "lang", lang)
		http.Error(w, defaultMessage(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	alt := "en"
	if lang == "en" {
		alt = "es"
	}
	u := currentUser(r)
	data := pageData{Lang: lang, Path: r.URL.Path, Status: status, View: view, AltLang: alt,
		User: u, IsAdmin: u != nil && u.Role == observatory.RoleAdmin}
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, "layout", data); err != nil {
		s.log.Error("rendering page", "page", page, "err", err)
		http.Error(w, defaultMessage(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", lang)
	h.Set("Vary", "Accept-Language, Cookie")
	if u != nil {
		h.Set("Cache-Control", "private, no-store")
	}
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
