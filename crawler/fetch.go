package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"observatory"
)

// ErrBodyTooLarge is returned (wrapped) when a response body, after
// decompression, exceeds Config.MaxBody.
var ErrBodyTooLarge = errors.New("crawler: response body too large")

// ErrTooManyRedirects is returned (wrapped) after Config.MaxRedirects.
var ErrTooManyRedirects = errors.New("crawler: too many redirects")

// ErrRobots is returned (wrapped) for a URL that robots.txt disallows.
var ErrRobots = errors.New("crawler: disallowed by robots.txt")

// StatusError is an HTTP answer other than 200 or 304.
type StatusError struct {
	URL        string
	Code       int
	RetryAfter time.Duration // from a 429 or 503 Retry-After header; 0 if absent
	// Held is true when no request was sent: the host had asked, in an
	// earlier answer, to wait RetryAfter longer.
	Held bool
}

func (e *StatusError) Error() string {
	if e.Held {
		return fmt.Sprintf("crawler: %s not requested: the host asked to wait %s more", e.URL, e.RetryAfter)
	}
	return fmt.Sprintf("crawler: %s answered HTTP %d", e.URL, e.Code)
}

// newClient builds the guarded client: see HTTPClient.
func (c *Crawler) newClient() *http.Client {
	tr := &http.Transport{
		Proxy:                 nil, // a proxy would dial for us and bypass the guard
		DialContext:           c.dialContext,
		ForceAttemptHTTP2:     true,
		MaxConnsPerHost:       1,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   1,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   c.cfg.ConnectTimeout,
		ResponseHeaderTimeout: c.cfg.HeaderTimeout,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{
		Transport: &politeTransport{c: c, next: tr},
		Timeout:   c.cfg.FetchTimeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if req.Context().Value(followKey{}) != nil {
				return http.ErrUseLastResponse // fetch follows them (see follow)
			}
			if len(via) > c.cfg.MaxRedirects {
				return fmt.Errorf("%w (%d)", ErrTooManyRedirects, c.cfg.MaxRedirects)
			}
			if err := redirectScheme(req.URL); err != nil {
				return err
			}
			// Only robots.txt files already cached are consulted here: the
			// previous response still holds its host's gate, so fetching
			// one now could wait on ourselves.
			if ok, known := c.robots.cached(req.URL); known && !ok {
				return fmt.Errorf("%w: %s", ErrRobots, req.URL)
			}
			return nil
		},
	}
}

// followKey marks the context of a request whose redirects fetch follows
// itself rather than the client.
type followKey struct{}

// redirectScheme refuses a redirect to anything but http(s).
func redirectScheme(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("crawler: redirect to %s refused: not http(s)", u.Scheme)
	}
	return nil
}

// politeTransport holds the host's gate for the whole exchange, body
// included (one connection per host, a delay between requests), sets the
// User-Agent and caps the body.
type politeTransport struct {
	c    *Crawler
	next http.RoundTripper
}

func (t *politeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	gate := t.c.hosts.get(req.URL.Host)
	if err := gate.acquire(req.Context(), req.URL.String()); err != nil {
		return nil, err
	}
	req = req.Clone(req.Context())
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", t.c.cfg.UserAgent)
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		gate.release()
		return nil, err
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		if d := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); d > 0 {
			gate.holdOff(d)
		}
	}
	limit := t.c.cfg.MaxBody
	if resp.ContentLength > limit && !resp.Uncompressed {
		resp.Body.Close()
		gate.release()
		return nil, fmt.Errorf("%w: %s declares %d bytes (limit %d)", ErrBodyTooLarge, req.URL, resp.ContentLength, limit)
	}
	resp.Body = &cappedBody{rc: resp.Body, left: limit, url: req.URL.String(), release: gate.release}
	return resp, nil
}

// cappedBody fails once more than left bytes were read and releases the
// host gate when closed.
type cappedBody struct {
	rc      io.ReadCloser
	left    int64
	url     string
	release func()
	once    sync.Once
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, fmt.Errorf("%w: %s", ErrBodyTooLarge, b.url)
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n, fmt.Errorf("%w: %s", ErrBodyTooLarge, b.url)
	}
	return n, err
}

