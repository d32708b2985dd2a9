package observatory

import "slices"

// Actions a user may be allowed to take.
type Action string

const (
	Read   Action = "read"
	Create Action = "create"
	Edit   Action = "edit"
	Delete Action = "delete"
)

// Actions returns every action, in matrix order.
func Actions() []Action { return []Action{Read, Create, Edit, Delete} }

// Resource kinds the permission matrix covers.
type Resource string

const (
	ResSource        Resource = "sources"        // the media directory
	ResActor         Resource = "actors"         // the actors directory (public fields)
	ResActorContact  Resource = "actor-contacts" // actors' e-mail and phone: personal data
	ResDocument      Resource = "documents"      // the digital library
	ResArticle       Resource = "articles"       // search hits: title, outlet, date, link, fragments, tags and explanations
	ResArticleText   Resource = "article-text"   // the full text of a stored article
	ResTag           Resource = "tags"           // an article's tags (reading them; correcting them)
	ResNote          Resource = "notes"          // analysts' notes and reviews
	ResLexicon       Resource = "lexicons"
	ResDigest        Resource = "digests"
	ResUser          Resource = "users"
	ResExportContact Resource = "contact-exports" // exports that include actors' contact details
	ResHistory       Resource = "history"         // the change history of the directories: who changed what, when
)

// Resources returns every resource, in matrix order.
func Resources() []Resource {
	return []Resource{ResSource, ResActor, ResActorContact, ResDocument, ResArticle, ResArticleText,
		ResTag, ResNote, ResLexicon, ResDigest, ResUser, ResExportContact, ResHistory}
}

// Policy is the permission matrix: the one place that says who may do
// what. Web pages and the API both ask it.
type Policy struct {
	// Private makes everything sign-in only (the serve --private switch).
	Private bool
}

// public lists what anonymous readers may read when the observatory is
// not private: search hits with tags and explanations, the media
// directory, actors without their contacts, the library catalogue,
// digests and the lexicons behind the tags.
var public = []Resource{ResSource, ResActor, ResDocument, ResArticle, ResTag, ResDigest, ResLexicon}

// Check says whether u (nil for an anonymous reader) may take action on a
// resource of the given country ("" for resources without one). It
// returns nil, ErrUnauthorized (sign in first) or ErrForbidden.
func (p Policy) Check(u *User, a Action, r Resource, country string) error {
	if u == nil || u.Disabled {
		if a == Read && !p.Private && slices.Contains(public, r) {
			return nil
		}
		return ErrUnauthorized
	}
	if p.allowed(u, a, r, country) {
		return nil
	}
	return ErrForbidden
}

// Can is Check as a yes or no.
func (p Policy) Can(u *User, a Action, r Resource, country string) bool {
	return p.Check(u, a, r, country) == nil
}

func (p Policy) allowed(u *User, a Action, r Resource, country string) bool {
	if u.Role == RoleAdmin {
		return true
	}
	own := u.Role == RoleCoordinator && country != "" && slices.Contains(u.Countries, country)
	switch r {
	case ResUser:
		return false // admins only; everyone may change their own password elsewhere
	case ResLexicon:
		return a == Read
	case ResExportContact:
		return own // that country's coordinator (and admins)
	case ResSource, ResActor, ResDocument:
		return a == Read || own
	case ResActorContact:
		return a == Read || own
	case ResArticle, ResArticleText, ResDigest, ResHistory:
		return a == Read
	case ResTag:
		return a == Read || (u.Role == RoleAnalyst && a == Edit)
	case ResNote:
		return a == Read || u.Role == RoleAnalyst
	}
	return false
}
