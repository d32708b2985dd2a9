package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"text/tabwriter"

	"observatory/classify"
)

const lexiconsUsage = `usage:
  observatory lexicons list            the lexicon files in force and the version they make
  observatory lexicons check           validate the data directory's lexicons/ overrides (file:line: reason)
  observatory lexicons export DIR      copy the built-in lexicons into DIR to edit them
                                       (put the edited files in the data directory's lexicons/ folder)`

func runLexicons(ctx context.Context, app *App, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(app.Stdio.Err, lexiconsUsage)
		return usagef("a lexicons subcommand is required")
	}
	pos, err := parseFlags(newFlags(app, "lexicons "+args[0]), args[1:])
	if err != nil {
		return err
	}
	switch args[0] {
	case "list", "check":
		if len(pos) > 0 {
			return usagef("unexpected argument %q", pos[0])
		}
		cls, err := app.Classifier()
		if err != nil {
			return err // names the file, line and reason
		}
		if args[0] == "check" {
			fmt.Fprintf(app.Stdio.Out, "lexicons valid: version %s\n", cls.Version())
			return nil
		}
		tw := tabwriter.NewWriter(app.Stdio.Out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "FILE\tFROM\tRULES")
		for _, f := range cls.Files() {
			fmt.Fprintf(tw, "%s\t%s\t%d\n", f.Name, f.Origin, f.Rules)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(app.Stdio.Out, "version %s\n", cls.Version())
		return nil
	case "export":
		if len(pos) != 1 {
			return usagef("lexicons export takes one DIR")
		}
		return exportLexicons(pos[0])
	}
	fmt.Fprintln(app.Stdio.Err, lexiconsUsage)
	return usagef("unknown lexicons subcommand %q", args[0])
}

func exportLexicons(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	src := classify.EmbeddedLexicons()
	return fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(src, p)
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(p))
		if _, err := os.Stat(dst); err == nil {
			return fmt.Errorf("%s exists; not overwritten", dst)
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
}