func (b *cappedBody) Close() error {
	err := b.rc.Close()
	b.once.Do(b.release)
	return err
}

// page is a fetched resource.
type page struct {
	URL          string // after redirects
	Body         []byte
	ContentType  string
	ETag         string
	LastModified string
	NotModified  bool
	Header       http.Header
}

// fetch GETs rawURL after checking robots.txt, with conditional-GET
// validators from st when given, and reads the (capped) body. Answers
// other than 200 and 304 are *StatusError.
func (c *Crawler) fetch(ctx context.Context, rawURL string, st *observatory.FeedState, accept string) (*page, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("crawler: %q is not an http(s) URL", rawURL)
	}
	ok, err := c.robots.allowed(ctx, u)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrRobots, rawURL)
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.FetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(context.WithValue(ctx, followKey{}, true), http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	req.Header.Set("Accept-Language", "es, en;q=0.5")
	if st != nil {
		if st.ETag != "" {
			req.Header.Set("If-None-Match", st.ETag)
		}
		if st.LastModified != "" {
			req.Header.Set("If-Modified-Since", st.LastModified)
		}
	}
	resp, err := c.follow(ctx, req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	p := &page{
		URL:          resp.Request.URL.String(),
		ContentType:  resp.Header.Get("Content-Type"),
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		Header:       resp.Header,
	}
	switch {
	case resp.StatusCode == http.StatusNotModified && st != nil:
		p.NotModified = true
		return p, nil
	case resp.StatusCode != http.StatusOK:
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		e := &StatusError{URL: rawURL, Code: resp.StatusCode}
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), c.cfg.Now())
		}
		return nil, e
	}
	p.Body, err = io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("crawler: read %s: %w", rawURL, err)
	}
	// A gzip file served as such (sitemap.xml.gz) rather than as a
	// transfer encoding: decompress it under the same cap.
	if bytes.HasPrefix(p.Body, []byte{0x1f, 0x8b}) {
		if p.Body, err = gunzipCapped(p.Body, c.cfg.MaxBody); err != nil {
			return nil, fmt.Errorf("crawler: %s: %w", rawURL, err)
		}
	}
	return p, nil
}

// follow sends req and follows its redirects, at most MaxRedirects, each
// once robots.txt of its target allows it. The client does not follow
// them itself: it would do so while the previous response still holds its
// host's gate, when the target host's robots.txt cannot be fetched.
// ctx is for those robots.txt requests, which follow their own redirects.
func (c *Crawler) follow(ctx context.Context, req *http.Request) (*http.Response, error) {
	for hops := 0; ; hops++ {
		resp, err := c.client.Do(req)
		if err != nil {
			return nil, err
		}
		loc := resp.Header.Get("Location")
		if !isRedirect(resp.StatusCode) || loc == "" {
			return resp, nil
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		resp.Body.Close()
		if hops == c.cfg.MaxRedirects {
			return nil, fmt.Errorf("%w (%d)", ErrTooManyRedirects, c.cfg.MaxRedirects)
		}
		next, err := resp.Request.URL.Parse(loc)
		if err != nil {
			return nil, fmt.Errorf("crawler: %s redirects to a bad address: %w", resp.Request.URL, err)
		}
		if err := redirectScheme(next); err != nil {
			return nil, err
		}
		ok, err := c.robots.allowed(ctx, next)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("%w: %s", ErrRobots, next)
		}
		req = req.Clone(req.Context())
		req.URL, req.Host = next, ""
	}
}

// isRedirect reports whether an HTTP status is a redirect the client
// would follow.
func isRedirect(code int) bool {
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

func gunzipCapped(b []byte, limit int64) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(io.LimitReader(zr, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(out)) > limit {
		return nil, ErrBodyTooLarge
	}
	return out, nil
}

// parseRetryAfter reads delay-seconds or an HTTP date (RFC 9110 §10.2.3).
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
