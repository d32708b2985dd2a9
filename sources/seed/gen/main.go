// Command gen builds the embedded seed registry, sources/seed/outlets.csv,
// from the research registry upstream.csv and the outlets added by look-ups
// in lookups.csv (both: name,country,medium,homepage,feeds,verified,
// evidence,notes). The rules are in sources/seed/README.md; run it from the
// module root:
//
//	go run ./sources/seed/gen
package main

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"regexp"
	"strings"

	"observatory"
	"observatory/sources"
)

// fix holds what a person decided about one outlet (by homepage), from
// facts its notes state.
type fix struct {
	feeds []string // replaces the feeds column when not nil
	owner string
	focus string
	scope string
	note  string // appended to the notes
}

var fixes = map[string]fix{
	// El Faro moved its site: the long-standing /es/rss answers 404 since the
	// migration; the live feed is on the beta host.
	"https://elfaro.net/": {feeds: []string{"https://beta.elfaro.net/rss.xml"},
		note: "kept only the beta.elfaro.net feed, which the El Feed README names as the live one; item links may point at the beta host"},
	"https://www.plazapublica.com.gt/":     {owner: "Universidad Rafael Landívar"},
	"https://www.agenciaocote.com/":        {focus: "women"},
	"https://prensacomunitaria.org/":       {focus: "human-rights"},
	"https://nomada.gt/":                   {focus: "women"},
	"https://dca.gob.gt/":                  {owner: "Estado de Guatemala"},
	"https://agn.gt/":                      {owner: "Estado de Guatemala"},
	"https://www.laprensa.hn/":             {owner: "Grupo OPSA"},
	"https://www.elheraldo.hn/":            {owner: "Grupo OPSA"},
	"https://radioprogresohn.net/":         {owner: "ERIC-SJ (Compañía de Jesús)", focus: "human-rights"},
	"https://reportarsinmiedo.org/":        {focus: "human-rights"},
	"https://www.conexihon.hn/":            {owner: "C-Libre", focus: "human-rights"},
	"https://www.alharaca.sv/":             {focus: "women"},
	"https://ondalocalni.com/":             {scope: observatory.ScopeRegional},
	"https://www.larepublica.net/":         {focus: "economy"},
	"https://semanariouniversidad.com/":    {owner: "Universidad de Costa Rica"},
	"http://elfinancierocr.com/":           {owner: "Grupo Nación", focus: "economy"},
	"https://vozdeguanacaste.com/":         {scope: observatory.ScopeRegional},
	"https://www.critica.com.pa/":          {owner: "Grupo Epasa"},
	"https://www.larepublica.co/":          {focus: "economy"},
	"https://www.portafolio.co/":           {focus: "economy"},
	"https://verdadabierta.com/":           {focus: "human-rights"},
	"https://volcanicas.com/":              {focus: "women"},
	"https://cerosetenta.uniandes.edu.co/": {owner: "Universidad de los Andes"},
	"https://noticiassin.com/":             {owner: "Grupo SIN"},
	"https://www.eldinero.com.do/":         {focus: "economy"},
}

// deadStatus marks a feed-status under which the listed feed is not used.
var deadStatus = regexp.MustCompile(`(?i)^(feed-status: )?(reported-broken|blocked|none|no rss|no current rss|stale|closed|historical)`)

// sitemapURL finds sitemap addresses in the notes; a bare /sitemap.xml is
// a site map, not a news sitemap, and is left out.
var sitemapURL = regexp.MustCompile(`https?://[^\s,;]*sitemap[^\s,;]*`)

func main() {
	dir := flag.String("dir", "sources/seed", "directory of upstream.csv, lookups.csv and outlets.csv")
	flag.Parse()
	var srcs []observatory.Source
	var skipped []string
	for _, name := range []string{"upstream.csv", "lookups.csv"} {
		s, sk, err := convert(*dir + "/" + name)
		if err != nil {
			log.Fatal(err)
		}
		srcs = append(srcs, s...)
		skipped = append(skipped, sk...)
	}
	var buf bytes.Buffer
	if err := sources.Export(&buf, srcs, sources.FormatCSV); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*dir+"/outlets.csv", buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "%d outlets written; not in a pilot country: %s\n", len(srcs), strings.Join(skipped, "; "))
}

func convert(path string) ([]observatory.Source, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	header, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	want := "name,country,medium,homepage,feeds,verified,evidence,notes"
	if strings.Join(header, ",") != want {
		return nil, nil, fmt.Errorf("%s: header %q, want %q", path, strings.Join(header, ","), want)
	}
	var out []observatory.Source
	var skipped []string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, skipped, nil
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		name, country, medium, home, feeds, verified, evidence, notes := rec[0], rec[1], rec[2], rec[3], rec[4], rec[5], rec[6], rec[7]
		if _, ok := observatory.LookupCountry(country); !ok {
			skipped = append(skipped, name+" ("+country+")")
			continue
		}
		s := observatory.Source{
			ID:       observatory.Slug(strings.ToLower(country) + " " + name),
			Name:     name,
			Country:  country,
			Medium:   medium,
			Homepage: home,
			Feeds:    strings.Fields(feeds),
			Focus:    "general",
			Verified: verified == "yes",
			Evidence: evidence,
			Notes:    notes,
		}
		if strings.Contains(notes, "English-language") {
			s.Languages = []string{"en"}
		}
		fx := fixes[home]
		var why []string
		if len(s.Feeds) > 0 && deadStatus.MatchString(notes) {
			why = append(why, "the listed feed is not used because its feed-status says it does not work")
			s.Feeds = nil
		}
		if fx.feeds != nil {
			s.Feeds = fx.feeds
		}
		for _, u := range sitemapURL.FindAllString(notes, -1) {
			u = strings.TrimRight(u, ".)")
			if !strings.HasSuffix(u, "/sitemap.xml") {
				s.Sitemaps = append(s.Sitemaps, u)
			}
		}
		if fx.owner != "" {
			s.Owner = fx.owner
		}
		if fx.focus != "" {
			s.Focus = fx.focus
		}
		s.Scope = fx.scope
		if fx.note != "" {
			why = append(why, fx.note)
		}
		s.Active = len(s.Feeds)+len(s.Sitemaps) > 0
		if !s.Active {
			why = append(why, "inactive: no feed or news sitemap the crawler can use is known")
		} else if len(s.Feeds) == 0 {
			why = append(why, "crawled through the sitemap its notes name")
		}
		if len(why) > 0 {
			s.Notes += " Seed: " + strings.Join(why, "; ") + "."
		}
		s.Normalize()
		if err := s.Validate(); err != nil {
			return nil, nil, fmt.Errorf("%s: %s: %w", path, name, err)
		}
		out = append(out, s)
	}
}
