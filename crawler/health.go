package crawler

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"observatory"
	"observatory/crawler/extract"
)

// finishRun records the outcome of a run in the source's health: success
// resets the failure count and schedules the next poll adaptively; a run
// in which nothing could be read backs off exponentially, or as long as a
// 429/503 Retry-After asks.
func (c *Crawler) finishRun(ctx context.Context, r *run, ntargets int) {
	h := &r.health
	now := c.cfg.Now()
	h.LastAttempt = r.start
	h.ItemsLastRun, h.NewLastRun = r.sum.Items, r.sum.New
	for k := range h.Feeds {
		if !r.touched[k] && !c.isTarget(r.src, k) {
			delete(h.Feeds, k) // a feed removed from the source, or an old child sitemap
		}
	}
	var failure error
	switch {
	case ntargets == 0:
		failure = errNoTargets
	case r.storeErr != nil:
		failure = r.storeErr
	case r.targetsOK == 0 && r.targetErr != nil:
		failure = r.targetErr
	case ctx.Err() != nil:
		failure = ctx.Err()
	}
	if failure != nil {
		h.ConsecutiveFailures++
		h.LastError = Describe(failure)
		wait := c.backoff(h.ConsecutiveFailures)
		if r.retryAfter > 0 {
			wait = min(max(r.retryAfter, time.Minute), c.cfg.BackoffMax)
		}
		if errors.Is(failure, context.Canceled) {
			wait = 0 // interrupted, not failed: resume at the next tick
			h.ConsecutiveFailures--
		}
		h.NextAttempt = now.Add(wait)
		r.sum.Err = h.LastError
	} else {
		h.LastSuccess = now
		h.ConsecutiveFailures = 0
		h.LastError = ""
		if err := cmpOr(r.targetErr, r.itemErr); err != nil {
			h.LastError = Describe(err)
			if r.sum.Failed > 0 {
				h.LastError = fmt.Sprintf("%d artículo(s) sin leer / %d item(s) unread: %s", r.sum.Failed, r.sum.Failed, h.LastError)
			}
			r.sum.Err = h.LastError
		}
		h.NextAttempt = c.nextPoll(r)
		if r.limited {
			h.NextAttempt = now.Add(min(max(r.retryAfter, c.backoff(1)), c.cfg.BackoffMax))
		}
	}
	// Record the outcome even when the run was cancelled.
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := c.cfg.Store.PutHealth(pctx, *h); err != nil {
		c.log.Error("record source health", "source_id", r.src.ID, "err", err)
	}
}

func (c *Crawler) isTarget(src *observatory.Source, u string) bool {
	for _, t := range targetsOf(src) {
		if t.url == u {
			return true
		}
	}
	return false
}

var errNoTargets = errors.New("crawler: source has no feed, sitemap or listing page")

// backoff is the wait after n consecutive failures.
func (c *Crawler) backoff(n int) time.Duration {
	d := c.cfg.BackoffBase
	for i := 1; i < n && d < c.cfg.BackoffMax; i++ {
		d *= 2
	}
	return min(d, c.cfg.BackoffMax)
}

// period is the interval between two firings of the source's schedule.
func (c *Crawler) period(src *observatory.Source, now time.Time) time.Duration {
	sched, err := c.parser.Parse(c.specOf(src))
	if err != nil {
		sched, _ = c.parser.Parse(c.cfg.Schedule)
	}
	a := sched.Next(now.In(c.cfg.Location))
	return sched.Next(a).Sub(a)
}

// nextPoll is adaptive polling: a source whose feeds brought nothing new
// for a while is polled less often than its schedule, in proportion to
// how long it has been quiet (a quarter of the quiet time), never less
// often than its PollMax (default Config.MaxPollInterval); a feed's own
// TTL hint is honoured within the same bound. A busy source is polled at
// every tick of its schedule: the schedule is the lower bound.
func (c *Crawler) nextPoll(r *run) time.Time {
	period := c.period(r.src, r.start)
	var last time.Time
	for _, t := range targetsOf(r.src) {
		if st := r.health.Feeds[t.url]; st.LastChanged.After(last) {
			last = st.LastChanged
		}
	}
	interval := period
	if !last.IsZero() {
		interval = max(interval, r.start.Sub(last)/4)
	}
	interval = min(max(interval, r.ttl), c.pollMax(r.src))
	if interval <= period {
		return r.start
	}
	// Half a period of slack so that the tick at the chosen time is not
	// missed by the few seconds the run itself took.
	return r.start.Add(interval - period/2)
}

