package sources_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"observatory"
	"observatory/sources"
)

// Whatever a file holds, Import does not panic, fails only with ErrInvalid
// for the file as a whole, and importing it a second time changes nothing.
func FuzzImport(f *testing.F) {
	var seedCSV, seedOPML bytes.Buffer
	seed, err := sources.Seed()
	if err != nil {
		f.Fatal(err)
	}
	if err := sources.Export(&seedCSV, seed[:5], "csv"); err != nil {
		f.Fatal(err)
	}
	if err := sources.Export(&seedOPML, seed[5:9], "opml"); err != nil {
		f.Fatal(err)
	}
	reader, err := os.ReadFile("testdata/feedreader.opml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seedCSV.Bytes())
	f.Add(seedOPML.Bytes())
	f.Add(reader)
	f.Add([]byte(header + "x,Y,CR,tv,,es,https://y.example/,,,,,,,,,,\nx,Z,CR,tv,,es,https://z.example/,,,,,,,,,,\n"))
	f.Add([]byte("homepage;name;country;medium\nhttps://a.example;A;ni;RADIO\n\"unterminated\n"))
	f.Add([]byte("<opml><body><outline text=\"CR\"><outline xmlUrl=\"https://a.example/f\" htmlUrl=\"https://a.example\" medium=\"tv\"/></outline></body></opml>"))

	db := openStore(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, data []byte) {
		first, err := sources.Import(ctx, db, bytes.NewReader(data), "", "fuzz")
		if err != nil {
			if !errors.Is(err, observatory.ErrInvalid) {
				t.Fatalf("Import = %v, want nil or ErrInvalid", err)
			}
			return
		}
		second, err := sources.Import(ctx, db, bytes.NewReader(data), "", "fuzz")
		if err != nil {
			t.Fatalf("second Import = %v after a first that worked", err)
		}
		if second.Created != 0 || second.Updated != 0 {
			t.Errorf("second import changed things: %v (first: %v)", second, first)
		}
		if len(second.Errors) != len(first.Errors) {
			t.Errorf("second import reports %d errors, first %d", len(second.Errors), len(first.Errors))
		}
		for _, e := range first.Errors {
			if e.Line < 1 || !strings.Contains(e.String(), "línea") {
				t.Errorf("row error %q without a line", e)
			}
		}
	})
}
