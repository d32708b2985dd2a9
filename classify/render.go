package classify

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"observatory"
)

// WriteText prints a result for people: each tag with its score against
// the threshold, the decision, the sub-tags and every piece of evidence with
// its sentence. Spanish first, English second.
func WriteText(w io.Writer, r Result) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "Léxico / lexicon: %s\n", r.LexiconVersion)
	for _, t := range r.Tags {
		mark := "no asignada / not assigned"
		if t.Assigned {
			mark = "ASIGNADA / ASSIGNED"
		}
		fmt.Fprintf(bw, "\n%s / %s [%s]: %s (puntaje / score %.2f, umbral / threshold %.2f)\n", t.LabelES, t.LabelEN, t.Tag, mark, t.Score, t.Threshold)
		for _, s := range t.Subtags {
			state := "-"
			if s.Assigned {
				state = "✓"
			}
			fmt.Fprintf(bw, "  %s %s / %s [%s] %.2f\n", state, s.LabelES, s.LabelEN, s.ID, s.Score)
		}
		for _, e := range t.Explanation {
			sub := ""
			if e.Subtag != "" {
				sub = " [" + e.Subtag + "]"
			}
			fmt.Fprintf(bw, "  • %q (%s) %+.2f%s — %s@%d, %s\n      «%s»\n", e.Term, e.Matched, e.Weight, sub, e.Field, e.Position, e.Rule, e.Sentence)
		}
	}
	return bw.Flush()
}

// WriteJSON prints a result as indented JSON.
func WriteJSON(w io.Writer, r Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// MaxJSONLLine is the longest input line ClassifyJSONL accepts.
const MaxJSONLLine = 16 << 20

// JSONLInput is one line of `observatory classify --jsonl` input.
type JSONLInput struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Body  string `json:"body"`
}

// JSONLOutput is one line of its output: the classification plus the id.
// A bad input line gives a line with no tags and "line" and "error" set.
type JSONLOutput struct {
	ID string `json:"id"`
	observatory.Classification
}

// jsonlError stands in the output for a bad input line. It keeps the
// shape of a result line (id, no tags, lexicon_version), so that output
// line N always answers input line N, and adds the line number and why.
type jsonlError struct {
	ID             string   `json:"id"`
	Tags           []string `json:"tags"`
	LexiconVersion string   `json:"lexicon_version"`
	Line           int      `json:"line"`
	Error          string   `json:"error"`
}

// BatchError reports the bad lines of a batch that otherwise ran to the end.
type BatchError struct {
	Lines []int // 1-based numbers of the bad lines
	Total int   // lines read
}

func (e *BatchError) Error() string {
	const show = 10
	nums := make([]string, 0, show)
	for i, n := range e.Lines {
		if i == show {
			nums = append(nums, "…")
			break
		}
		nums = append(nums, fmt.Sprint(n))
	}
	return fmt.Sprintf("classify: %d de %d líneas inválidas / %d of %d lines invalid (lines %s)", len(e.Lines), e.Total, len(e.Lines), e.Total, strings.Join(nums, ", "))
}

// ClassifyJSONL classifies a stream: each input line {"id","title","body"}
// gives one output line {"id","tags":[…],"lexicon_version"}. A bad line
// (invalid JSON, too long) gives {"line":N,"error":"…"} in its place and the
// batch goes on; at the end a *BatchError lists the bad lines. Blank lines
// are skipped. It stops early only when ctx is done or writing fails.
func ClassifyJSONL(ctx context.Context, c *Classifier, r io.Reader, w io.Writer) error {
	br := bufio.NewReaderSize(r, 64<<10)
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	var (
		bad  []int
		n    int
		line []byte
	)
	for {
		if err := ctx.Err(); err != nil {
			bw.Flush()
			return err
		}
		var tooLong bool
		var err error
		line, tooLong, err = readLine(br, line[:0], MaxJSONLLine)
		if err != nil && !errors.Is(err, io.EOF) {
			bw.Flush()
			return fmt.Errorf("classify: reading line %d: %w", n+1, err)
		}
		if len(line) == 0 && !tooLong && errors.Is(err, io.EOF) {
			break
		}
		n++
		atEOF := errors.Is(err, io.EOF)
		trimmed := bytes.TrimSpace(line)
		var out any
		switch {
		case tooLong:
			out = jsonlError{Tags: []string{}, LexiconVersion: c.Version(), Line: n, Error: fmt.Sprintf("línea %d demasiado larga / line %d too long (more than %d bytes)", n, n, MaxJSONLLine)}
		case len(trimmed) == 0:
			// blank lines are skipped, but counted so numbers match the input
		default:
			var in JSONLInput
			if jerr := json.Unmarshal(trimmed, &in); jerr != nil {
				out = jsonlError{Tags: []string{}, LexiconVersion: c.Version(), Line: n, Error: fmt.Sprintf("línea %d: JSON inválido / line %d: invalid JSON: %v", n, n, jerr)}
			} else {
				out = JSONLOutput{ID: in.ID, Classification: c.Classify(in.Title, in.Body)}
			}
		}
		if e, ok := out.(jsonlError); ok {
			bad = append(bad, e.Line)
		}
		if out != nil {
			if err := enc.Encode(out); err != nil {
				return fmt.Errorf("classify: writing line %d: %w", n, err)
			}
		}
		if atEOF {
			break
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("classify: %w", err)
	}
	if len(bad) > 0 {
		return &BatchError{Lines: bad, Total: n}
	}
	return nil
}

// readLine reads one line into buf (without the newline). A line longer
// than limit is consumed and reported with tooLong, its content dropped.
func readLine(br *bufio.Reader, buf []byte, limit int) (line []byte, tooLong bool, err error) {
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > limit+1 {
				tooLong = true
				buf = buf[:0]
			} else {
				buf = append(buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		buf = bytes.TrimSuffix(buf, []byte("\n"))
		return buf, tooLong, err
	}
}
