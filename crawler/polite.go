package crawler

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
)

// hostGates serialise requests per host (host:port): one exchange at a
// time, and a pause between the end of one and the start of the next.
type hostGates struct {
	delay time.Duration
	mu    sync.Mutex
	gates map[string]*hostGate
}

type hostGate struct {
	slot  chan struct{} // holds a token while a request is in flight
	mu    sync.Mutex
	delay time.Duration // the larger of the default and robots.txt Crawl-delay
	next  time.Time     // not before this time (wall clock: delays are real)
	// until is set when the host answered 429 or 503 with Retry-After:
	// requests to it fail at once until then, whichever source makes them.
	until time.Time
}

func newHostGates(delay time.Duration) *hostGates {
	return &hostGates{delay: delay, gates: make(map[string]*hostGate)}
}

func (g *hostGates) get(host string) *hostGate {
	g.mu.Lock()
	defer g.mu.Unlock()
	h, ok := g.gates[host]
	if !ok {
		h = &hostGate{slot: make(chan struct{}, 1), delay: g.delay}
		g.gates[host] = h
	}
	return h
}

// setDelay raises the host's delay (robots.txt Crawl-delay).
func (g *hostGates) setDelay(host string, d time.Duration) {
	h := g.get(host)
	h.mu.Lock()
	if d > h.delay {
		h.delay = d
	}
	h.mu.Unlock()
}

// acquire waits for the host to be free and its delay to have passed. A
// host that asked us to wait (Retry-After) is refused with a *StatusError
// saying how much longer.
func (h *hostGate) acquire(ctx context.Context, rawURL string) error {
	h.mu.Lock()
	until := h.until
	h.mu.Unlock()
	if wait := time.Until(until); wait > 0 {
		return &StatusError{URL: rawURL, Code: http.StatusTooManyRequests, RetryAfter: wait.Round(time.Second), Held: true}
	}
	select {
	case h.slot <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	h.mu.Lock()
	wait := time.Until(h.next)
	h.mu.Unlock()
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			<-h.slot
			return ctx.Err()
		}
	}
	return nil
}

// holdOff refuses requests to the host for d (capped at an hour: a
// longer Retry-After is kept by the source's backoff instead).
func (h *hostGate) holdOff(d time.Duration) {
	h.mu.Lock()
	if t := time.Now().Add(min(d, time.Hour)); t.After(h.until) {
		h.until = t
	}
	h.mu.Unlock()
}

// release frees the host and starts its delay.
func (h *hostGate) release() {
	h.mu.Lock()
	h.next = time.Now().Add(h.delay)
	h.mu.Unlock()
	<-h.slot
}

// robotsCache fetches and keeps each host's robots.txt (RFC 9309): a 4xx
// answer allows everything, a 5xx or an unreachable server disallows
// everything until the next try, a redirect is followed (up to the
// redirect limit).
type robotsCache struct {
	c  *Crawler
	mu sync.Mutex
	m  map[string]*robotsEntry // scheme://host → entry
}

type robotsEntry struct {
	ready   chan struct{} // closed once data is set
	data    *robotstxt.RobotsData
	err     error // why robots.txt could not be fetched (everything is disallowed meanwhile)
	expires time.Time
}

func newRobotsCache(c *Crawler) *robotsCache {
	return &robotsCache{c: c, m: make(map[string]*robotsEntry)}
}

// agentName is the product token matched against User-agent lines.
func (r *robotsCache) agentName() string {
	ua := r.c.cfg.UserAgent
	for i, ch := range ua {
		if ch == '/' || ch == ' ' {
			return ua[:i]
		}
	}
	return ua
}

// cached answers from the cache only: known is false when the host's
// robots.txt has not been fetched (or expired).
func (r *robotsCache) cached(u *url.URL) (ok, known bool) {
	r.mu.Lock()
	e := r.m[u.Scheme+"://"+u.Host]
	r.mu.Unlock()
	if e == nil {
		return true, false
	}
	select {
	case <-e.ready:
	default:
		return true, false
	}
	if r.c.cfg.Now().After(e.expires) {
		return true, false
	}
	return e.data.TestAgent(pathQuery(u), r.agentName()), true
}

// allowed reports whether robots.txt lets the crawler fetch u, fetching
// the host's robots.txt when it is not cached. Requests for robots.txt
// itself are always allowed.
func (r *robotsCache) allowed(ctx context.Context, u *url.URL) (bool, error) {
	if u.Path == "/robots.txt" {
		return true, nil
	}
	key := u.Scheme + "://" + u.Host
	r.mu.Lock()
	e := r.m[key]
	if e != nil {
		select {
		case <-e.ready:
			if r.c.cfg.Now().After(e.expires) {
				e = nil // expired: fetch again
			}
		default:
		}
	}
	if e == nil {
		e = &robotsEntry{ready: make(chan struct{})}
		r.m[key] = e
		r.mu.Unlock()
		r.load(ctx, key, u.Host, e)
	} else {
		r.mu.Unlock()
		select {
		case <-e.ready:
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
	if e.err != nil {
		return false, e.err
	}
	return e.data.TestAgent(pathQuery(u), r.agentName()), nil
}

func (r *robotsCache) load(ctx context.Context, key, host string, e *robotsEntry) {
	defer close(e.ready)
	now := r.c.cfg.Now()
	e.expires = now.Add(r.c.cfg.RobotsTTL)
	status, body, err := r.get(ctx, key+"/robots.txt")
	if status == 0 {
		e.err = fmt.Errorf("robots.txt: %w", err)
		// Unreachable: disallow for now (RFC 9309 §2.3.1.4), retry soon.
		status = http.StatusServiceUnavailable
		e.expires = now.Add(min(r.c.cfg.RobotsTTL, 10*time.Minute))
	}
	if status == http.StatusTooManyRequests {
		status = http.StatusServiceUnavailable
	}
	if status >= 500 {
		e.expires = now.Add(min(r.c.cfg.RobotsTTL, 10*time.Minute))
	}
	data, err := robotstxt.FromStatusAndBytes(status, body)
	if err != nil {
		data, _ = robotstxt.FromStatusAndBytes(http.StatusNotFound, nil)
	}
	e.data = data
	if g := data.FindGroup(r.agentName()); g != nil && g.CrawlDelay > 0 {
		r.c.hosts.setDelay(host, min(g.CrawlDelay, r.c.cfg.MaxCrawlDelay))
	}
}

// get fetches a robots.txt; status 0 means no answer, for the reason err.
func (r *robotsCache) get(ctx context.Context, rawURL string) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, r.c.cfg.FetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return 0, nil, err
	}
	resp, err := r.c.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	// RFC 9309 §2.5: at least 500 KiB must be parsed; more is ignored.
	body := make([]byte, 0, 4096)
	buf := make([]byte, 32<<10)
	for len(body) < 512<<10 {
		n, err := resp.Body.Read(buf)
		body = append(body, buf[:n]...)
		if err != nil {
			break
		}
	}
	return resp.StatusCode, body, nil
}

func pathQuery(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p
}
