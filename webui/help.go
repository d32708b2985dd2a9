package webui

import (
	"bytes"
	"html/template"
	"net/http"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"observatory"
)

// renderHelp turns the search help (Markdown, written by us and embedded
// in the binary) into HTML once, at start. Raw HTML in the Markdown is
// not passed through (goldmark's default), so the page holds only what
// the Markdown itself describes.
func renderHelp(md string) (template.HTML, error) {
	var buf bytes.Buffer
	if err := goldmark.New(goldmark.WithExtensions(extension.Table)).Convert([]byte(md), &buf); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil // #nosec G203 -- our own Markdown, raw HTML disabled
}

// helpPage serves GET /ayuda: how to write queries.
func (s *Server) helpPage(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, observatory.Read, observatory.ResArticle, "") {
		return
	}
	s.render(w, r, http.StatusOK, "help", s.help)
}
