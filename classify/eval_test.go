package classify

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// sharedData is the project's evaluation data folder, relative to this package.
var sharedData = filepath.Join("..", "..", "shared", "data")

func TestEvalPrint(t *testing.T) {
	if os.Getenv("CLASSIFY_EVAL") == "" {
		t.Skip("set CLASSIFY_EVAL=1 to print the evaluation table")
	}
	c := newDefault(t)
	dir := sharedData
	if _, err := os.Stat(dir); err != nil {
		dir = ""
	}
	if err := RunEval(os.Stdout, c, filepath.Join("testdata", "devset.jsonl"), dir); err != nil {
		t.Fatal(err)
	}
}

func TestEvalErrors(t *testing.T) {
	if os.Getenv("CLASSIFY_EVAL") == "" {
		t.Skip("set CLASSIFY_EVAL=1 to list the dev set errors")
	}
	c := newDefault(t)
	items, err := LoadDevSet(filepath.Join("testdata", "devset.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		r := c.Analyze(it.Title, it.Body)
		pred := predictionLabels(r)
		for _, l := range NewsLabels {
			gold, got := slices.Contains(it.Tags, l), slices.Contains(pred, l)
			if gold == got {
				continue
			}
			kind := "FN"
			if got {
				kind = "FP"
			}
			tag := l
			if l == SubtagFemaleMigration {
				tag = "gender"
			}
			ts, _ := r.Tag(tag)
			var ev []string
			for _, e := range ts.Explanation {
				ev = append(ev, fmt.Sprintf("%s(%s)%+.1f", e.Term, e.Subtag, e.Weight))
			}
			t.Logf("%s %s %s score=%.2f %q :: %s", kind, l, it.ID, ts.Score, it.Title, strings.Join(ev, "; "))
		}
	}
}
