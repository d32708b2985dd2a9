package webui

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"observatory"
)

// Page sizes of the search page and the API.
const (
	defaultPageSize = 20
	maxPageSize     = 100
	maxPage         = 10000
)

// parseSearch reads a search request from URL parameters, as the search
// page and GET /api/v1/search both take them. Each problem is reported
// with the parameter it concerns.
func parseSearch(v url.Values) (observatory.SearchQuery, error) {
	var bad observatory.ValidationError
	q := observatory.SearchQuery{
		Q:        strings.TrimSpace(v.Get("q")),
		Country:  upperList(v["country"]),
		Tag:      list(v["tag"]),
		Source:   list(v["source"]),
		Medium:   list(v["medium"]),
		Kind:     list(v["kind"]),
		Language: list(v["language"]),
		Sort:     v.Get("sort"),
		Page:     1,
		Size:     defaultPageSize,
	}
	if len(q.Q) > 1000 {
		bad.Add("q", "la consulta es demasiado larga (máx. 1000 caracteres) / query too long (max 1000 characters)")
	}
	for _, c := range q.Country {
		if _, ok := observatory.LookupCountry(c); !ok {
			bad.Add("country", fmt.Sprintf("país desconocido %q / unknown country %q", c, c))
		}
	}
	for _, m := range q.Medium {
		if !slices.Contains(observatory.Media(), m) {
			bad.Add("medium", fmt.Sprintf("medio desconocido %q / unknown medium %q", m, m))
		}
	}
	for _, k := range q.Kind {
		if k != observatory.KindArticle && k != observatory.KindDocument {
			bad.Add("kind", "use article o document / use article or document")
		}
	}
	switch q.Sort {
	case "", "relevance", "date", "-date":
	default:
		bad.Add("sort", "use relevance, date o -date / use relevance, date or -date")
	}
	var err error
	if q.From, err = parseDay(v.Get("from"), false); err != nil {
		bad.Add("from", err.Error())
	}
	if q.To, err = parseDay(v.Get("to"), true); err != nil {
		bad.Add("to", err.Error())
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		bad.Add("to", "la fecha final es anterior a la inicial / end date before start date")
	}
	if s := v.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPage {
			bad.Add("page", fmt.Sprintf("use un número entre 1 y %d / use a number from 1 to %d", maxPage, maxPage))
		} else {
			q.Page = n
		}
	}
	if s := v.Get("size"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPageSize {
			bad.Add("size", fmt.Sprintf("use un número entre 1 y %d / use a number from 1 to %d", maxPageSize, maxPageSize))
		} else {
			q.Size = n
		}
	}
	return q, bad.Err()
}

// parseDay reads YYYY-MM-DD (or a full RFC 3339 time). An end date means
// the end of that day.
func parseDay(s string, end bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, fmt.Errorf("fecha no válida %q: use AAAA-MM-DD / invalid date %q: use YYYY-MM-DD", s, s)
	}
	if end {
		t = t.Add(24*time.Hour - time.Nanosecond)
	}
	return t, nil
}

func list(in []string) []string {
	var out []string
	for _, v := range in {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" && !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

func upperList(in []string) []string {
	out := list(in)
	for i := range out {
		out[i] = strings.ToUpper(out[i])
	}
	return out
}
