package extract

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"
)

// ToUTF8 decodes an HTML page to UTF-8. The charset comes from a byte-order
// mark, then the Content-Type header, then the page's <meta charset>; a
// page that declares nothing is UTF-8 if it is valid UTF-8 and
// Windows-1252 (the superset of ISO-8859-1 that browsers use) otherwise.
//
// A header or <meta> that says UTF-8 over bytes that are not is not
// believed (a common server default on Latin American sites): the page's
// own declaration, then Windows-1252, decide.
func ToUTF8(page []byte, contentType string) []byte {
	enc, name, certain := charset.DetermineEncoding(page, contentType)
	valid := utf8.Valid(page)
	if name == "utf-8" && !valid {
		enc, name, certain = charset.DetermineEncoding(page, "") // the page's <meta>
		if name == "utf-8" {
			enc, name = charmap.Windows1252, "windows-1252"
		}
	}
	if !certain && name == "windows-1252" && valid {
		return page
	}
	return Decode(page, enc)
}

// Decode converts b from enc to UTF-8, replacing undecodable bytes.
func Decode(b []byte, enc encoding.Encoding) []byte {
	if enc == nil || enc == encoding.Nop {
		return []byte(stringsToValid(b))
	}
	out, _, err := transform.Bytes(enc.NewDecoder(), b)
	if err != nil {
		return []byte(stringsToValid(b))
	}
	return out
}

func stringsToValid(b []byte) string { return strings.ToValidUTF8(string(b), "\uFFFD") }
