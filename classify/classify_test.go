package classify

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"observatory"
)

func newDefault(t testing.TB) *Classifier {
	t.Helper()
	c, err := New(Config{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// newOnly builds a classifier from the given lexicon files alone (no
// embedded lexicon), for rule-level tests.
func newOnly(t testing.TB, files map[string]string) *Classifier {
	t.Helper()
	m := map[string][]byte{}
	for k, v := range files {
		m[k] = []byte(v)
	}
	st, err := buildState(m)
	if err != nil {
		t.Fatalf("buildState: %v", err)
	}
	c := &Classifier{maxEvi: maxEvidence}
	c.pool.New = func() any { return new(scratch) }
	c.state.Store(st)
	return c
}

func readFixture(t testing.TB, name string) (title, body string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	title, body, _ = strings.Cut(string(b), "\n")
	return title, body
}

func tagsOf(c observatory.Classification) []string {
	var out []string
	for _, t := range c.Tags {
		out = append(out, t.Tag)
	}
	return out
}

// The three pages of the end-to-end fake outlet (cmd/observatory/testdata/outlet),
// as plain text.
func TestFixtures(t *testing.T) {
	c := newDefault(t)
	tests := []struct {
		file    string
		want    []string
		subtags []string
	}{
		{"mujeres-migrantes-cafe.txt", []string{"migration", "gender"}, []string{SubtagFemaleMigration, "migrant-workers"}},
		{"banda-venezolanos-asaltos.txt", []string{"migration", "xenophobia"}, []string{"crime-framing", "illegal-label", "dehumanising", "burden-framing"}},
		{"clasico-saprissa-alajuelense.txt", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			title, body := readFixture(t, tt.file)
			got := c.Classify(title, body)
			if !slices.Equal(tagsOf(got), tt.want) {
				t.Errorf("tags = %v, want %v", tagsOf(got), tt.want)
			}
			var subs []string
			for _, tr := range got.Tags {
				subs = append(subs, tr.Subtags...)
				if len(tr.Explanation) == 0 {
					t.Errorf("tag %s has no explanation", tr.Tag)
				}
			}
			for _, s := range tt.subtags {
				if !slices.Contains(subs, s) {
					t.Errorf("sub-tags = %v, want %s among them", subs, s)
				}
			}
			if got.LexiconVersion != c.Version() || got.LexiconVersion == "" {
				t.Errorf("lexicon version = %q, want %q", got.LexiconVersion, c.Version())
			}
		})
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"MIGRACIÓN", "migracion"},
		{"Nicaragüenses", "nicaraguenses"},
		{"nicaraguenses", "nicaraguenses"},
		{"NIÑEZ", "niñez"},
		{"año", "año"},
		{"ANO", "ano"},
		{"an\u0303o", "año"},             // decomposed ñ
		{"migracio\u0301n", "migracion"}, // decomposed ó
		{"«¿Migrantes?»", "migrantes"},
		{"anti-inmigrante", "anti inmigrante"},
		{"mi\u00ADgrante", "migrante"}, // soft hyphen
		{"Ærø ŒUVRE straße", "aero oeuvre strasse"},
		{"Ελλάδα", "ελλαδα"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := Fold(Fold(tt.in)); got != Fold(tt.in) {
			t.Errorf("Fold not idempotent on %q: %q", tt.in, got)
		}
	}
}

// The scanner folds in a single pass with tables; it must agree with the
// reference tokenizer on what is a word.
func TestScannerAgreesWithTokenizer(t *testing.T) {
	c := newOnly(t, map[string]string{"migration.es.txt": "año = 3\nmigrante~ = 3\nniñez = 3\nnicaragüense~ = 3\n"})
	tests := []struct {
		text string
		want int // matches
	}{
		{"El año pasado", 1},
		{"El ano pasado", 0},
		{"El AÑO pasado", 1},
		{"El an\u0303o pasado", 1},
		{"MIGRANTES y Migrante", 2},
		{"la ninez migrante", 1},
		{"la NIÑEZ", 1},
		{"los NICARAGUENSES y las nicaragüenses", 2},
		{"inmigrantes", 0},
		{"migrantesX", 0},
	}
	for _, tt := range tests {
		r := c.Analyze("", tt.text)
		ts, _ := r.Tag("migration")
		if got := len(ts.Explanation); got != tt.want {
			t.Errorf("%q: %d matches, want %d (%+v)", tt.text, got, tt.want, ts.Explanation)
		}
	}
}

func TestInflection(t *testing.T) {
	tests := []struct {
		word, lang string
		want       []string
	}{
		{"migrante", "es", []string{"migrante", "migrantes"}},
		{"extranjero", "es", []string{"extranjero", "extranjera", "extranjeros", "extranjeras"}},
		{"nicaraguense", "es", []string{"nicaraguense", "nicaraguenses"}},
		{"mujer", "es", []string{"mujer", "mujeres"}},
		{"nacion", "es", []string{"nacion", "naciones"}},
		{"trabajador", "es", []string{"trabajador", "trabajadora", "trabajadores", "trabajadoras"}},
		{"niñez", "es", []string{"niñez", "niñeces"}},
		{"refugee", "en", []string{"refugee", "refugees"}},
		{"family", "en", []string{"family", "families"}},
		{"migrant", "fr", []string{"migrant", "migrants", "migrante", "migrantes"}},
		{"refugie", "fr", []string{"refugie", "refugies", "refugiee", "refugiees"}}, // réfugié, folded
	}
	for _, tt := range tests {
		got := inflect(tt.word, tt.lang)
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("inflect(%q, %s) = %v, want %q among them", tt.word, tt.lang, got, w)
			}
		}
	}
	c := newDefault(t)
	for _, text := range []string{
		"Llegan más migrantes a la frontera sur y crece la migración irregular.",
		"Una migrante venezolana y otros inmigrantes llegaron; la migración sigue.",
		"EXTRANJERAS y extranjeros: la INMIGRACIÓN en cifras, dice Migración.",
		"Los nicaraguenses, nicaragüenses al fin, migran: la migracion continua.",
	} {
		if r := c.Analyze("", text); !slices.Contains(r.Assigned(), "migration") {
			t.Errorf("%q: tags %v, want migration", text, r.Assigned())
		}
	}
}

