package corpus

// headWords is a general Spanish news vocabulary, roughly from most to
// least frequent: function words first, then the verbs, nouns and
// adjectives of everyday coverage. Written for this package.
const headWords = `de la que el en y a los se del las un por con no una su para es al lo como más o pero sus le ha me si sin sobre este ya entre cuando todo esta ser son dos también fue había era muy años hasta desde está mi porque qué sólo han yo hay vez puede todos así nos ni parte tiene él uno donde bien tiempo mismo ese ahora cada e vida otro después te otros aunque esa eso hace otra gobierno tan durante siempre día tanto ella tres sí dijo sido gran país según menos mundo año antes estado contra sino forma caso nada hacer general estaba poco estos presidente mayor ante unos les algo hacia casa ellos ayer hecho primera mucho mientras además quien momento millones esto españa hombre están pues hoy lugar madrid nacional trabajo otras mejor nuevo decir algunos entonces todas días debe política cómo casi toda tal luego pasado primer medio va estas sea tenía nunca poder aquí ver veces embargo partido personas grupo cuenta pueden tienen misma nueva cual fueron mujer frente josé tras cosas fin ciudad he social manera tener sistema será historia muchos juan tipo cuatro dentro nuestro punto dice ello cualquier noche aún agua parece haber situación fuera bajo grandes nuestra ejemplo acuerdo habían usted estados hizo nadie países horas posible tarde ley importante guerra desarrollo proceso realidad sentido lado mí tu cambio allí mano eran estar san número sociedad unas centro padre gente final relación cuerpo obra incluso través último madre mis modo problema cinco carlos hombres información ojos muerte nombre algunas público mujeres siglo todavía meses mañana esos nosotros hora muchas pueblo alguna dar problemas don da tú derecho verdad maría unidos podría sería junto cabeza aquel luis cuanto tierra equipo segundo director dicho cierto casos manos nivel podía familia largo partir falta llegar propio ministro cosa primero seguridad hemos mal trata algún tuvo respecto semana varios real sé voz paso señor mil quienes proyecto mercado mayoría luz claro iba éste pesos orden español buena quiere aquella programa palabras internacional van esas segunda empresa puesto ahí propia m libro igual político persona últimos ellas total creo tengo dios c española condiciones méxico fuerza solo único acción amor policía puerta pesar zona sabe calle interior tampoco música ningún vista campo buen hubiera saber obras razón ex niños presencia tema dinero comisión antonio servicio hijo última ciento estoy hablar dio minutos producción camino seis quién fondo dirección papel demás barcelona idea especial diferentes dado base capital ambos europa libertad relaciones espacio medios ir actual población empresas estudio salud servicios haya principio siendo cultura anterior alto media mediante primeros arte paz sector imagen medida deben datos consejo personal interés julio grupos miembros ninguna existe cara edad etc. movimiento visto llegó puntos actividad bueno uso niño difícil joven futuro aquellos mes pronto soy hacía nuevos nuestros estaban posibilidad sigue cerca resultados educación atención gonzález capacidad efecto necesario valor aire investigación siguiente figura central comunidad necesidad serie organización nuevas calidad economía carácter jefe estamos prensa control sociales universidad militar cabo diez fuerzas congreso ésta hijos justicia mundial dólares juego económica políticos duda recursos pública crisis próximo tenemos decisión varias popular tenido apenas época banco presidencia campaña elecciones diputados alcalde municipio departamento provincia región frontera regional ministerio autoridades institución instituto oficina reunión informe estudio denuncia tribunal juez fiscalía proceso investigación detenido detenidos víctima víctimas ataque accidente hospital escuela colegio estudiantes maestros salario empleo desempleo precios inflación impuestos presupuesto deuda exportaciones importaciones comercio turismo agricultura café banano azúcar lluvias tormenta huracán sequía inundaciones volcán sismo terremoto carretera puente transporte energía electricidad petróleo combustible gasolina agua potable vivienda barrio colonia comunidades indígenas campesinos sindicato protesta marcha manifestación huelga diálogo negociación tratado cumbre embajada embajador cancillería canciller diplomático cooperación ayuda donación préstamo inversión proyecto obras construcción infraestructura tecnología internet redes teléfono televisión radio periódico periodistas entrevista declaraciones conferencia anuncio medida decreto reforma constitución asamblea legislativa votación candidato candidata partido oposición oficialismo corrupción soborno lavado narcotráfico pandillas maras homicidios violencia robo asalto extorsión cárcel prisión condena sentencia juicio audiencia abogado defensa derechos humanos libertad prensa salud pandemia vacuna vacunación médicos enfermeras pacientes medicinas dengue fútbol selección partido gol liga campeonato torneo entrenador jugador jugadores estadio afición clásico victoria derrota empate final semifinal copa concierto festival película cine libro autor premio feria navidad semana santa vacaciones`

