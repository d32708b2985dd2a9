package observatory_test

import (
	"errors"
	"fmt"
	"testing"

	"observatory"
)

// TestPolicyMatrix checks the permission matrix cell by cell: every role
// (and an anonymous reader), every resource, every action, on a resource
// of the user's own country and of another one. The table is the README's
// matrix; a change to either must change the other.
func TestPolicyMatrix(t *testing.T) {
	const (
		no    = ""
		r     = "r"    // read
		rw    = "rced" // read, create, edit, delete
		rOwn  = "r+own"
		own   = "own"      // rced on own countries only, nothing elsewhere
		rEdit = "r+edit"   // read and edit (correct tags)
		rNote = "r+notes"  // read, create, edit, delete
		pub   = "public-r" // anonymous readers may read
	)
	// resource → role → rights. "own" rights mean: all four actions on
	// the coordinator's countries; read everywhere when the cell says r+own.
	matrix := map[observatory.Resource]map[string]string{
		observatory.ResSource:        {"anon": pub, "analyst": r, "coordinator": rOwn, "admin": rw},
		observatory.ResActor:         {"anon": pub, "analyst": r, "coordinator": rOwn, "admin": rw},
		observatory.ResActorContact:  {"anon": no, "analyst": r, "coordinator": rOwn, "admin": rw},
		observatory.ResDocument:      {"anon": pub, "analyst": r, "coordinator": rOwn, "admin": rw},
		observatory.ResArticle:       {"anon": pub, "analyst": r, "coordinator": r, "admin": rw},
		observatory.ResArticleText:   {"anon": no, "analyst": r, "coordinator": r, "admin": rw},
		observatory.ResTag:           {"anon": pub, "analyst": rEdit, "coordinator": r, "admin": rw},
		observatory.ResNote:          {"anon": no, "analyst": rNote, "coordinator": r, "admin": rw},
		observatory.ResLexicon:       {"anon": pub, "analyst": r, "coordinator": r, "admin": rw},
		observatory.ResDigest:        {"anon": pub, "analyst": r, "coordinator": r, "admin": rw},
		observatory.ResUser:          {"anon": no, "analyst": no, "coordinator": no, "admin": rw},
		observatory.ResExportContact: {"anon": no, "analyst": no, "coordinator": own, "admin": rw},
		observatory.ResHistory:       {"anon": no, "analyst": r, "coordinator": r, "admin": rw},
	}
	users := map[string]*observatory.User{
		"anon":        nil,
		"analyst":     {Name: "an", Role: observatory.RoleAnalyst},
		"coordinator": {Name: "co", Role: observatory.RoleCoordinator, Countries: []string{"CR"}},
		"admin":       {Name: "ad", Role: observatory.RoleAdmin},
	}
	want := func(cell string, a observatory.Action, ownCountry bool) bool {
		switch cell {
		case pub, r:
			return a == observatory.Read
		case rw, rNote:
			return true
		case rOwn:
			return a == observatory.Read || ownCountry
		case own:
			return ownCountry
		case rEdit:
			return a == observatory.Read || a == observatory.Edit
		}
		return false
	}
	if len(matrix) != len(observatory.Resources()) {
		t.Fatalf("matrix covers %d resources, the policy knows %d", len(matrix), len(observatory.Resources()))
	}
	for _, private := range []bool{false, true} {
		p := observatory.Policy{Private: private}
		for _, res := range observatory.Resources() {
			for role, u := range users {
				cell := matrix[res][role]
				for _, a := range observatory.Actions() {
					for _, country := range []string{"CR", "NI"} {
						name := fmt.Sprintf("private=%v/%s/%s/%s/%s", private, res, role, a, country)
						ok := want(cell, a, country == "CR")
						if u == nil && private {
							ok = false
						}
						err := p.Check(u, a, res, country)
						if got := err == nil; got != ok {
							t.Errorf("%s: allowed %v, want %v", name, got, ok)
						}
						if err != nil && u == nil && !errors.Is(err, observatory.ErrUnauthorized) {
							t.Errorf("%s: anonymous refusal %v, want ErrUnauthorized", name, err)
						}
						if err != nil && u != nil && !errors.Is(err, observatory.ErrForbidden) {
							t.Errorf("%s: refusal %v, want ErrForbidden", name, err)
						}
					}
				}
			}
		}
	}
	// A disabled user is treated as anonymous.
	dis := &observatory.User{Name: "x", Role: observatory.RoleAdmin, Disabled: true}
	if err := (observatory.Policy{}).Check(dis, observatory.Edit, observatory.ResUser, ""); !errors.Is(err, observatory.ErrUnauthorized) {
		t.Errorf("disabled admin editing users: got %v, want ErrUnauthorized", err)
	}
}
