package sources_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"observatory"
	"observatory/sources"
)

// An OPML file as a feed reader exports it (ISO-8859-1, folders by country
// and medium, one outline per feed, no attributes of ours), with bad
// outlines.
func TestImportFeedReaderOPML(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	existing := &observatory.Source{Name: "Semanario Universidad", Country: "CR", Medium: "print",
		Homepage: "https://semanariouniversidad.com/", Owner: "Universidad de Costa Rica", Focus: "general",
		Feeds: []string{"https://semanariouniversidad.com/feed/", "https://semanariouniversidad.com/rss"}, Active: true}
	if err := db.CreateSource(ctx, existing, "t"); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("testdata/feedreader.opml")
	if err != nil {
		t.Fatal(err)
	}
	rep := importString(t, db, string(data), "")
	checkCounts(t, "feed reader OPML", rep, 3, 1, 0, 3)
	wantErr := []struct {
		line  int
		field string
	}{{13, "homepage"}, {18, "medium"}, {21, "country"}}
	for i, w := range wantErr {
		if i >= len(rep.Errors) {
			break
		}
		e := rep.Errors[i]
		if e.Line != w.line || !errors.Is(e.Err, observatory.ErrInvalid) || !strings.Contains(e.Err.Error(), w.field) {
			t.Errorf("error %d = %v, want line %d about %s", i, e, w.line, w.field)
		}
	}

	got := make(map[string]observatory.Source)
	for _, s := range all(t, db) {
		got[observatory.HomepageKey(s.Homepage)] = s
	}
	tests := []struct {
		home, name, country, medium string
		feeds                       []string
	}{
		{"semanariouniversidad.com", "Semanario Universidad", "CR", "print", []string{"https://semanariouniversidad.com/feed/"}},
		{"larepublica.net", "La República (Costa Rica)", "CR", "print", []string{"https://www.larepublica.net/feeds/feed.rss"}},
		{"delfino.cr", "Delfino.cr", "CR", "online", []string{"https://delfino.cr/feed", "https://delfino.cr/feed/noticias"}},
		{"confidencial.digital", "Confidencial", "NI", "online", []string{"https://confidencial.digital/feed/"}},
	}
	for _, tt := range tests {
		s, ok := got[tt.home]
		if !ok {
			t.Errorf("%s not imported; have %v", tt.home, slices.Collect(maps.Keys(got)))
			continue
		}
		if s.Name != tt.name || s.Country != tt.country || s.Medium != tt.medium || !slices.Equal(s.Feeds, tt.feeds) {
			t.Errorf("%s = %q %s %s %q, want %q %s %s %q", tt.home, s.Name, s.Country, s.Medium, s.Feeds, tt.name, tt.country, tt.medium, tt.feeds)
		}
	}
	if s := got["semanariouniversidad.com"]; s.Owner != "Universidad de Costa Rica" || !s.Active {
		t.Errorf("fields the OPML does not carry changed: %+v", s)
	}

	rep = importString(t, db, string(data), "opml")
	checkCounts(t, "same OPML again", rep, 0, 0, 4, 3)
}

// The seed goes out as OPML and back in, whole.
func TestOPMLRoundTrip(t *testing.T) {
	seed, err := sources.Seed()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := sources.Export(&buf, seed, "opml"); err != nil {
		t.Fatal(err)
	}
	// What a feed reader reads: well-formed XML with rss outlines.
	var doc struct {
		Version  string `xml:"version,attr"`
		Outlines []struct {
			Text     string `xml:"text,attr"`
			Outlines []struct {
				Type   string `xml:"type,attr"`
				XMLURL string `xml:"xmlUrl,attr"`
				Text   string `xml:"text,attr"`
			} `xml:"outline"`
		} `xml:"body>outline"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("exported OPML does not parse: %v", err)
	}
	if doc.Version != "2.0" || len(doc.Outlines) != 8 || doc.Outlines[0].Text != "Guatemala" {
		t.Errorf("OPML version %q with %d folders (first %q), want 2.0, 8 countries, Guatemala first", doc.Version, len(doc.Outlines), doc.Outlines[0].Text)
	}
	feeds := 0
	for _, s := range seed {
		feeds += len(s.Feeds)
	}
	rss := 0
	for _, f := range doc.Outlines {
		for _, o := range f.Outlines {
			if o.Type == "rss" && o.XMLURL != "" {
				rss++
			}
		}
	}
	if rss != feeds {
		t.Errorf("%d rss outlines, want one per feed (%d)", rss, feeds)
	}

	db := openStore(t)
	rep := importString(t, db, buf.String(), "")
	checkCounts(t, "OPML into an empty store", rep, len(seed), 0, 0, 0)
	equalRecords(t, all(t, db), seed)
	rep = importString(t, db, buf.String(), "opml")
	checkCounts(t, "OPML again", rep, 0, 0, len(seed), 0)
}
