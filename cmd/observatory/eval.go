package main

import (
	"context"
	"errors"
	"os"

	"observatory/classify"
)

func runEval(ctx context.Context, app *App, args []string) error {
	fs := newFlags(app, "eval")
	set := fs.String("set", "classify/testdata/devset.jsonl", `labelled JSONL set ({"id","title","body","labels":[…]} per line; see classify/testdata)`)
	dataDir := fs.String("data-dir", "", "the shared evaluation data folder (e.g. ../shared/data) for HatEval and StereoImmigrants; empty skips them")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if _, err := os.Stat(*set); errors.Is(err, os.ErrNotExist) {
		return usagef("--set %s: no such file (run from the repository root, or name a labelled set)", *set)
	}
	cls, err := app.Classifier()
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return classify.RunEval(app.Stdio.Out, cls, *set, *dataDir)
}
