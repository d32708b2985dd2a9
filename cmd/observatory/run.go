package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"observatory"
	"observatory/store"
)

// command is one subcommand.
type command struct {
	usage   string // after "observatory "
	summary string
	run     func(ctx context.Context, app *App, args []string) error
}

// commands lists every subcommand.
func commands() map[string]command {
	return map[string]command{
		"serve":      {"serve [--addr 127.0.0.1:8080] [--crawl-schedule SPEC] [--no-crawl]", "web UI, JSON API and scheduled crawls, until SIGINT/SIGTERM", runServe},
		"crawl":      {"crawl --once [--source ID]…", "one crawl cycle of all (or the given) sources, then a summary", runCrawl},
		"sources":    {"sources add|list|show|history|import|export …", "the media directory (run \"observatory sources\" for details)", runSources},
		"actors":     {"actors add|list|show|export|delete|history …", "the actors directory (run \"observatory actors\" for details)", runActors},
		"classify":   {"classify [--title T] [--json | --jsonl]", "classify text from stdin and explain the tags", runClassify},
		"extract":    {"extract --url URL [FILE]", "extract the article from a saved HTML page (FILE or stdin) as JSON", runExtract},
		"eval":       {"eval [--set FILE] [--data-dir ../shared/data]", "precision, recall and F1 of the classifier (and a naive baseline) on labelled sets", runEval},
		"lexicons":   {"lexicons list|check|export DIR", "the classifier's lexicons: what is in force, validate overrides, copy the built-in ones", runLexicons},
		"reindex":    {"reindex", "rebuild the search index from the store", runReindex},
		"reclassify": {"reclassify", "re-tag every stored article with the current lexicons", runReclassify},
		"users":      {"users add|list|disable|enable|passwd …", "staff accounts (run \"observatory users\" for details)", runUsers},
		"tokens":     {"tokens create --user N | list | revoke ID", "API tokens for scripts", runTokens},
		"backup":     {"backup FILE", "write a consistent copy of the store to FILE", runBackup},
		"restore":    {"restore FILE", "replace the store with a backup (the server must be stopped)", runRestore},
	}
}

// Run runs the observatory command line and returns the exit code.
func Run(ctx context.Context, args []string, stdio Stdio, getenv func(string) string) int {
	cfg := DefaultConfig()
	global, rest, err := splitGlobal(args)
	if err == nil {
		err = parseGlobal(&cfg, global, getenv, stdio.Err)
	}
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stdio.Err, "observatory:", err)
		}
		return 2
	}
	if len(rest) == 0 || rest[0] == "help" || rest[0] == "-h" || rest[0] == "--help" {
		usage(stdio.Out)
		if len(rest) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands()[rest[0]]
	if !ok {
		fmt.Fprintf(stdio.Err, "observatory: unknown command %q\n\n", rest[0])
		usage(stdio.Err)
		return 2
	}
	app := &App{Config: cfg, Stdio: stdio, Log: cfg.logger(stdio.Err), getenv: getenv}
	err = cmd.run(ctx, app, rest[1:])
	if cerr := app.Close(); err == nil {
		err = cerr
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(usageError)):
		fmt.Fprintf(stdio.Err, "observatory %s: %v\nusage: observatory %s\n", rest[0], err, cmd.usage)
		return 2
	case errors.Is(err, store.ErrLocked):
		fmt.Fprintln(stdio.Err, "observatory:", err)
		return 3
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stdio.Err, "observatory: interrupted")
		return 130
	case errors.Is(err, observatory.ErrInvalid), errors.Is(err, observatory.ErrNotFound), errors.Is(err, observatory.ErrConflict):
		fmt.Fprintf(stdio.Err, "observatory %s: %v\n", rest[0], err)
		return 1
	}
	fmt.Fprintf(stdio.Err, "observatory %s: %v\n", rest[0], err)
	return 1
}

// usageError is a mistake in a command's arguments (exit code 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func usage(w io.Writer) {
	fmt.Fprint(w, `Observatory: media observatory on migration, gender and xenophobia.

usage: observatory [global flags] <command> [flags]

commands:
`)
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-58s %s\n", cmds[n].usage, cmds[n].summary)
	}
	fmt.Fprint(w, `
global flags (before or after the command):
  --data DIR                  data directory (default ./data, env OBSERVATORY_DATA)
  --allow-private-networks    let the fetcher reach loopback and private addresses
                              (env OBSERVATORY_ALLOW_PRIVATE_NETWORKS=1); for tests and intranets
  --log-level LEVEL           debug, info, warn or error (default info)
  --log-format FORMAT         text or json (default text)
`)
}

// newFlags makes a command's flag set that reports to stderr.
func newFlags(app *App, name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(app.Stdio.Err)
	return fs
}

// parseFlags parses args, flags and positional arguments in any order,
// and returns the positional ones. Flag errors become usage errors.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error {
	*l = append(*l, v)
	return nil
}
