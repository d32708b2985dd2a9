package crawler

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// String is one line for logs and `crawl --once`.
func (s Summary) String() string {
	out := fmt.Sprintf("%s: %d items, %d nuevos/new, %d conocidos/known, %d fallidos/failed, %s",
		s.SourceID, s.Items, s.New, s.Known, s.Failed, s.Duration.Round(time.Millisecond))
	if s.Skipped != "" {
		out += " — omitida/skipped: " + s.Skipped
	}
	if s.Err != "" {
		out += " — " + s.Err
	}
	return out
}

// WriteSummary prints a table of summaries for `crawl --once`, with a
// total line.
func WriteSummary(w io.Writer, sums []Summary) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FUENTE/SOURCE\tITEMS\tNUEVOS/NEW\tCONOCIDOS/KNOWN\tFALLIDOS/FAILED\tDURACIÓN/TIME\tESTADO/STATUS")
	var items, fresh, known, failed int
	var errs int
	for _, s := range sums {
		status := "ok"
		switch {
		case s.Skipped != "":
			status = "omitida/skipped: " + s.Skipped
		case s.Err != "":
			status = s.Err
			errs++
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%s\t%s\n", s.SourceID, s.Items, s.New, s.Known, s.Failed,
			s.Duration.Round(time.Millisecond), status)
		items, fresh, known, failed = items+s.Items, fresh+s.New, known+s.Known, failed+s.Failed
	}
	fmt.Fprintf(tw, "TOTAL (%d fuentes/sources, %d con error/with errors)\t%d\t%d\t%d\t%d\t\t\n", len(sums), errs, items, fresh, known, failed)
	return tw.Flush()
}
