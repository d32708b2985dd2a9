package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
)

// Stdio are the streams a command reads and writes.
type Stdio struct {
	In       io.Reader
	Out, Err io.Writer
}

// Config is what the global flags and the environment set.
type Config struct {
	DataDir              string // --data, OBSERVATORY_DATA; default ./data
	AllowPrivateNetworks bool   // --allow-private-networks, OBSERVATORY_ALLOW_PRIVATE_NETWORKS=1
	LogLevel             slog.Level
	LogFormat            string // "text" or "json"
}

// DefaultConfig returns the configuration before flags and environment.
func DefaultConfig() Config {
	return Config{DataDir: "data", LogLevel: slog.LevelInfo, LogFormat: "text"}
}

// globalFlags are accepted before or after the command name.
var globalFlags = map[string]bool{ // name → takes a value
	"data":                   true,
	"allow-private-networks": false,
	"log-level":              true,
	"log-format":             true,
}

// splitGlobal separates the global flags, wherever they stand, from the
// command and its own arguments. Arguments after "--" are left alone.
func splitGlobal(args []string) (global, rest []string, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		takesValue, ok := globalFlags[name]
		if !strings.HasPrefix(a, "-") || !ok {
			rest = append(rest, a)
			continue
		}
		global = append(global, a)
		if takesValue && !hasValue {
			if i+1 >= len(args) {
				return nil, nil, fmt.Errorf("flag %s needs a value", a)
			}
			i++
			global = append(global, args[i])
		}
	}
	return global, rest, nil
}

// parseGlobal applies the environment, then the global flags, to cfg.
func parseGlobal(cfg *Config, args []string, getenv func(string) string, stderr io.Writer) error {
	if v := getenv("OBSERVATORY_DATA"); v != "" {
		cfg.DataDir = v
	}
	if v := getenv("OBSERVATORY_ALLOW_PRIVATE_NETWORKS"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("OBSERVATORY_ALLOW_PRIVATE_NETWORKS=%q: use 1 or 0", v)
		}
		cfg.AllowPrivateNetworks = b
	}
	fs := flag.NewFlagSet("observatory", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data directory (env OBSERVATORY_DATA)")
	fs.BoolVar(&cfg.AllowPrivateNetworks, "allow-private-networks", cfg.AllowPrivateNetworks,
		"let the fetcher reach loopback and private addresses (env OBSERVATORY_ALLOW_PRIVATE_NETWORKS=1)")
	level := fs.String("log-level", "info", "log level: debug, info, warn, error")
	fs.StringVar(&cfg.LogFormat, "log-format", cfg.LogFormat, "log format: text or json")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.LogLevel.UnmarshalText([]byte(*level)); err != nil {
		return fmt.Errorf("--log-level %q: use debug, info, warn or error", *level)
	}
	if cfg.LogFormat != "text" && cfg.LogFormat != "json" {
		return errors.New("--log-format: use text or json")
	}
	if cfg.DataDir == "" {
		return errors.New("--data: the data directory must not be empty")
	}
	return nil
}

func (cfg Config) logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
