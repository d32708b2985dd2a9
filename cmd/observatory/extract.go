package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"observatory"
	"observatory/crawler/extract"
)

// maxPageBytes caps the HTML page extract reads.
const maxPageBytes = 32 << 20

func runExtract(ctx context.Context, app *App, args []string) error {
	fs := newFlags(app, "extract")
	pageURL := fs.String("url", "", "the URL the page was fetched from (resolves its links and canonical URL)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *pageURL == "" {
		return usagef("--url is required")
	}
	if msg := observatory.CheckWebURL(*pageURL); msg != "" {
		return usagef("--url %s: %s", *pageURL, msg)
	}
	if len(pos) > 1 {
		return usagef("at most one FILE")
	}
	var in io.Reader = app.Stdio.In
	if len(pos) == 1 && pos[0] != "-" {
		f, err := os.Open(pos[0])
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	data, err := io.ReadAll(io.LimitReader(in, maxPageBytes+1))
	if err != nil {
		return err
	}
	if len(data) > maxPageBytes {
		return fmt.Errorf("the page is larger than %d MiB: %w", maxPageBytes>>20, observatory.ErrInvalid)
	}
	res, err := extract.Extract(bytes.NewReader(data), *pageURL)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(app.Stdio.Out)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}
