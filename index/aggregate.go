package index

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"

	"observatory"
)

// Dashboard aggregations. Each item carries, per tag it has and once for
// "all items", a keyword "tag|country|source|period" for its ISO week and
// another for its month; one terms facet over the filtered items then
// yields every count at once, which Aggregate folds per country and per
// outlet.

// allTag stands for "every item" in the aggregate keywords and results.
const allTag = "*"

func setAggregates(d *doc) {
	if d.Published.IsZero() {
		return
	}
	week, month := isoWeek(d.Published), d.Month
	for _, t := range append([]string{allTag}, d.Tag...) {
		prefix := t + "|" + d.Country + "|" + d.Source + "|"
		d.AggWeek = append(d.AggWeek, prefix+week)
		d.AggMonth = append(d.AggMonth, prefix+month)
	}
}

// AggregateQuery selects what Aggregate counts: the items a SearchQuery
// would find (its Q and filters; From and To bound the periods; Page,
// Size and Sort are ignored), per Interval, "week" (ISO weeks such as
// "2026-W47", the default) or "month" ("2026-11").
type AggregateQuery struct {
	observatory.SearchQuery
	Interval string
}

// Aggregation holds the dashboard counts. In each map the tag "*" counts
// all the items, tagged or not, so that shares can be computed.
type Aggregation struct {
	Interval string   `json:"interval"`
	Periods  []string `json:"periods"` // every period with items, in order
	// ByCountry[tag][period][country] and BySource[tag][period][source]
	// count the items carrying tag (or all, for "*").
	ByCountry map[string]map[string]map[string]int `json:"by_country"`
	BySource  map[string]map[string]map[string]int `json:"by_source"`
	// Share[source][tag] is the fraction of the outlet's items in the
	// whole selection that carry tag.
	Share map[string]map[string]float64 `json:"share"`
	// Total[tag] counts the selection's items per tag ("*": all).
	Total map[string]int `json:"total"`
}

// maxAggregateTerms bounds the distinct tag|country|source|period keys one
// aggregation reads; narrow the date range past it.
const maxAggregateTerms = 200_000

// Aggregate counts the selected items per tag, period, country and outlet.
func (ix *Index) Aggregate(ctx context.Context, q AggregateQuery) (*Aggregation, error) {
	field := fieldAggWeek
	switch q.Interval {
	case "", "week":
		q.Interval = "week"
	case "month":
		field = fieldAggMonth
	default:
		return nil, queryErr("intervalo desconocido «%s»: use week o month / unknown interval %q: use week or month", q.Interval, q.Interval)
	}
	main, err := parseQuery(q.Q, ix.mapping)
	if err != nil {
		return nil, err
	}
	full, err := withFilters(main, q.SearchQuery)
	if err != nil {
		return nil, err
	}
	req := bleve.NewSearchRequestOptions(full, 0, 0, false)
	req.AddFacet("agg", bleve.NewFacetRequest(field, maxAggregateTerms))
	res, err := ix.run(ctx, req, q.Country)
	if err != nil {
		return nil, err
	}
	agg := &Aggregation{
		Interval:  q.Interval,
		ByCountry: map[string]map[string]map[string]int{},
		BySource:  map[string]map[string]map[string]int{},
		Share:     map[string]map[string]float64{},
		Total:     map[string]int{},
	}
	periods := map[string]bool{}
	perSource := map[string]map[string]int{} // source → tag → count
	if fr, ok := res.Facets["agg"]; ok && fr.Terms != nil {
		for _, t := range fr.Terms.Terms() {
			parts := strings.Split(t.Term, "|")
			if len(parts) != 4 {
				continue
			}
			tag, country, source, period := parts[0], parts[1], parts[2], parts[3]
			periods[period] = true
			add3(agg.ByCountry, tag, period, country, t.Count)
			add3(agg.BySource, tag, period, source, t.Count)
			if perSource[source] == nil {
				perSource[source] = map[string]int{}
			}
			perSource[source][tag] += t.Count
			agg.Total[tag] += t.Count
		}
	}
	for p := range periods {
		agg.Periods = append(agg.Periods, p)
	}
	slices.Sort(agg.Periods)
	for source, tags := range perSource {
		all := tags[allTag]
		if all == 0 {
			continue
		}
		agg.Share[source] = map[string]float64{}
		for tag, n := range tags {
			if tag != allTag {
				agg.Share[source][tag] = float64(n) / float64(all)
			}
		}
	}
	return agg, nil
}

func add3(m map[string]map[string]map[string]int, a, b, c string, n int) {
	if m[a] == nil {
		m[a] = map[string]map[string]int{}
	}
	if m[a][b] == nil {
		m[a][b] = map[string]int{}
	}
	m[a][b][c] += n
}

// weekRange returns the instants an ISO week "2026-W47" spans.
func weekRange(s string) (time.Time, time.Time, bool) {
	var y, w int
	if n, err := fmt.Sscanf(strings.ToUpper(s), "%d-W%d", &y, &w); err != nil || n != 2 || w < 1 || w > 53 {
		return time.Time{}, time.Time{}, false
	}
	// 4 January is always in week 1
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+(w-1)*7)
	if isoWeek(monday) != fmt.Sprintf("%d-W%02d", y, w) {
		return time.Time{}, time.Time{}, false
	}
	return monday, monday.AddDate(0, 0, 7), true
}
