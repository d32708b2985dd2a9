package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"observatory"
)

const usersUsage = `usage:
  observatory users add --name N --role admin|coordinator|analyst [--countries CR,NI] [--password-stdin]
  observatory users list
  observatory users disable NAME
  observatory users enable NAME
  observatory users passwd NAME [--password-stdin]
  observatory tokens create --user N [--label TEXT]
  observatory tokens list [--user N]
  observatory tokens revoke ID`

func runUsers(ctx context.Context, app *App, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(app.Stdio.Err, usersUsage)
		return usagef("a users subcommand is required")
	}
	switch args[0] {
	case "add":
		return usersAdd(ctx, app, args[1:])
	case "list":
		return usersList(ctx, app, args[1:])
	case "disable", "enable":
		return usersSetDisabled(ctx, app, args[1:], args[0] == "disable")
	case "passwd":
		return usersPasswd(ctx, app, args[1:])
	}
	fmt.Fprintln(app.Stdio.Err, usersUsage)
	return usagef("unknown users subcommand %q", args[0])
}

// password returns the password to set: read from stdin (first line) with
// --password-stdin, generated otherwise.
func password(app *App, fromStdin bool) (pw string, generated bool, err error) {
	if !fromStdin {
		pw, err = observatory.GeneratePassword()
		return pw, true, err
	}
	line, err := bufio.NewReader(app.Stdio.In).ReadString('\n')
	if err != nil && line == "" {
		return "", false, usagef("--password-stdin: no password on stdin")
	}
	return strings.TrimRight(line, "\r\n"), false, nil
}

func usersAdd(ctx context.Context, app *App, args []string) error {
	fs := newFlags(app, "users add")
	name := fs.String("name", "", "sign-in name (required)")
	role := fs.String("role", "", "admin, coordinator or analyst (required)")
	countries := fs.String("countries", "", "a coordinator's countries, comma-separated (e.g. CR,NI)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from stdin instead of generating one")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	pw, generated, err := password(app, *fromStdin)
	if err != nil {
		return err
	}
	db, err := app.Store(ctx)
	if err != nil {
		return err
	}
	u := observatory.User{Name: *name, Role: *role, Countries: splitComma(*countries)}
	if err := db.CreateUser(ctx, &u, pw); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdio.Out, "created user %s (%s)\n", u.Name, u.Role)
	if generated {
		fmt.Fprintf(app.Stdio.Out, "password: %s\n", pw)
	}
	return nil
}

func splitComma(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func usersList(ctx context.Context, app *App, args []string) error {
	if _, err := parseFlags(newFlags(app, "users list"), args); err != nil {
		return err
	}
	db, err := app.Store(ctx)
	if err != nil {
		return err
	}
	users, err := db.Users(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(app.Stdio.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tCOUNTRIES\tDISABLED\tCREATED")
	for _, u := range users {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Name, u.Role, strings.Join(u.Countries, ","), yesNo(u.Disabled), u.CreatedAt.Format("2006-01-02"))
	}
	return tw.Flush()
}

func usersSetDisabled(ctx context.Context, app *App, args []string, disabled bool) error {
	pos, err := parseFlags(newFlags(app, "users"), args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("takes one user NAME")
	}
	db, err := app.Store(ctx)
	if err != nil {
		return err
	}
	u, err := db.User(ctx, pos[0])
	if err != nil {
		return err
	}
	u.Disabled = disabled
	if err := db.UpdateUser(ctx, u); err != nil {
		return err
	}
	if disabled {
		fmt.Fprintf(app.Stdio.Out, "disabled user %s: their sessions ended and their tokens stop working\n", u.Name)
	} else {
		fmt.Fprintf(app.Stdio.Out, "enabled user %s\n", u.Name)
	}
	return nil
}

func usersPasswd(ctx context.Context, app *App, args []string) error {
	fs := newFlags(app, "users passwd")
	fromStdin := fs.Bool("password-stdin", false, "read the password from stdin instead of generating one")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("users passwd takes one user NAME")
	}
	pw, generated, err := password(app, *fromStdin)
	if err != nil {
		return err
	}
	db, err := app.Store(ctx)
	if err != nil {
		return err
	}
	if err := db.SetPassword(ctx, pos[0], pw, ""); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdio.Out, "password of %s changed; their sessions ended\n", pos[0])
	if generated {
		fmt.Fprintf(app.Stdio.Out, "password: %s\n", pw)
	}
	return nil
}

func runTokens(ctx context.Context, app *App, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(app.Stdio.Err, usersUsage)
		return usagef("a tokens subcommand is required")
	}
	fs := newFlags(app, "tokens "+args[0])
	user := fs.String("user", "", "the user the token acts as")
	label := fs.String("label", "", "what the token is for")
	pos, err := parseFlags(fs, args[1:])
	if err != nil {
		return err
	}
	db, err := app.Store(ctx)
	if err != nil {
		return err
	}
	switch args[0] {
	case "create":
		if *user == "" || len(pos) > 0 {
			return usagef("tokens create --user N [--label TEXT]")
		}
		secret, tok, err := db.CreateToken(ctx, *user, *label)
		if err != nil {
			return err
		}
		fmt.Fprintln(app.Stdio.Out, secret)
		fmt.Fprintf(app.Stdio.Err, "token %s for %s created; it is shown once: send it as \"Authorization: Bearer <token>\"\n", tok.ID, tok.User)
		return nil
	case "list":
		toks, err := db.Tokens(ctx, *user)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(app.Stdio.Out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tUSER\tLABEL\tCREATED\tLAST USED\tREVOKED")
		for _, t := range toks {
			last := ""
			if !t.LastUsed.IsZero() {
				last = t.LastUsed.Format("2006-01-02 15:04")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.User, t.Label, t.CreatedAt.Format("2006-01-02"), last, yesNo(t.Revoked))
		}
		return tw.Flush()
	case "revoke":
		if len(pos) != 1 {
			return usagef("tokens revoke takes one token ID")
		}
		if err := db.RevokeToken(ctx, pos[0], ""); err != nil {
			return err
		}
		fmt.Fprintf(app.Stdio.Out, "token %s revoked\n", pos[0])
		return nil
	}
	fmt.Fprintln(app.Stdio.Err, usersUsage)
	return usagef("unknown tokens subcommand %q", args[0])
}