// pollMax is the longest a source may go unpolled: its own PollMax, else
// Config.MaxPollInterval; never shorter than its schedule's period.
func (c *Crawler) pollMax(src *observatory.Source) time.Duration {
	if d, err := time.ParseDuration(src.PollMax); err == nil && d >= time.Minute {
		return d
	}
	return c.cfg.MaxPollInterval
}

// recordPanic records a recovered panic as a failed run.
func (c *Crawler) recordPanic(ctx context.Context, src *observatory.Source, sum Summary) {
	h, err := c.cfg.Store.Health(ctx, src.ID)
	if err != nil {
		return
	}
	h.SourceID = src.ID
	h.LastAttempt = c.cfg.Now()
	h.ConsecutiveFailures++
	h.LastError = sum.Err
	h.NextAttempt = c.cfg.Now().Add(c.backoff(h.ConsecutiveFailures))
	if err := c.cfg.Store.PutHealth(ctx, h); err != nil {
		c.log.Error("record source health", "source_id", src.ID, "err", err)
	}
}

// Describe explains a crawl error in words a coordinator understands,
// Spanish first, then English.
func Describe(err error) string {
	if err == nil {
		return ""
	}
	var se *StatusError
	var dnsErr *net.DNSError
	var msg string
	switch {
	case errors.Is(err, ErrBlockedAddress):
		msg = "la dirección apunta a una red privada o local, que no se rastrea / the address points to a private or local network, which is not crawled"
	case errors.Is(err, ErrRobots):
		msg = "robots.txt del sitio no permite rastrear esta dirección / the site's robots.txt disallows this address"
	case errors.Is(err, ErrBodyTooLarge):
		msg = "la respuesta es demasiado grande / the response is too large"
	case errors.Is(err, ErrTooManyRedirects):
		msg = "demasiadas redirecciones (¿un bucle?) / too many redirects (a loop?)"
	case errors.Is(err, errNoTargets):
		msg = "la fuente no tiene feed, sitemap ni página de listado / the source has no feed, sitemap or listing page"
	case errors.As(err, &se):
		msg = describeStatus(se)
	case errors.Is(err, ErrNotFeed):
		msg = "el documento no es un feed RSS/Atom ni un sitemap válido / the document is not a valid RSS/Atom feed or sitemap"
	case errors.Is(err, extract.ErrNoContent):
		msg = "la página no tiene texto de artículo / the page has no article text"
	case errors.As(err, &dnsErr):
		msg = "el dominio no existe o no responde (DNS) / the domain does not resolve (DNS)"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded), isTimeout(err):
		msg = "el servidor no respondió a tiempo / the server did not answer in time"
	case errors.Is(err, context.Canceled):
		msg = "rastreo interrumpido / crawl interrupted"
	case strings.Contains(err.Error(), "connection refused"):
		msg = "el servidor rechazó la conexión / the server refused the connection"
	case strings.Contains(err.Error(), "certificate"):
		msg = "certificado TLS no válido / invalid TLS certificate"
	default:
		msg = "error al rastrear / crawl error"
	}
	return msg + " (" + err.Error() + ")"
}

func describeStatus(se *StatusError) string {
	switch {
	case se.Code == http.StatusTooManyRequests || se.Code == http.StatusServiceUnavailable:
		s := fmt.Sprintf("el sitio pide esperar (HTTP %d) / the site asks us to wait (HTTP %d)", se.Code, se.Code)
		if se.RetryAfter > 0 {
			s += fmt.Sprintf(", Retry-After %s", se.RetryAfter)
		}
		return s
	case se.Code == http.StatusNotFound || se.Code == http.StatusGone:
		return fmt.Sprintf("la dirección ya no existe (HTTP %d) / the address no longer exists (HTTP %d)", se.Code, se.Code)
	case se.Code == http.StatusUnauthorized || se.Code == http.StatusForbidden:
		return fmt.Sprintf("el sitio nos niega el acceso (HTTP %d) / the site refuses access (HTTP %d)", se.Code, se.Code)
	case se.Code >= 500:
		return fmt.Sprintf("error del servidor del sitio (HTTP %d) / the site's server failed (HTTP %d)", se.Code, se.Code)
	}
	return fmt.Sprintf("respuesta inesperada (HTTP %d) / unexpected answer (HTTP %d)", se.Code, se.Code)
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}
