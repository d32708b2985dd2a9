package webui

import (
	"net/http"

	"observatory"
)

// articleView is the public view of an article: what it is, where it came
// from, its tags and why. The full text is for signed-in staff only.
type articleView struct {
	Article  *observatory.Article
	ShowText bool
}

// articlePage serves GET /articles/{id}.
func (s *Server) articlePage(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, observatory.Read, observatory.ResArticle, "") {
		return
	}
	a, err := s.cfg.Store.Article(r.Context(), r.PathValue("id"))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "article", articleView{Article: a, ShowText: s.can(r, observatory.Read, observatory.ResArticleText, a.Country)})
}

// apiArticle serves GET /api/v1/articles/{id}: the article with its tags
// and explanations; the full text only for signed-in staff.
func (s *Server) apiArticle(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, observatory.Read, observatory.ResArticle, "") {
		return
	}
	a, err := s.cfg.Store.Article(r.Context(), r.PathValue("id"))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if !s.can(r, observatory.Read, observatory.ResArticleText, a.Country) {
		a.Text = ""
	}
	writeJSON(w, http.StatusOK, a)
}
