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

// TestEvalErrors lists every false positive and false negative of the
// classifier on the dev sets (and, with the shared data, HatEval and
// StereoImmigrants) with the evidence behind each decision.
// CLASSIFY_EVAL_SET limits it to the sets whose name contains that text.
func TestEvalErrors(t *testing.T) {
	if os.Getenv("CLASSIFY_EVAL") == "" {
		t.Skip("set CLASSIFY_EVAL=1 to list the dev set errors")
	}
	c := newDefault(t)
	dir := sharedData
	if _, err := os.Stat(dir); err != nil {
		dir = ""
	}
	sets, err := LoadEvalSets(filepath.Join("testdata", "devset.jsonl"), dir)
	if err != nil {
		t.Fatal(err)
	}
	only := os.Getenv("CLASSIFY_EVAL_SET")
	for _, set := range sets {
		if !strings.Contains(set.Name, only) {
			continue
		}
		for _, it := range set.Items {
			r := c.Analyze(it.Title, it.Body)
			pred := predictionLabels(r)
			for _, l := range set.Labels {
				gold, got := slices.Contains(it.Tags, l), slices.Contains(pred, l)
				if gold == got {
					continue
				}
				kind := "FN"
				if got {
					kind = "FP"
				}
				tag := l
				switch l {
				case SubtagFemaleMigration:
					tag = "gender"
				case LabelThreat:
					tag = "xenophobia"
				}
				ts, _ := r.Tag(tag)
				var ev []string
				for _, e := range ts.Explanation {
					if l == SubtagFemaleMigration && e.Subtag != SubtagFemaleMigration {
						continue
					}
					ev = append(ev, fmt.Sprintf("%s(%s)%+.1f", e.Term, e.Subtag, e.Weight))
				}
				title := it.Title
				if title == "" {
					title = it.Body
				}
				t.Logf("%s %s %s score=%.2f %q :: %s", kind, l, it.ID, ts.Score, title, strings.Join(ev, "; "))
			}
		}
	}
}

// TestLoadEvalSetsBlind checks that blind batches beside the dev set are
// loaded and reported as their own sets, after the dev companions.
func TestLoadEvalSetsBlind(t *testing.T) {
	dir := t.TempDir()
	line := `{"id":"a","title":"t","body":"b","tags":[]}` + "\n"
	for _, n := range []string{"devset.jsonl", "devset-news.jsonl", "blind-r9.jsonl", "blind-r1.jsonl", "other.jsonl", "blind-notes.txt"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(line), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	sets, err := LoadEvalSets(filepath.Join(dir, "devset.jsonl"), "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range sets {
		got = append(got, s.Name)
	}
	want := []string{"dev (devset.jsonl)", "dev (devset-news.jsonl)", "blind (blind-r1.jsonl)", "blind (blind-r9.jsonl)"}
	if !slices.Equal(got, want) {
		t.Errorf("sets: got %q, want %q", got, want)
	}
}
