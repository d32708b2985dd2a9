package sources

import (
	"testing"
	"unicode/utf8"
)

// feedUTF8 gives valid UTF-8 unless the feed declares another encoding
// (which gofeed then decodes itself), and never panics.
func FuzzFeedUTF8(f *testing.F) {
	f.Add([]byte("<?xml version=\"1.0\"?><rss><channel><title>Ni\xf1ez</title></channel></rss>"), "text/xml")
	f.Add([]byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss/>"), "")
	f.Add([]byte("\xff\xfe<\x00?\x00x\x00m\x00l\x00"), "application/xml")
	f.Add([]byte("<rss>caf\xe9</rss>"), "application/rss+xml; charset=iso-8859-1")
	f.Add([]byte("<?xml version='1.0' encoding='utf-8'?><rss>\xe9</rss>"), "text/xml; charset=utf-8")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		out := feedUTF8(body, contentType)
		if m := xmlDecl.FindSubmatch(out); m != nil && !isUTF8Label(string(m[1])) {
			return
		}
		if !utf8.Valid(out) {
			t.Errorf("feedUTF8(%q, %q) = %q, not UTF-8", body, contentType, out)
		}
	})
}
