package sources

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"observatory"
)

// Limits of what discovery and the feed preview read from an outlet.
const (
	MaxPageSize  = 4 << 20 // a homepage
	MaxFeedSize  = 8 << 20 // a feed
	FetchTimeout = 30 * time.Second
)

// userAgent names the observatory to the outlets it reads.
const userAgent = "ObservatorioMigracionGenero/1.0 (media observatory; feed discovery)"

// FetchError is a failure to read an outlet's page or feed, with a reason a
// coordinator can act on (Spanish / English).
type FetchError struct {
	URL    string
	Status int    // the HTTP status, 0 when the server did not answer
	Reason string // plain words, Spanish first
	Err    error  // the underlying error, if any
}

func (e *FetchError) Error() string {
	return e.Reason + " [" + e.URL + "]"
}

func (e *FetchError) Unwrap() error { return e.Err }

// fetched is an answer read whole: the address it finally came from after
// redirects, its media type and its body.
type fetched struct {
	url         *url.URL
	contentType string
	body        []byte
}

// get fetches rawURL with client, reading at most limit bytes, within
// FetchTimeout. Any failure is a *FetchError.
func get(ctx context.Context, client *http.Client, rawURL string, limit int64, accept string) (*fetched, error) {
	if client == nil {
		return nil, errors.New("sources: nil http client")
	}
	if msg := observatory.CheckWebURL(rawURL); msg != "" {
		return nil, &FetchError{URL: rawURL, Reason: msg, Err: observatory.ErrInvalid}
	}
	ctx, cancel := context.WithTimeout(ctx, FetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, &FetchError{URL: rawURL, Reason: "URL no válida / invalid URL", Err: err}
	}
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Accept", accept)
	resp, err := client.Do(req)
	if err != nil {
		return nil, &FetchError{URL: rawURL, Reason: transportReason(err), Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
		return nil, &FetchError{URL: rawURL, Status: resp.StatusCode, Reason: statusReason(resp.StatusCode)}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, &FetchError{URL: rawURL, Status: resp.StatusCode, Reason: transportReason(err), Err: err}
	}
	if int64(len(body)) > limit {
		return nil, &FetchError{URL: rawURL, Status: resp.StatusCode,
			Reason: fmt.Sprintf("la respuesta supera %d MiB / the answer is larger than %d MiB", limit>>20, limit>>20)}
	}
	return &fetched{url: resp.Request.URL, contentType: resp.Header.Get("Content-Type"), body: body}, nil
}

// transportReason says in plain words why no answer came.
func transportReason(err error) string {
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostnameErr x509.HostnameError
	var netErr net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return "la consulta se canceló / the request was cancelled"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "el sitio tardó demasiado en responder / the site took too long to answer"
	case errors.As(err, &dnsErr):
		return "no se encontró el dominio (DNS); revise la dirección / the domain was not found (DNS); check the address"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "el servidor rechazó la conexión / the server refused the connection"
	case errors.Is(err, syscall.ECONNRESET):
		return "el servidor cortó la conexión / the server reset the connection"
	case errors.As(err, &certErr), errors.As(err, &unknownAuthority), errors.As(err, &hostnameErr):
		return "el certificado de seguridad (TLS) del sitio no es válido / the site's TLS certificate is not valid"
	case strings.Contains(err.Error(), "redirects"):
		return "demasiadas redirecciones / too many redirects"
	}
	return "no se pudo conectar con el sitio / could not connect to the site: " + err.Error()
}

