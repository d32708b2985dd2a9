package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"observatory"
	"observatory/sources"
)

const sourcesUsage = `usage:
  observatory sources add --name N --country CC --medium M --homepage URL [--feed URL]… [--sitemap URL]…
                          [--scope national|regional|local] [--language es]… [--focus F] [--owner O]
                          [--notes TEXT] [--schedule CRON] [--id ID] [--inactive]
  observatory sources list [--country CC] [--medium M] [--q TEXT] [--json]
  observatory sources show ID
  observatory sources history ID
  observatory sources import FILE [--format csv|opml]
  observatory sources export [--format csv|opml]`

func runSources(ctx context.Context, app *App, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(app.Stdio.Err, sourcesUsage)
		return usagef("a sources subcommand is required")
	}
	switch args[0] {
	case "add":
		return sourcesAdd(ctx, app, args[1:])
	case "list":
		return sourcesList(ctx, app, args[1:])
	case "show":
		return sourcesShow(ctx, app, args[1:])
	case "history":
		return printHistoryOf(ctx, app, "sources history", observatory.EntitySource, args[1:])
	case "import":
		return sourcesImport(ctx, app, args[1:])
	case "export":
		return sourcesExport(ctx, app, args[1:])
	}
	fmt.Fprintln(app.Stdio.Err, sourcesUsage)
	return usagef("unknown sources subcommand %q", args[0])
}

func sourcesAdd(ctx context.Context, app *App, args []string) error {
	fs := newFlags(app, "sources add")
	var s observatory.Source
	var feeds, sitemaps, langs stringList
	fs.StringVar(&s.ID, "id", "", "identifier (default: derived from country and name)")
	fs.StringVar(&s.Name, "name", "", "outlet name (required)")
	fs.StringVar(&s.Country, "country", "", "pilot country code: GT HN SV NI CR PA CO DO (required)")
	fs.StringVar(&s.Medium, "medium", "", "print, radio, tv, online or agency (required)")
	fs.StringVar(&s.Homepage, "homepage", "", "homepage URL (required)")
	fs.Var(&feeds, "feed", "RSS/Atom feed URL (repeatable)")
	fs.Var(&sitemaps, "sitemap", "news sitemap URL (repeatable)")
	fs.Var(&langs, "language", "language code, e.g. es (repeatable; default es)")
	fs.StringVar(&s.Scope, "scope", "", "national, regional or local")
	fs.StringVar(&s.Focus, "focus", "", "general, or a speciality such as migration, women, human-rights")
	fs.StringVar(&s.Owner, "owner", "", "owner or media group")
	fs.StringVar(&s.Notes, "notes", "", "notes")
	fs.StringVar(&s.Schedule, "schedule", "", "cron schedule (default: the server's)")
	inactive := fs.Bool("inactive", false, "register without crawling it")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q (flags take their value after them)", pos[0])
	}
	s.Feeds, s.Sitemaps, s.Languages, s.Active = feeds, sitemaps, langs, !*inactive
	db, err := app.Store(ctx)
	if err != nil {
		return err
	}
	if err := db.CreateSource(ctx, &s, cliUser()); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdio.Out, "created source %s (%s, %s)\n", s.ID, s.Name, s.Country)
	return nil
}

// cliUser names who made a change from the command line.
func cliUser() string {
	if u := os.Getenv("USER"); u != "" {
		return "cli:" + u
	}
	return "cli"
}

func sourcesList(ctx context.Context, app *App, args []string) error {
	fs := newFlags(app, "sources list")
	var f observatory.SourceFilter
	fs.StringVar(&f.Country, "country", "", "only this country")
	fs.StringVar(&f.Medium, "medium", "", "only this medium")
	fs.StringVar(&f.Q, "q", "", "name or homepage contains")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := app.Store(ctx)
	if err != nil {
		return err
	}
	list, err := db.Sources(ctx, f)
	if err != nil {
		return err
	}
	if *asJSON {
		if list == nil {
			list = []observatory.Source{}
		}
		return printJSON(app.Stdio.Out, map[string]any{"total": len(list), "sources": list})
	}
	tw := tabwriter.NewWriter(app.Stdio.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCOUNTRY\tMEDIUM\tACTIVE\tFEEDS\tNAME\tHOMEPAGE")
	for _, s := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", s.ID, s.Country, s.Medium, yesNo(s.Active), len(s.Feeds)+len(s.Sitemaps), s.Name, s.Homepage)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdio.Out, "%d sources\n", len(list))
	return nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func sourcesShow(ctx context.Context, app *App, args []string) error {
	fs := newFlags(app, "sources show")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("sources show takes one source ID")
	}
	db, err := app.Store(ctx)
	if err != nil {
		return err
	}
	s, err := db.Source(ctx, pos[0])
	if err != nil {
		return err
	}
	h, err := db.Health(ctx, s.ID)
	if err != nil {
		return err
	}
	return printJSON(app.Stdio.Out, map[string]any{"source": s, "health": h})
}

func sourcesImport(ctx context.Context, app *App, args []string) error {
	fs := newFlags(app, "sources import")
	format := fs.String("format", "", "csv or opml (default: from the file)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("sources import takes one FILE (- for stdin)")
	}
	var in io.Reader = app.Stdio.In
	if pos[0] != "-" {
		f, err := os.Open(pos[0])
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
		if *format == "" && strings.HasSuffix(strings.ToLower(pos[0]), ".opml") {
			*format = "opml"
		}
	}
	db, err := app.Store(ctx)
	if err != nil {
		return err
	}
	rep, err := sources.Import(ctx, db, in, *format, cliUser())
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdio.Out, "created %d, updated %d, unchanged %d, rejected %d\n", rep.Created, rep.Updated, rep.Unchanged, len(rep.Errors))
	for _, e := range rep.Errors {
		fmt.Fprintln(app.Stdio.Err, e.String())
	}
	if len(rep.Errors) > 0 {
		return fmt.Errorf("%d rows rejected: %w", len(rep.Errors), observatory.ErrInvalid)
	}
	return nil
}

func sourcesExport(ctx context.Context, app *App, args []string) error {
	fs := newFlags(app, "sources export")
	format := fs.String("format", "csv", "csv or opml")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format != "csv" && *format != "opml" {
		return usagef("--format: use csv or opml")
	}
	db, err := app.Store(ctx)
	if err != nil {
		return err
	}
	list, err := db.Sources(ctx, observatory.SourceFilter{})
	if err != nil {
		return err
	}
	return sources.Export(app.Stdio.Out, list, *format)
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