// Topic vocabularies, mixed into the articles that carry a tag. Phrases
// are written whole so that phrase queries find them.
var migrationWords = []string{
	"migrantes", "migrante", "migración", "migratoria", "migratorio", "emigrantes", "inmigrantes", "inmigración",
	"frontera", "fronteriza", "deportados", "deportación", "deportaciones", "retornados", "refugiados", "refugiada",
	"asilo", "solicitantes de asilo", "caravana", "caravana migrante", "tránsito", "Darién", "remesas",
	"trata de personas", "tráfico de migrantes", "coyotes", "irregular", "situación irregular", "documentos",
	"permiso de trabajo", "visa", "desplazados", "desplazamiento forzado", "Estados Unidos", "México", "Acnur", "OIM",
	"nicaragüenses", "venezolanos", "hondureños", "guatemaltecos", "salvadoreños", "haitianos", "cubanos", "colombianos",
	"dirección de migración", "albergue", "albergues", "niñez migrante", "menores no acompañados",
}

var genderWords = []string{
	"mujeres", "mujer", "niñas", "género", "violencia de género", "violencia contra las mujeres", "femicidio",
	"feminicidio", "igualdad", "brecha salarial", "trabajadoras", "trabajo doméstico", "cuidados", "madres",
	"embarazo", "salud sexual", "derechos de las mujeres", "acoso", "acoso sexual", "agresor", "denuncias",
	"instituto de la mujer", "feministas", "colectivas", "lideresas", "mujeres migrantes", "trabajadoras domésticas",
	"madres solteras", "jefas de hogar", "paridad", "sororidad", "niñez",
}

var xenophobiaWords = []string{
	"ilegales", "invasión", "extranjeros", "delincuentes extranjeros", "nos quitan el trabajo", "amenaza",
	"oleada", "avalancha", "expulsar", "xenofobia", "xenófobos", "discriminación", "racismo", "odio",
	"criminales", "inseguridad", "culpan", "señalados", "rechazo", "estigma", "discurso de odio",
}

var generalTopics = [][]string{
	{"fútbol", "gol", "selección", "liga", "campeonato", "entrenador", "estadio", "clásico", "torneo", "delantero", "portero"},
	{"elecciones", "candidato", "votos", "diputados", "asamblea", "partido", "campaña", "tribunal electoral", "encuesta"},
	{"economía", "inflación", "precios", "exportaciones", "banco central", "crecimiento", "empleo", "inversión", "aranceles"},
	{"lluvias", "tormenta", "huracán", "inundaciones", "damnificados", "emergencia", "protección civil", "deslizamientos"},
	{"homicidios", "policía", "detenidos", "pandillas", "extorsión", "fiscalía", "operativo", "narcotráfico", "capturados"},
	{"salud", "hospital", "dengue", "vacunación", "pacientes", "médicos", "seguro social", "medicamentos", "epidemia"},
	{"educación", "estudiantes", "docentes", "escuelas", "universidad", "becas", "ministerio de educación", "clases"},
	{"turismo", "playas", "visitantes", "hoteles", "festival", "concierto", "feria", "cultura", "museo"},
}

var englishWords = []string{
	"the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "with", "as", "was", "by", "government",
	"president", "country", "people", "migrants", "migration", "border", "women", "workers", "police", "city",
	"election", "economy", "prices", "report", "said", "new", "year", "years", "week", "officials", "rights",
	"human", "violence", "gender", "asylum", "refugees", "deportation", "United", "States", "Central", "America",
	"regional", "news", "football", "match", "storm", "rains", "health", "hospital", "school", "students",
}