// statusReason says in plain words what an HTTP status means for a feed.
func statusReason(code int) string {
	switch {
	case code == http.StatusUnauthorized, code == http.StatusForbidden:
		return fmt.Sprintf("acceso denegado (HTTP %d): el sitio bloquea a los robots o exige registrarse / access denied (HTTP %[1]d): the site blocks robots or requires a login", code)
	case code == http.StatusNotFound, code == http.StatusGone:
		return fmt.Sprintf("no existe (HTTP %d): la dirección cambió o es incorrecta / not found (HTTP %[1]d): the address changed or is wrong", code)
	case code == http.StatusTooManyRequests:
		return "demasiadas solicitudes (HTTP 429): el sitio pide esperar / too many requests (HTTP 429): the site asks us to wait"
	case code >= 500:
		return fmt.Sprintf("error del servidor del medio (HTTP %d); suele ser pasajero / the outlet's server failed (HTTP %[1]d); often temporary", code)
	case code >= 300 && code < 400:
		return fmt.Sprintf("redirección sin destino (HTTP %d) / redirect without a target (HTTP %[1]d)", code)
	}
	return fmt.Sprintf("respuesta inesperada (HTTP %d) / unexpected answer (HTTP %[1]d)", code)
}

// xmlDecl matches an XML declaration and its encoding.
var xmlDecl = regexp.MustCompile(`^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']`)

// feedUTF8 turns a feed's bytes into what gofeed reads well: UTF-8 (or an
// encoding the feed declares, which gofeed converts itself). A byte-order
// mark wins, then the XML declaration, then the charset of the
// Content-Type, then UTF-8 if the bytes are valid UTF-8, else Windows-1252,
// the usual encoding of Latin American sites that declare none.
func feedUTF8(body []byte, contentType string) []byte {
	var enc encoding.Encoding
	switch {
	case bytes.HasPrefix(body, []byte{0xEF, 0xBB, 0xBF}):
		return body[3:]
	case bytes.HasPrefix(body, []byte{0xFE, 0xFF}):
		enc = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM)
	case bytes.HasPrefix(body, []byte{0xFF, 0xFE}):
		enc = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM)
	default:
		m := xmlDecl.FindSubmatch(body)
		switch {
		case m != nil && !isUTF8Label(string(m[1])):
			return body // gofeed decodes declared encodings
		case m != nil && utf8.Valid(body):
			return body
		case m != nil:
			enc = charmap.Windows1252 // declared UTF-8 but is not: a common mistake
		}
		if _, params, err := mime.ParseMediaType(contentType); enc == nil && err == nil && params["charset"] != "" && !isUTF8Label(params["charset"]) {
			enc, _ = charset.Lookup(params["charset"])
		}
		if enc == nil {
			if utf8.Valid(body) {
				return body
			}
			enc = charmap.Windows1252
		}
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return body
	}
	if m := xmlDecl.FindSubmatchIndex(out); m != nil {
		out = append(append(append([]byte{}, out[:m[2]]...), "UTF-8"...), out[m[3]:]...)
	}
	return out
}

func isUTF8Label(l string) bool {
	l = strings.ToLower(l)
	return l == "utf-8" || l == "utf8"
}

// parseFeed parses fetched bytes as RSS, Atom or JSON Feed; a failure is a
// *FetchError that says what the address returned instead.
func parseFeed(f *fetched, rawURL string) (*gofeed.Feed, error) {
	body := feedUTF8(f.body, f.contentType)
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, &FetchError{URL: rawURL, Status: http.StatusOK,
			Reason: "el servidor respondió sin contenido: el feed está vacío / the server answered with an empty body"}
	}
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err == nil {
		return feed, nil
	}
	reason := "el contenido no es un feed RSS, Atom ni JSON Feed válido / the content is not a valid RSS, Atom or JSON feed"
	if looksHTML(f) {
		reason = "la dirección devuelve una página web, no un feed RSS o Atom / the address returns a web page, not an RSS or Atom feed"
	}
	return nil, &FetchError{URL: rawURL, Status: http.StatusOK, Reason: reason, Err: err}
}

func looksHTML(f *fetched) bool {
	if mt, _, _ := mime.ParseMediaType(f.contentType); mt == "text/html" || mt == "application/xhtml+xml" {
		return true
	}
	head := bytes.ToLower(f.body[:min(len(f.body), 512)])
	return bytes.Contains(head, []byte("<!doctype html")) || bytes.Contains(head, []byte("<html"))
}
