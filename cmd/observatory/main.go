// Command observatory is the media observatory on migration and gender:
// one binary that serves the web UI and API, crawls the registered outlets,
// classifies and indexes their coverage, and runs the maintenance tasks.
//
// Usage: observatory [global flags] <command> [flags]; see "observatory help".
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Run(ctx, os.Args[1:], Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}, os.Getenv)
	stop()
	os.Exit(code)
}
