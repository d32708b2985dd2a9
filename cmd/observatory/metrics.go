package main

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"observatory"
	"observatory/crawler"
	"observatory/index"
	"observatory/store"
)

// metrics is the observatory's Prometheus registry: HTTP requests by
// route, and, read at each scrape, what the store, the index and the
// crawler hold.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(db *store.DB, ix *index.Index, cr *crawler.Crawler) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "observatory_http_requests_total", Help: "HTTP requests by route pattern and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "observatory_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
	}
	m.reg.MustRegister(m.requests, m.duration,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&storeCollector{db: db, ix: ix},
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "observatory_crawl_panics_total", Help: "Crawl jobs that panicked and were recovered.",
		}, func() float64 { return float64(cr.Panics()) }),
	)
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Timeout: 10 * time.Second})
}

// observe records one request; unmatched paths share one label so that
// scanners cannot blow up the series.
func (m *metrics) observe(pattern string, status int, took time.Duration) {
	if pattern == "" {
		pattern = "unmatched"
	}
	m.requests.WithLabelValues(pattern, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(pattern).Observe(took.Seconds())
}

// storeCollector reads counts from the store and the index at scrape time.
type storeCollector struct {
	db *store.DB
	ix *index.Index
}

var (
	descArticles = prometheus.NewDesc("observatory_articles", "Articles in the store.", nil, nil)
	descPending  = prometheus.NewDesc("observatory_index_pending", "Entries of the store's to-index log not yet in the index.", nil, nil)
	descIndexed  = prometheus.NewDesc("observatory_index_documents", "Documents in the search index.", nil, nil)
	descSources  = prometheus.NewDesc("observatory_sources", "Sources by state: active or inactive.", []string{"state"}, nil)
	descFailing  = prometheus.NewDesc("observatory_sources_failing", "Active sources whose last crawl failed.", nil, nil)
)

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descArticles, descPending, descIndexed, descSources, descFailing} {
		ch <- d
	}
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if n, err := c.db.CountArticles(ctx); err == nil {
		ch <- prometheus.MustNewConstMetric(descArticles, prometheus.GaugeValue, float64(n))
	}
	if n, err := c.db.PendingCount(ctx); err == nil {
		ch <- prometheus.MustNewConstMetric(descPending, prometheus.GaugeValue, float64(n))
	}
	if n, err := c.ix.Count(); err == nil {
		ch <- prometheus.MustNewConstMetric(descIndexed, prometheus.GaugeValue, float64(n))
	}
	srcs, err := c.db.Sources(ctx, observatory.SourceFilter{})
	if err != nil {
		return
	}
	health, err := c.db.AllHealth(ctx)
	if err != nil {
		return
	}
	active, failing := 0, 0
	for _, s := range srcs {
		if !s.Active {
			continue
		}
		active++
		if health[s.ID].ConsecutiveFailures > 0 {
			failing++
		}
	}
	ch <- prometheus.MustNewConstMetric(descSources, prometheus.GaugeValue, float64(active), "active")
	ch <- prometheus.MustNewConstMetric(descSources, prometheus.GaugeValue, float64(len(srcs)-active), "inactive")
	ch <- prometheus.MustNewConstMetric(descFailing, prometheus.GaugeValue, float64(failing))
}