func TestProximityAndCooccurrence(t *testing.T) {
	c := newOnly(t, map[string]string{"xenophobia.es.txt": `
@threshold 1
[dehumanising]
avalancha NEAR/3 migrante~ = 2
[crime-framing]
venezolano~ SENT robo~ = 2
[hostility]
{expulsar a los} BEFORE/2 haitiano~ = 2
[slurs]
inmigrante~ AFTER/2 malditos = 2
`})
	tests := []struct {
		text string
		want []string
	}{
		{"una avalancha de migrantes", []string{"dehumanising"}},
		{"migrantes en una avalancha", []string{"dehumanising"}},
		{"una avalancha de nieve cayó sobre los pocos migrantes", nil},
		{"Dos venezolanos cometieron el robo.", []string{"crime-framing"}},
		{"Dos venezolanos llegaron. Hubo un robo en la zona.", nil},
		{"Dos venezolanos llegaron\nHubo un robo", nil},
		{"piden expulsar a los haitianos", []string{"hostility"}},
		{"los haitianos piden expulsar a los", nil},
		{"esos malditos inmigrantes", []string{"slurs"}},
		{"los inmigrantes malditos", nil},
	}
	for _, tt := range tests {
		r := c.Analyze("", tt.text)
		ts, _ := r.Tag("xenophobia")
		var got []string
		for _, s := range ts.Subtags {
			got = append(got, s.ID)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%q: sub-tags %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestExclusions(t *testing.T) {
	c := newDefault(t)
	tests := []struct {
		title, body string
		notTag      string
	}{
		{"La migración de las ballenas jorobadas llega a Osa", "Cada año, la migración de las ballenas jorobadas atrae turistas. Las ballenas migran desde la Antártida.", "migration"},
		{"Aves migratorias vuelven al humedal", "Las aves migratorias llegan en octubre al humedal.", "migration"},
		{"Banco completa la migración de datos a la nube", "La migración de datos de los clientes a la nube terminó el lunes.", "migration"},
		{"Cómo aliviar la migraña", "La migraña afecta a millones de personas; la migraña crónica requiere tratamiento.", "migration"},
		{"Llega remesa de vacunas", "El país recibió una nueva remesa de vacunas contra la influenza y otra remesa de insumos.", "migration"},
		{"Hogar de ancianos", "El asilo de ancianos de la ciudad recibió donaciones. El asilo de ancianos atiende a 40 personas.", "migration"},
		{"Caravana navideña recorre la ciudad", "La caravana navideña recorrerá la avenida central con carrozas.", "migration"},
		{"Ministerio lanza campaña contra la violencia de género", "La violencia de género y la discriminación de género son el foco de la campaña.", "xenophobia"},
		{"Desalojan invasión de tierras en Cartagena", "La Policía desalojó una invasión de tierras en la zona norte; los invasores de tierras se resistieron.", "xenophobia"},
		// "generó" folds to "genero": not gender.
		{"El video generó polémica", "La publicación generó miles de comentarios y generó un debate.", "gender"},
		// "se trata de" is the verb tratar, not trafficking.
		{"Cooperativa de tejedoras", "Se trata de mujeres que tejen desde niñas. Se trata de personas mayores.", "migration"},
		// One sense per text: the other "migración" of a data-migration story.
		{"Banco suspende servicios", "El banco inicia la migración de datos a la nube. La Superintendencia supervisará la migración. La migración terminará el lunes.", "migration"},
		{"Hogar pide ayuda", "El asilo de ancianos necesita un techo. El asilo atiende a 40 personas y el asilo recibe donaciones.", "migration"},
		// A migrant after "matan a" is the victim of the crime.
		{"Asesinan a migrante guatemalteco en Tamaulipas", "Hombres armados asesinaron a dos migrantes hondureños que esperaban el tren.", "xenophobia"},
		// A demonym beside a player or in a signing is sport.
		{"Saprissa ficha al volante venezolano", "El club confirmó el fichaje del venezolano, que llega como refuerzo para el torneo.", "migration"},
		// Trafficking in a list of crimes, and a foreign official, are passing mentions.
		{"Fiscales de Paraguay y Colombia firman acuerdo", "Ambas fiscalías cooperarán contra el narcotráfico, la trata de personas, el tráfico de migrantes y el lavado de dinero. La autoridad extranjera elogió la cooperación judicial.", "migration"},
		{"Ministers meet in Panama", "They agreed to fight drug trafficking, human trafficking, money laundering and terrorism.", "migration"},
		// Racism at home is not xenophobia; a migrant victim of trafficking is not framed as a criminal.
		{"Sancionan a club por gritos racistas contra su defensor", "La liga sancionó al club por los cánticos racistas contra el defensor. El club rechazó cualquier manifestación de racismo.", "xenophobia"},
		{"Juicio por trata en Colón", "El juzgado abrió juicio contra tres personas acusadas de trata en perjuicio de siete mujeres colombianas.", "xenophobia"},
		// Crimes as risks migrants run; domestic racial discrimination; parents said inclusively;
		// sexual violence named among a route's risks.
		{"Más de 220.000 migrantes han cruzado el Darién en lo que va de año", "Los migrantes se exponen a riesgos como asaltos y extorsión por parte de grupos criminales.", "xenophobia"},
		{"Denuncian discriminación racial en discoteca", "Estudiantes afrocolombianos denunciaron discriminación racial en una discoteca de Cartagena.", "xenophobia"},
		{"Retornan a 74 niños no acompañados", "La DINAF pidió a padres y madres de familia no exponer a sus hijos. Los niños enfrentan accidentes, extorsión y violencia sexual en la ruta.", "gender"},
	}
	for _, tt := range tests {
		r := c.Analyze(tt.title, tt.body)
		if slices.Contains(r.Assigned(), tt.notTag) {
			ts, _ := r.Tag(tt.notTag)
			t.Errorf("%q: tagged %s (score %v: %+v), want not", tt.title, tt.notTag, ts.Score, ts.Explanation)
		}
	}
}

func TestSubtagCap(t *testing.T) {
	lex := map[string]string{"xenophobia.es.txt": `
@threshold 3
@subtag-cap threat-framing 2
[threat-framing]
efecto llamada = 2
pateras = 2
integración = -1
[illegal-label]
ilegales = 2
`}
	c := newOnly(t, lex)
	tests := []struct {
		text     string
		score    float64
		threat   float64
		assigned bool
	}{
		{"El efecto llamada y las pateras.", 2, 4, false},            // capped: threat alone never decides
		{"El efecto llamada y las pateras de ilegales.", 4, 4, true}, // it corroborates another signal
		{"La integración de los ilegales.", 2, -1, false},            // a negative sub-tag takes nothing away
	}
	for _, tt := range tests {
		ts, _ := c.Analyze("", tt.text).Tag("xenophobia")
		var threat float64
		for _, s := range ts.Subtags {
			if s.ID == "threat-framing" {
				threat = s.Score
			}
		}
		if ts.Score != tt.score || threat != tt.threat || ts.Assigned != tt.assigned {
			t.Errorf("%q: score %v, threat %v, assigned %v; want %v, %v, %v", tt.text, ts.Score, threat, ts.Assigned, tt.score, tt.threat, tt.assigned)
		}
	}
}

func TestLoneMention(t *testing.T) {
	c := newOnly(t, map[string]string{"migration.es.txt": "@threshold 3\n@lone-mention-words 20\nmigrante~ = 3\nrefugiado~ = 3\n"})
	long := strings.Repeat("El presidente habló de economía y de obras. ", 5)
	tests := []assignCase{
		{"short body, one mention", "", "Llegan migrantes a la frontera.", true},
		{"long body, one mention", "", long + "También mencionó a los migrantes.", false},
		{"long body, two entries in one sentence", "", long + "Mencionó a los migrantes y a los refugiados.", false},
		{"long body, two entries in two sentences", "", long + "Mencionó a los migrantes. Habló de los refugiados.", true},
		{"long body, the entry twice", "", long + "Mencionó a los migrantes. Los migrantes esperan.", true},
		{"long body, title match", "Migrantes en la agenda", long + "También mencionó a los migrantes.", true},
	}
	checkAssigned(t, c, "migration", tests)
}

func TestLoneTitle(t *testing.T) {
	c := newOnly(t, map[string]string{"migration.es.txt": "@threshold 3\n@lone-title-words 20\nexilio = 3\nexiliado~ = 3\n"})
	long := strings.Repeat("El poeta publicó once libros y dio clases de literatura. ", 4)
	tests := []assignCase{
		{"long body, title alone", "Muere el poeta que escribió desde el exilio", long, false},
		{"long body, title and body", "Muere el poeta que escribió desde el exilio", long + "Vivió treinta años exiliado en México.", true},
		{"short body, title alone", "Muere el poeta que escribió desde el exilio", "Tenía 91 años.", true},
		{"title only, no body", "Exilio", "", true},
	}
	checkAssigned(t, c, "migration", tests)
}

func TestPassingMention(t *testing.T) {
	c := newOnly(t, map[string]string{"gender.es.txt": "@threshold 3\n@lone-mention-words 20\n@passing-mention 2 6\nmujer~ = 2\nfeminicidio~ = 3\n"})
	long := strings.Repeat("El presidente habló de economía y de obras. ", 5)
	tests := []assignCase{
		{"two sentences, score 5", "", long + "Apoyará a las mujeres. Habló del feminicidio.", false},
		{"two sentences, score 6", "", long + "Apoyará a las mujeres y las mujeres. Habló del feminicidio.", true},
		{"three sentences", "", long + "Apoyará a las mujeres. Habló del feminicidio. Las mujeres marcharon.", true},
		{"a title match", "Mujeres", long + "Habló del feminicidio.", true},
		{"short body", "", "Apoyará a las mujeres. Habló del feminicidio.", true},
	}
	checkAssigned(t, c, "gender", tests)
}

func TestTextScopeExclusion(t *testing.T) {
	lex := func(not string) map[string]string {
		return map[string]string{"migration.es.txt": "@threshold 3\n[remittances]\nremesa~ = 3\n" + not + " remesa~ SENT {vacuna~, dosis}\n"}
	}
	body := "La remesa llegó el lunes. Llegó una remesa de vacunas. La remesa se repartirá."
	tests := []struct {
		not  string
		want float64
	}{
		{"NOT", 3 + 1.5},     // the other two count, with decay
		{"NOT TEXT", 0},      // none counts: one sense per text
		{"EXCEPTO TEXTO", 0}, // the Spanish keywords
	}
	for _, tt := range tests {
		c := newOnly(t, lex(tt.not))
		ts, _ := c.Analyze("", body).Tag("migration")
		if ts.Score != tt.want {
			t.Errorf("%s: score = %v, want %v", tt.not, ts.Score, tt.want)
		}
		// A text-scope exclusion that fires in the body covers the title,
		// and one that fires in the title covers the body.
		ts, _ = c.Analyze("Nueva remesa", body).Tag("migration")
		if tt.want == 0 && ts.Score != 0 {
			t.Errorf("%s: title still scores %v", tt.not, ts.Score)
		}
		ts, _ = c.Analyze("Llega una remesa de vacunas", "La remesa llegó el lunes.").Tag("migration")
		if tt.want == 0 && ts.Score != 0 {
			t.Errorf("%s: body still scores %v", tt.not, ts.Score)
		}
	}
}

func TestDatelineExclusion(t *testing.T) {
	c := newOnly(t, map[string]string{
		"lists.es.txt":     "$fechado_sv = El Salvador, San Salvador, Soyapango\n",
		"migration.es.txt": "@threshold 3\nsalvadoreño~ SENT {condenado~, robo} = 2\nmigrante~ = 3\nNOT salvadoreño~ FECHADO $fechado_sv\n",
	})
	tests := []struct {
		name, title, body string
		want              float64
	}{
		{"wire dateline: locals", "Liberan a salvadoreña condenada", "SAN SALVADOR, 12 may (EFE).- Una salvadoreña condenada fue liberada.", 0},
		{"agency after the place", "", "San Salvador (AFP) - Un salvadoreño condenado por robo.", 0},
		{"local dateline, two words", "", "SOYAPANGO. Un salvadoreño condenado. Llegan migrantes.", 3},
		{"no dateline", "Liberan a salvadoreña condenada", "Una salvadoreña condenada en Texas fue liberada.", 2*2 + 2*0.5}, // the repeat decays
		{"place later in the text", "", "En Houston, un salvadoreño condenado. Viajó desde San Salvador.", 2},
		{"another country's dateline", "", "TEGUCIGALPA. Un salvadoreño condenado por robo.", 2},
		{"other words still count", "", "SAN SALVADOR. Un salvadoreño condenado y los migrantes.", 3},
	}
	for _, tt := range tests {
		ts, _ := c.Analyze(tt.title, tt.body).Tag("migration")
		if ts.Score != tt.want {
			t.Errorf("%s: score %v, want %v", tt.name, ts.Score, tt.want)
		}
	}
}

func TestPageNoise(t *testing.T) {
	tests := []struct {
		name, text string
		noise      []string
	}{
		{"related list", "El partido terminó 2-1.\n\nLo más leído\n1. Deportan a 40 hondureños\n2. Sube el precio del café\n\nFin del artículo.",
			[]string{"Lo más leído", "1. Deportan a 40 hondureños", "2. Sube el precio del café"}},
		{"marker with colon", "Texto del artículo.\nLea también: Migración deporta a 40 personas\nOtro párrafo con punto final.",
			[]string{"Lea también: Migración deporta a 40 personas"}},
		{"nav line", "Texto.\nEconomía | Migración | Costa Rica\n", []string{"Economía | Migración | Costa Rica"}},
		{"teaser", "Texto.\nBoric por expulsión de extranjeros: \"No es nuestra política\" Leer más\nFin.", []string{"Boric por expulsión de extranjeros: \"No es nuestra política\" Leer más"}},
		{"section list", "Texto.\nMás de Sucesos:\nCapturan a tres venezolanos\nChoque en la autopista\n",
			[]string{"Más de Sucesos:", "Capturan a tres venezolanos", "Choque en la autopista"}},
		{"inline capitals", "El hombre fue detenido MIRA: Madre termina detenida. La Policía informó más tarde.",
			[]string{"MIRA: Madre termina detenida."}},
		{"joined related list", "El partido terminó 2-1 y el técnico habló. Noticias relacionadas Migración deporta a 40 personas en la zona norte",
			[]string{"Noticias relacionadas Migración deporta a 40 personas en la zona norte"}},
		{"ordinary words", "Mira: dijo el ministro. Los temas de la reunión fueron la migración y el empleo.\nLea el informe completo en la web.", nil},
		{"prose after a list", "Noticias relacionadas\nUna historia sin punto\nEste es un párrafo largo del artículo que termina con punto.", []string{"Noticias relacionadas", "Una historia sin punto"}},
		{"capitals and a colon", "Texto.\nADEMÁS: Deportan a 300 hondureños desde Texas\nFin del texto.", []string{"ADEMÁS: Deportan a 300 hondureños desde Texas"}},
		{"suggested reading", "Texto.\nTe sugerimos: Caravana de migrantes sale de Tapachula\nFin.", []string{"Te sugerimos: Caravana de migrantes sale de Tapachula"}},
		{"ordinary además", "Además: el Gobierno anunció una ley de migración que entrará en vigor en enero.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, sp := range pageNoise(tt.text, nil) {
				got = append(got, tt.text[sp.start:sp.end])
			}
			if !slices.Equal(got, tt.noise) {
				t.Errorf("noise = %q, want %q", got, tt.noise)
			}
		})
	}
}

// Matches in page furniture do not count, whether the extractor kept the
// line breaks or joined the paragraphs.
func TestPageNoiseDoesNotCount(t *testing.T) {
	c := newDefault(t)
	body := "El Saprissa venció 2-1 al Herediano con goles en el segundo tiempo.\n\nLo más leído\n1. Deportan a 40 migrantes nicaragüenses\n2. Aumentan las solicitudes de refugio\n"
	for _, b := range []string{body, strings.Join(strings.Fields(body), " ")} {
		if got := c.Analyze("Saprissa gana el clásico", b).Assigned(); slices.Contains(got, "migration") {
			t.Errorf("%q: tags %v, want no migration", b, got)
		}
	}
	// The same headline as the article's own text counts.
	if got := c.Analyze("Deportan a 40 migrantes nicaragüenses", "Deportan a 40 migrantes nicaragüenses desde Texas.").Assigned(); !slices.Contains(got, "migration") {
		t.Errorf("tags %v, want migration", got)
	}
}

func TestExplanation(t *testing.T) {
	c := newOnly(t, map[string]string{"migration.es.txt": "[refugees]\nrefugiado~ = 3\n[migration]\nmigrante~ = 2\n"})
	title := "Refugiados en la frontera"
	body := "Primera oración sin nada.  Los  migrantes\nesperan. Otra oración con refugiadas al final."
	r := c.Analyze(title, body)
	ts, _ := r.Tag("migration")
	want := []observatory.Evidence{
		{Term: "refugiado", Sentence: "Refugiados en la frontera", Field: "title", Position: 0, Subtag: "refugees"},
		{Term: "migrante", Sentence: "Los migrantes esperan.", Field: "body", Position: strings.Index(body, "migrantes")},
		{Term: "refugiado", Sentence: "Otra oración con refugiadas al final.", Field: "body", Position: strings.Index(body, "refugiadas"), Subtag: "refugees"},
	}
	if len(ts.Explanation) != len(want) {
		t.Fatalf("explanation has %d items, want %d: %+v", len(ts.Explanation), len(want), ts.Explanation)
	}
	for i, w := range want {
		if got := ts.Explanation[i].Evidence; got != w {
			t.Errorf("evidence %d = %+v, want %+v", i, got, w)
		}
	}
	// Title counts twice (title weight 2), repeats decay by half.
	if want := 3*2 + 2 + 3*0.5; ts.Score != want {
		t.Errorf("score = %v, want %v", ts.Score, want)
	}
	if ts.Explanation[0].Matched != "Refugiados" || ts.Explanation[0].Rule != "migration.es.txt:2" {
		t.Errorf("first evidence matched %q at %s, want Refugiados at migration.es.txt:2", ts.Explanation[0].Matched, ts.Explanation[0].Rule)
	}
}

func TestLongestMatchWins(t *testing.T) {
	c := newOnly(t, map[string]string{"migration.es.txt": "migrante~ = 1\ntrabajador~ migrante~ = 3\nmigra* = 1\n"})
	r := c.Analyze("", "Los trabajadores migrantes.")
	ts, _ := r.Tag("migration")
	if len(ts.Explanation) != 1 || ts.Explanation[0].Term != "trabajador migrante" {
		t.Errorf("explanation = %+v, want only the phrase", ts.Explanation)
	}
}

func TestLexiconErrors(t *testing.T) {
	tests := []struct {
		name, file, content, want string
	}{
		{"bad weight", "migration.es.txt", "migrante~ = 3\nrefugiado~ = tres\n", "migration.es.txt:2: weight \"tres\" is not a number"},
		{"unknown subtag", "gender.es.txt", "# c\n\n[refugiadas]\n", "gender.es.txt:3: unknown sub-tag \"refugiadas\""},
		{"undefined list", "xenophobia.es.txt", "$nope SENT robo = 2\n", "xenophobia.es.txt:1: list $nope is not defined"},
		{"short prefix", "migration.es.txt", "mi* = 1\n", "migration.es.txt:1: \"mi*\": prefix \"mi*\" is too short"},
		{"bad near", "migration.es.txt", "a NEAR/x b\n", "migration.es.txt:1: NEAR/x: the distance must be"},
		{"after without distance", "migration.es.txt", "a AFTER b\n", "migration.es.txt:1: AFTER needs a distance"},
		{"two operators", "migration.es.txt", "a BEFORE/2 b SENT c\n", "migration.es.txt:1: only one operator per line"},
		{"cap of an unknown sub-tag", "xenophobia.es.txt", "@subtag-cap refugees 2\n", "xenophobia.es.txt:1: unknown sub-tag \"refugees\" for xenophobia"},
		{"cap twice", "xenophobia.es.txt", "@subtag-cap slurs 2\n@subtag-cap slurs 1\n", "xenophobia.es.txt:2: @subtag-cap slurs for xenophobia already set"},
		{"one-sided", "migration.es.txt", "SENT robo\n", "migration.es.txt:1: SENT needs something on each side"},
		{"unknown setting", "migration.es.txt", "@umbral 3\n", "migration.es.txt:1: unknown setting @umbral"},
		{"bad file name", "migracion.txt", "", "migracion.txt: file name must be TAG.LANG.txt"},
		{"unknown tag", "sports.es.txt", "", "sports.es.txt: unknown tag \"sports\""},
		{"invalid utf8", "migration.es.txt", "ok\nmigraci\xf3n\n", "migration.es.txt:2: not valid UTF-8"},
		{"list cycle", "lists.es.txt", "$a = $b\n$b = $a\n", "list $a contains itself"},
		{"weight on exclusion", "migration.es.txt", "NOT ave~ = 2\n", "migration.es.txt:1: an exclusion has no weight"},
		{"passing mention, one number", "gender.es.txt", "@passing-mention 2\n", "gender.es.txt:1: @passing-mention is written @passing-mention SENTENCES SCORE"},
		{"passing mention twice", "gender.es.txt", "@passing-mention 2 5\n@passing-mention 3 5\n", "gender.es.txt:2: @passing-mention for gender already set"},
		{"passing mention, bad score", "gender.es.txt", "@passing-mention 2 -1\n", "gender.es.txt:1: @passing-mention: score \"-1\""},
		{"lone title, not whole", "migration.es.txt", "@lone-title-words 1.5\n", "migration.es.txt:1: @lone-title-words must be a whole number"},
		{"dateline not an exclusion", "migration.es.txt", "haitiano~ DATELINE {Haití} = 2\n", "migration.es.txt:1: DATELINE is for exclusions"},
		{"dateline one-sided", "migration.es.txt", "NOT haitiano~ FECHADO\n", "migration.es.txt:1: FECHADO needs something on each side"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string][]byte{tt.file: []byte(tt.content)}
			if tt.file == "lists.es.txt" {
				files["migration.es.txt"] = []byte("$a NEAR/2 x = 1\n")
			}
			_, err := buildState(files)
			var le *LexiconError
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want a *LexiconError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestOverrideAndReload(t *testing.T) {
	dir := t.TempDir()
	c, err := New(Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	v0 := c.Version()
	text := "El zorzal cantó toda la mañana."
	if got := c.Classify("", text); len(got.Tags) != 0 {
		t.Fatalf("before override: tags %v, want none", tagsOf(got))
	}
	// An override replaces the embedded file of the same name.
	if err := os.WriteFile(filepath.Join(dir, "gender.es.txt"), []byte("@threshold 1\nzorzal = 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := c.Reload(); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	v1 := c.Version()
	if v1 == v0 {
		t.Errorf("version unchanged after override: %s", v1)
	}
	if got := c.Classify("", text); !slices.Equal(tagsOf(got), []string{"gender"}) {
		t.Errorf("after override: tags %v, want [gender]", tagsOf(got))
	}
	if got := c.Classify("Día Internacional de la Mujer", "feminicidio"); slices.Contains(tagsOf(got), "gender") {
		t.Errorf("embedded gender lexicon still in force after override")
	}
	// A broken override is rejected with file:line and the previous lexicons stay.
	bad := filepath.Join(dir, "gender.es.txt")
	if err := os.WriteFile(bad, []byte("zorzal = 2\n[nope]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err = c.Reload()
	if err == nil || !strings.Contains(err.Error(), bad+":2: unknown sub-tag") {
		t.Errorf("Reload error = %v, want %s:2: unknown sub-tag", err, bad)
	}
	if c.Version() != v1 {
		t.Errorf("version after failed reload = %s, want %s", c.Version(), v1)
	}
	if got := c.Classify("", text); !slices.Equal(tagsOf(got), []string{"gender"}) {
		t.Errorf("after failed reload: tags %v, want [gender]", tagsOf(got))
	}
	// New with a broken override fails, naming the file.
	if _, err := New(Config{Dir: dir}); err == nil || !strings.Contains(err.Error(), "gender.es.txt:2") {
		t.Errorf("New error = %v, want gender.es.txt:2", err)
	}
	// Removing the override restores the embedded lexicon and its version.
	if err := os.Remove(bad); err != nil {
		t.Fatal(err)
	}
	if err := c.Reload(); err != nil {
		t.Fatal(err)
	}
	if c.Version() != v0 {
		t.Errorf("version = %s, want the embedded %s", c.Version(), v0)
	}
}

func TestConcurrentClassifyAndReload(t *testing.T) {
	c := newDefault(t)
	title, body := readFixture(t, "banda-venezolanos-asaltos.txt")
	want := tagsOf(c.Classify(title, body))
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if got := tagsOf(c.Classify(title, body)); !slices.Equal(got, want) {
					errs <- strings.Join(got, ",")
				}
			}
		})
	}
	wg.Go(func() {
		for range 5 {
			if err := c.Reload(); err != nil {
				errs <- err.Error()
			}
		}
	})
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("concurrent classify: %s", e)
	}
}

func TestTaxonomy(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Taxonomy() {
		if seen[c.ID] {
			t.Errorf("duplicate id %s", c.ID)
		}
		seen[c.ID] = true
		if c.LabelES == "" || c.LabelEN == "" {
			t.Errorf("%s: missing label", c.ID)
		}
		if c.Parent != "" && !slices.Contains(observatory.Tags(), c.Parent) {
			t.Errorf("%s: parent %s is not a top-level tag", c.ID, c.Parent)
		}
	}
	for _, tag := range observatory.Tags() {
		if !seen[tag] {
			t.Errorf("top-level tag %s missing", tag)
		}
	}
	if c, ok := LookupCategory(SubtagFemaleMigration); !ok || c.Parent != observatory.TagGender {
		t.Errorf("female-migration = %+v, want a sub-tag of gender", c)
	}
}

func TestSentenceSplitting(t *testing.T) {
	c := newOnly(t, map[string]string{"xenophobia.es.txt": "@threshold 1\nvenezolano~ SENT robo = 2\n"})
	tests := []struct {
		text string
		want bool // one sentence holds both words
	}{
		{"Dos venezolanos fueron detenidos a las 3 a. m. por el robo.", true},
		{"Dos venezolanos deportados desde EE. UU. Robo de datos en el banco.", false},
		{"Dos venezolanos llegaron desde EE. UU. por el robo.", true},
		{"El Sr. Pérez, venezolano, denunció el robo.", true},
		{"José R. Rondón, venezolano, cometió el robo.", true},
		{"Vive en la Col. Kennedy un venezolano acusado de robo.", true},
		{"Llegó un venezolano. Robo en el centro.", false},
		{"Llegó un venezolano.\n\nRobo en el centro.", false},
		{"Dijo que el venezolano no. Robo en el centro.", false},
		{"Llegó un venezolano a las 8 p. m. Robo en el centro.", false},
	}
	for _, tt := range tests {
		ts, _ := c.Analyze("", tt.text).Tag("xenophobia")
		if got := ts.Score > 0; got != tt.want {
			t.Errorf("%q: one sentence %v, want %v", tt.text, got, tt.want)
		}
	}
}

// A trafficking story that also lists other crimes stays a migration story:
// the crime-list exclusion covers only the mentions inside the list.
func TestCrimeListKeepsTraffickingStories(t *testing.T) {
	c := newDefault(t)
	r := c.Analyze("Desarticulan red de trata que captaba a migrantes venezolanas",
		"La Fiscalía desarticuló una red de trata de personas que captaba a mujeres migrantes con falsas ofertas de empleo. "+
			"Las víctimas de trata eran trasladadas a bares de la frontera. Según la acusación, la banda se dedicaba también al narcotráfico y al lavado de dinero.")
	if !slices.Contains(r.Assigned(), "migration") {
		ts, _ := r.Tag("migration")
		t.Errorf("a trafficking story was not tagged migration (score %v: %+v)", ts.Score, ts.Explanation)
	}
}

// Racism against migrants, and migrants called a health threat, are
// xenophobia.
func TestXenophobiaRacismAndHealthThreat(t *testing.T) {
	c := newDefault(t)
	for _, tt := range []struct{ title, body string }{
		{"Denuncian racismo contra migrantes haitianos en hospitales", "Organizaciones denunciaron racismo contra migrantes haitianos en los hospitales públicos."},
		{"Alcalde dice que los migrantes son una bomba sanitaria", "El alcalde pidió trasladar a los migrantes que duermen en el parque."},
		{"La invasión silenciosa", "Ningún país puede absorber a cientos de miles de ilegales sin consecuencias."},
		{"\"Los venezolanos nos quitaron el trabajo\"", "El desempleo en Cúcuta supera el promedio nacional."},
	} {
		if !slices.Contains(c.Analyze(tt.title, tt.body).Assigned(), "xenophobia") {
			ts, _ := c.Analyze(tt.title, tt.body).Tag("xenophobia")
			t.Errorf("%q: not tagged xenophobia (score %v: %+v)", tt.title, ts.Score, ts.Explanation)
		}
	}
}

// "Vienen a delinquir" ties foreigners to crime like any other crime verb.
func TestCrimeFramingDelinquir(t *testing.T) {
	c := newDefault(t)
	ts, _ := c.Analyze("", "Según la Policía, detrás de estos préstamos hay extranjeros que vienen exclusivamente a delinquir.").Tag("xenophobia")
	found := false
	for _, st := range ts.Subtags {
		found = found || st.ID == "crime-framing"
	}
	if !found {
		t.Errorf("no crime-framing sub-tag (score %v: %+v)", ts.Score, ts.Explanation)
	}
}

// assignCase is a text and whether the tag under test should be assigned.
type assignCase struct {
	name, title, body string
	want              bool
}

func checkAssigned(t *testing.T, c *Classifier, tag string, tests []assignCase) {
	t.Helper()
	for _, tt := range tests {
		ts, _ := c.Analyze(tt.title, tt.body).Tag(tag)
		if ts.Assigned != tt.want {
			t.Errorf("%s: assigned %v (score %v), want %v", tt.name, ts.Assigned, ts.Score, tt.want)
		}
	}
}
