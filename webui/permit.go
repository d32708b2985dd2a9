package webui

import (
	"context"
	"net/http"

	"observatory"
)

// These helpers only ask the permission matrix (observatory.Policy); they
// decide nothing themselves.

// countriesFor returns the pilot countries in which the request's user may
// take the action on the resource: what a form's country list offers.
func (s *Server) countriesFor(r *http.Request, a observatory.Action, res observatory.Resource) []observatory.Country {
	var out []observatory.Country
	for _, c := range observatory.Countries() {
		if s.can(r, a, res, c.Code) {
			out = append(out, c)
		}
	}
	return out
}

// allowAny is allow for an action in at least one country: the gate of
// pages such as "new source" before the country is chosen.
func (s *Server) allowAny(w http.ResponseWriter, r *http.Request, a observatory.Action, res observatory.Resource) bool {
	if len(s.countriesFor(r, a, res)) > 0 {
		return true
	}
	return s.allow(w, r, a, res, "")
}

// allowIn is allow for the country a request gives a record (a new one,
// or one it is moved to). A value that is not a pilot country is left to
// the store's validation, which refuses the record and names the field
// (400), rather than refused here as out of the user's countries (403);
// the store's guard still checks the stored record.
func (s *Server) allowIn(w http.ResponseWriter, r *http.Request, a observatory.Action, res observatory.Resource, country string) bool {
	if _, known := observatory.LookupCountry(country); !known {
		return true
	}
	return s.allow(w, r, a, res, country)
}

// guard returns a store guard that asks the matrix, against the record as
// stored, whether u may take the action on it: on its stored country and,
// when the change moves it, on the new one too.
func guard[T any](p observatory.Policy, u *observatory.User, a observatory.Action, res observatory.Resource,
	country func(*T) string, newCountry string) func(*T) error {
	return func(stored *T) error {
		if err := p.Check(u, a, res, country(stored)); err != nil {
			return err
		}
		if newCountry != "" && newCountry != country(stored) {
			return p.Check(u, a, res, newCountry)
		}
		return nil
	}
}

// stored reads the record of the request's path with get and checks that
// the user may take the action on it, answering the request when not
// (nil). Anonymous users are answered before the store is asked.
func stored[T any](s *Server, w http.ResponseWriter, r *http.Request, a observatory.Action, res observatory.Resource,
	get func(context.Context, string) (*T, error), country func(*T) string) *T {
	if currentUser(r) == nil {
		s.allow(w, r, a, res, "")
		return nil
	}
	rec, err := get(r.Context(), r.PathValue("id"))
	if err != nil {
		s.failErr(w, r, err)
		return nil
	}
	if !s.allow(w, r, a, res, country(rec)) {
		return nil
	}
	return rec
}

func sourceCountry(s *observatory.Source) string { return s.Country }
func actorCountry(a *observatory.Actor) string   { return a.Country }

// userName is who a change is recorded as made by.
func userName(r *http.Request) string {
	if u := currentUser(r); u != nil {
		return u.Name
	}
	return ""
}
