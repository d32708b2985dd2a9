package classify

import "observatory"

// Category is one entry of the taxonomy: a top-level tag or a sub-tag. Ids
// are stable: they are stored on articles, used in lexicon sections and in
// search filters, so they are never renamed.
type Category struct {
	ID      string `json:"id"`
	Parent  string `json:"parent,omitempty"` // "" for a top-level tag
	LabelES string `json:"label_es"`
	LabelEN string `json:"label_en"`
	// Framing is true for the xenophobia sub-tags that mark the press
	// reproducing a xenophobic frame, as opposed to reporting on xenophobia.
	Framing bool `json:"framing,omitempty"`
}

// Sub-tag ids that other packages may want to name.
const (
	SubtagFemaleMigration    = "female-migration"
	SubtagXenophobiaReported = "xenophobia-reported"
)

var taxonomy = []Category{
	{ID: observatory.TagMigration, LabelES: "Migración", LabelEN: "Migration"},
	{ID: "migrant-workers", Parent: observatory.TagMigration, LabelES: "Trabajo migrante y derechos laborales", LabelEN: "Migrant workers and labour rights"},
	{ID: "refugees", Parent: observatory.TagMigration, LabelES: "Refugio y asilo", LabelEN: "Refugees and asylum"},
	{ID: "trafficking", Parent: observatory.TagMigration, LabelES: "Trata y tráfico de personas", LabelEN: "Trafficking and smuggling of persons"},
	{ID: "migrant-children", Parent: observatory.TagMigration, LabelES: "Niñez migrante y no acompañada", LabelEN: "Unaccompanied and migrant children"},
	{ID: "remittances", Parent: observatory.TagMigration, LabelES: "Remesas", LabelEN: "Remittances"},
	{ID: "deportation", Parent: observatory.TagMigration, LabelES: "Deportación y retorno", LabelEN: "Deportation and return"},
	{ID: "borders", Parent: observatory.TagMigration, LabelES: "Fronteras y tránsito", LabelEN: "Borders and transit"},
	{ID: "diaspora", Parent: observatory.TagMigration, LabelES: "Diáspora", LabelEN: "Diaspora"},

	{ID: observatory.TagGender, LabelES: "Género", LabelEN: "Gender"},
	{ID: "women", Parent: observatory.TagGender, LabelES: "Mujeres y niñas", LabelEN: "Women and girls"},
	{ID: "gender-violence", Parent: observatory.TagGender, LabelES: "Violencia de género", LabelEN: "Gender-based violence"},
	{ID: SubtagFemaleMigration, Parent: observatory.TagGender, LabelES: "Migración femenina", LabelEN: "Female migration"},

	{ID: observatory.TagXenophobia, LabelES: "Xenofobia", LabelEN: "Xenophobia"},
	{ID: "dehumanising", Parent: observatory.TagXenophobia, Framing: true, LabelES: "Metáforas deshumanizantes", LabelEN: "Dehumanising metaphors"},
	{ID: "illegal-label", Parent: observatory.TagXenophobia, Framing: true, LabelES: "«Ilegales» dicho de personas", LabelEN: "People called \"illegal\""},
	{ID: "crime-framing", Parent: observatory.TagXenophobia, Framing: true, LabelES: "Nacionalidad o estatus migratorio ligado al delito", LabelEN: "Nationality or migrant status tied to crime"},
	{ID: "burden-framing", Parent: observatory.TagXenophobia, Framing: true, LabelES: "Migrantes como carga o amenaza sanitaria", LabelEN: "Migrants framed as a burden or health threat"},
	{ID: "slurs", Parent: observatory.TagXenophobia, Framing: true, LabelES: "Insultos y gentilicios peyorativos", LabelEN: "Slurs and pejorative demonyms"},
	{ID: "threat-framing", Parent: observatory.TagXenophobia, Framing: true, LabelES: "Migración como amenaza: llegadas masivas, efecto llamada, descontrol", LabelEN: "Migration framed as a threat: mass arrivals, pull factor, loss of control"},
	{ID: "hostility", Parent: observatory.TagXenophobia, Framing: true, LabelES: "Llamados a expulsar o rechazar a migrantes", LabelEN: "Calls to expel or reject migrants"},
	{ID: SubtagXenophobiaReported, Parent: observatory.TagXenophobia, LabelES: "Cobertura de la xenofobia y la discriminación", LabelEN: "Reporting on xenophobia and discrimination"},
}

// Taxonomy returns every tag and sub-tag, parents first, in display order.
func Taxonomy() []Category {
	out := make([]Category, len(taxonomy))
	copy(out, taxonomy)
	return out
}

// LookupCategory returns the tag or sub-tag with the given id.
func LookupCategory(id string) (Category, bool) {
	for _, c := range taxonomy {
		if c.ID == id {
			return c, true
		}
	}
	return Category{}, false
}

func lookupSubtag(id string) (Category, bool) {
	c, ok := LookupCategory(id)
	if !ok || c.Parent == "" {
		return Category{}, false
	}
	return c, true
}

// subtagIDs lists the sub-tags of tag, in taxonomy order. The slice is
// shared: do not modify it.
func subtagIDs(tag string) []string { return subtagsOf[tag] }

var subtagsOf = func() map[string][]string {
	out := make(map[string][]string)
	for _, c := range taxonomy {
		if c.Parent != "" {
			out[c.Parent] = append(out[c.Parent], c.ID)
		}
	}
	return out
}()

func topTags() []string { return observatory.Tags() }
