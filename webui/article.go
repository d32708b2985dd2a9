package webui

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"observatory"
)

// articleView is the public view of an article: what it is, where it came
// from, its tags and why. The full text is for signed-in staff only.
type articleView struct {
	Article  *observatory.Article
	ShowText bool
}

// publicSummaryRunes is the longest summary shown to readers who may not
// read the full text. The summary is the feed item's description, which
// many outlets fill with the whole article.
const publicSummaryRunes = 600

// visibleArticle strips from a what the request's user may not read: the
// full text, and any part of the summary past an excerpt's length. It
// reports whether the user may read the full text.
func (s *Server) visibleArticle(r *http.Request, a *observatory.Article) bool {
	if s.can(r, observatory.Read, observatory.ResArticleText, a.Country) {
		return true
	}
	a.Text = ""
	a.Summary = excerpt(a.Summary, publicSummaryRunes)
	return false
}

// excerpt returns at most n runes of text, cut at a word boundary and
// marked with an ellipsis when cut.
func excerpt(text string, n int) string {
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	r := []rune(text)[:n]
	cut := string(r)
	if i := strings.LastIndexAny(cut, " \t\n"); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimSpace(cut) + "…"
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
	showText := s.visibleArticle(r, a)
	s.render(w, r, http.StatusOK, "article", articleView{Article: a, ShowText: showText})
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
	s.visibleArticle(r, a)
	writeJSON(w, http.StatusOK, a)
}
