package sources

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html/charset"

	"observatory"
)

// OPML, as feed readers write it: one outline per feed (type="rss",
// text/title, xmlUrl, htmlUrl) inside folders. Export puts one folder per
// country and adds the other fields of the record as extra attributes
// named like the CSV Columns (id, country, medium, …), which feed readers
// ignore and Import reads back. Import groups the outlines of one outlet
// (same id, or else same homepage) into one source with several feeds, and
// takes the country and medium from those attributes or, in files written
// by feed readers, from the names of the folders around the outline
// ("Costa Rica", "CR", "Radio", "Prensa escrita"…).

type opmlDoc struct {
	XMLName xml.Name    `xml:"opml"`
	Version string      `xml:"version,attr"`
	Title   string      `xml:"head>title"`
	Body    opmlOutline `xml:"body"`
}

type opmlOutline struct {
	Attrs    []xml.Attr    `xml:",any,attr"`
	Outlines []opmlOutline `xml:"outline"`
}

// opmlNamed are the columns that OPML carries in its own attributes.
var opmlNamed = map[string]bool{"name": true, "homepage": true, "feeds": true}

func writeOPML(w io.Writer, srcs []observatory.Source) error {
	doc := opmlDoc{Version: "2.0", Title: "Observatorio: directorio de medios / media directory"}
	folders := make(map[string]*opmlOutline)
	var order []string
	for i := range srcs {
		s := &srcs[i]
		f, ok := folders[s.Country]
		if !ok {
			name := s.Country
			if c, ok := observatory.LookupCountry(s.Country); ok {
				name = c.ES
			}
			f = &opmlOutline{Attrs: []xml.Attr{attr("text", name), attr("title", name), attr("country", s.Country)}}
			folders[s.Country] = f
			order = append(order, s.Country)
		}
		extra := make([]xml.Attr, 0, len(Columns))
		for _, name := range Columns {
			c := columns[name]
			if v := c.get(s); !opmlNamed[name] && (v != "" || c.emptyKeeps && name != "id") {
				extra = append(extra, attr(name, v))
			}
		}
		feeds := s.Feeds
		if len(feeds) == 0 {
			feeds = []string{""}
		}
		for _, feed := range feeds {
			o := opmlOutline{Attrs: []xml.Attr{attr("text", s.Name), attr("title", s.Name)}}
			if feed != "" {
				o.Attrs = append(o.Attrs, attr("type", "rss"), attr("xmlUrl", feed))
			}
			o.Attrs = append(o.Attrs, attr("htmlUrl", s.Homepage))
			o.Attrs = append(o.Attrs, extra...)
			f.Outlines = append(f.Outlines, o)
		}
	}
	for _, c := range order {
		doc.Body.Outlines = append(doc.Body.Outlines, *folders[c])
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func attr(name, value string) xml.Attr { return xml.Attr{Name: xml.Name{Local: name}, Value: value} }

// opmlEntry is an outline that names a feed or a site.
type opmlEntry struct {
	line    int
	attrs   map[string]string // lower-case attribute name → value
	country string            // from the folders around it
	medium  string
}

// readOPML reads the outlines of an OPML file as rows, one per outlet.
func readOPML(data []byte) ([]row, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	dec.Entity = xml.HTMLEntity
	dec.CharsetReader = charset.NewReaderLabel
	lines := lineCounter{data: data, line: 1}
	type folder struct{ country, medium string }
	var stack []folder // one per open outline
	var entries []opmlEntry
	rootSeen := false
	for {
		start := lines.at(dec.InputOffset())
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, fmt.Errorf("sources: OPML mal formado en la línea %d / malformed OPML at line %[1]d: %s: %w", se.Line, se.Msg, observatory.ErrInvalid)
			}
			return nil, fmt.Errorf("sources: OPML ilegible / unreadable OPML: %v: %w", err, observatory.ErrInvalid)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if !rootSeen {
				if !strings.EqualFold(t.Name.Local, "opml") {
					return nil, fmt.Errorf("sources: no es un archivo OPML (empieza por <%s>) / not an OPML file (starts with <%[1]s>): %w", t.Name.Local, observatory.ErrInvalid)
				}
				rootSeen = true
				continue
			}
			if !strings.EqualFold(t.Name.Local, "outline") {
				continue
			}
			attrs := make(map[string]string, len(t.Attr))
			for _, a := range t.Attr {
				attrs[strings.ToLower(a.Name.Local)] = strings.TrimSpace(a.Value)
			}
			f := folder{}
			if len(stack) > 0 {
				f = stack[len(stack)-1]
			}
			if attrs["xmlurl"] != "" || attrs["htmlurl"] != "" {
				entries = append(entries, opmlEntry{line: start, attrs: attrs, country: f.country, medium: f.medium})
			} else {
				label := attrs["title"]
				if label == "" {
					label = attrs["text"]
				}
				if c := folderCountry(label, attrs["country"]); c != "" {
					f.country = c
				}
				if m := folderMedium(label, attrs["medium"]); m != "" {
					f.medium = m
				}
			}
			stack = append(stack, f)
		case xml.EndElement:
			if strings.EqualFold(t.Name.Local, "outline") && len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	if !rootSeen {
		return nil, fmt.Errorf("sources: el archivo no contiene OPML / the file holds no OPML: %w", observatory.ErrInvalid)
	}
	return opmlRows(entries), nil
}

// opmlRows groups the outlines of one outlet into a row.
func opmlRows(entries []opmlEntry) []row {
	var rows []row
	index := make(map[string]int) // id or homepage key → index in rows
	for _, e := range entries {
		key := ""
		switch {
		case e.attrs["id"] != "":
			key = "id:" + e.attrs["id"]
		case e.attrs["htmlurl"] != "":
			key = "home:" + observatory.HomepageKey(e.attrs["htmlurl"])
		}
		if i, ok := index[key]; ok && key != "" {
			if feed := e.attrs["xmlurl"]; feed != "" {
				rows[i].src.Feeds = append(rows[i].src.Feeds, feed)
			}
			continue
		}
		r := row{line: e.line, set: map[string]bool{"feeds": true}}
		name := e.attrs["title"]
		if name == "" {
			name = e.attrs["text"]
		}
		r.setCell(columns["name"], name)
		if e.attrs["htmlurl"] == "" {
			r.err = fmt.Errorf("homepage: falta htmlUrl, la dirección del sitio del medio / htmlUrl, the outlet's site address, is missing: %w", observatory.ErrInvalid)
		}
		r.setCell(columns["homepage"], e.attrs["htmlurl"])
		if feed := e.attrs["xmlurl"]; feed != "" {
			r.src.Feeds = []string{feed}
		}
		if e.country != "" {
			r.setCell(columns["country"], e.country)
		}
		if e.medium != "" {
			r.setCell(columns["medium"], e.medium)
		}
		if l := e.attrs["language"]; l != "" {
			r.setCell(columns["languages"], l)
		}
		for _, name := range Columns {
			if v, ok := e.attrs[name]; ok && !opmlNamed[name] {
				r.setCell(columns[name], v)
			}
		}
		if key != "" {
			index[key] = len(rows)
		}
		rows = append(rows, r)
	}
	return rows
}

// folderCountry reads a pilot country from a folder's code attribute or
// its name ("Costa Rica", "costa-rica", "CR", "Panamá", "Panama").
func folderCountry(label, code string) string {
	if c, ok := observatory.LookupCountry(strings.ToUpper(code)); ok {
		return c.Code
	}
	l := observatory.Slug(label)
	for _, c := range observatory.Countries() {
		if l == strings.ToLower(c.Code) || l == observatory.Slug(c.ES) || l == observatory.Slug(c.EN) {
			return c.Code
		}
	}
	return ""
}

// mediumWords maps folder names (slugged) to media.
var mediumWords = map[string]string{
	"print": observatory.MediumPrint, "prensa": observatory.MediumPrint, "prensa-escrita": observatory.MediumPrint,
	"periodicos": observatory.MediumPrint, "diarios": observatory.MediumPrint, "newspapers": observatory.MediumPrint,
	"radio": observatory.MediumRadio, "radios": observatory.MediumRadio,
	"tv": observatory.MediumTV, "television": observatory.MediumTV,
	"online": observatory.MediumOnline, "digital": observatory.MediumOnline, "digitales": observatory.MediumOnline,
	"medios-digitales": observatory.MediumOnline,
	"agency":           observatory.MediumAgency, "agencia": observatory.MediumAgency, "agencias": observatory.MediumAgency,
	"agencies": observatory.MediumAgency,
}

func folderMedium(label, medium string) string {
	if m := mediumWords[observatory.Slug(medium)]; m != "" {
		return m
	}
	return mediumWords[observatory.Slug(label)]
}

// lineCounter turns byte offsets, met in increasing order, into line
// numbers.
type lineCounter struct {
	data []byte
	off  int64
	line int
}

func (c *lineCounter) at(off int64) int {
	if off > int64(len(c.data)) {
		off = int64(len(c.data))
	}
	if off > c.off {
		c.line += bytes.Count(c.data[c.off:off], []byte("\n"))
		c.off = off
	}
	return c.line
}
