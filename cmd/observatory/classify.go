package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"observatory/classify"
)

// maxClassifyBytes caps the text "classify" reads from stdin (one text;
// --jsonl streams and caps each line instead).
const maxClassifyBytes = 64 << 20

func runClassify(ctx context.Context, app *App, args []string) error {
	fs := newFlags(app, "classify")
	title := fs.String("title", "", "the text's title (title matches weigh more)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	jsonl := fs.Bool("jsonl", false, `batch: each stdin line {"id","title","body"} gives one stdout line {"id","tags":[…],"lexicon_version"}`)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("classify reads stdin; unexpected argument %q", pos[0])
	}
	if *asJSON && *jsonl {
		return usagef("--json and --jsonl exclude each other")
	}
	cls, err := app.Classifier()
	if err != nil {
		return err
	}
	if *jsonl {
		return classify.ClassifyJSONL(ctx, cls, app.Stdio.In, app.Stdio.Out)
	}
	data, err := io.ReadAll(io.LimitReader(app.Stdio.In, maxClassifyBytes+1))
	if err != nil {
		return err
	}
	if len(data) > maxClassifyBytes {
		return usagef("the text is larger than %d MiB; use --jsonl for batches", maxClassifyBytes>>20)
	}
	body := string(data)
	if strings.TrimSpace(body) == "" && *title == "" {
		return usagef("no text on stdin")
	}
	res := cls.Analyze(*title, body)
	if *asJSON {
		return classify.WriteJSON(app.Stdio.Out, res)
	}
	if err := classify.WriteText(app.Stdio.Out, res); err != nil {
		return fmt.Errorf("writing result: %w", err)
	}
	return nil
}
