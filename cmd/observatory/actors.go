package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"observatory"
)

const actorsUsage = `usage:
  observatory actors add --name N --country CC --kind K [--area A]… [--role R] [--website URL]
                         [--email E] [--phone P] [--council] [--notes TEXT] [--document ID-or-URL]… [--id ID]
  observatory actors list [--country CC] [--kind K] [--area A] [--q TEXT] [--council] [--json]
  observatory actors show ID
  observatory actors export [--country CC]      CSV with contact details, to stdout
  observatory actors delete ID
  observatory actors history ID

kinds: government, ngo, academic, international, media, person`

func runActors(ctx context.Context, app *App, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(app.Stdio.Err, actorsUsage)
		return usagef("an actors subcommand is required")
	}
	switch args[0] {
	case "add":
		return actorsAdd(ctx, app, args[1:])
	case "list":
		return actorsList(ctx, app, args[1:])
	case "show":
		return actorsShow(ctx, app, args[1:])
	case "export":
		return actorsExport(ctx, app, args[1:])
	case "delete":
		return actorsDelete(ctx, app, args[1:])
	case "history":
		return printHistoryOf(ctx, app, "actors history", observatory.EntityActor, args[1:])
	}
	fmt.Fprintln(app.Stdio.Err, actorsUsage)
	return usagef("unknown actors subcommand %q", args[0])
}

func actorsAdd(ctx context.Context, app *App, args []string) error {
	fs := newFlags(app, "actors add")
	var a observatory.Actor
	var areas, docs stringList
	fs.StringVar(&a.ID, "id", "", "identifier (default: derived from country and name)")
	fs.StringVar(&a.Name, "name", "", "name of the institution, organisation or person (required)")
	fs.StringVar(&a.Country, "country", "", "pilot country code: GT HN SV NI CR PA CO DO (required)")
	fs.StringVar(&a.Kind, "kind", "", "government, ngo, academic, international, media or person (required)")
	fs.Var(&areas, "area", "area of work, e.g. migration, trafficking, gender-violence (repeatable)")
	fs.StringVar(&a.Role, "role", "", "a person's post, or the organisation's part in the field")
	fs.StringVar(&a.Website, "website", "", "website URL")
	fs.StringVar(&a.Email, "email", "", "contact e-mail (personal data: staff only)")
	fs.StringVar(&a.Phone, "phone", "", "contact phone (personal data: staff only)")
	fs.BoolVar(&a.CouncilCandidate, "council", false, "candidate for the country observatory's council")
	fs.StringVar(&a.Notes, "notes", "", "notes (staff only)")
	fs.Var(&docs, "document", "library document the actor authored: its ID or URL (repeatable)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q (flags take their value after them)", pos[0])
	}
	a.Areas, a.Documents = areas, docs
	db, err := app.Store(ctx)
	if err != nil {
		return err
	}
	if err := db.CreateActor(ctx, &a, cliUser()); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdio.Out, "created actor %s (%s, %s)\n", a.ID, a.Name, a.Country)
	return nil
}

func actorsList(ctx context.Context, app *App, args []string) error {
	fs := newFlags(app, "actors list")
	var f observatory.ActorFilter
	fs.StringVar(&f.Country, "country", "", "only this country")
	fs.StringVar(&f.Kind, "kind", "", "only this kind")
	fs.StringVar(&f.Area, "area", "", "only this area of work")
	fs.StringVar(&f.Q, "q", "", "name, role or area contains")
	fs.BoolVar(&f.CouncilOnly, "council", false, "only council candidates")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := app.Store(ctx)
	if err != nil {
		return err
	}
	f.Country = strings.ToUpper(f.Country)
	list, err := db.Actors(ctx, f)
	if err != nil {
		return err
	}
	if *asJSON {
		if list == nil {
			list = []observatory.Actor{}
		}
		return printJSON(app.Stdio.Out, map[string]any{"total": len(list), "actors": list})
	}
	tw := tabwriter.NewWriter(app.Stdio.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCOUNTRY\tKIND\tCOUNCIL\tNAME\tAREAS")
	for _, a := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", a.ID, a.Country, a.Kind, yesNo(a.CouncilCandidate), a.Name, strings.Join(a.Areas, ", "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdio.Out, "%d actors\n", len(list))
	return nil
}

// oneID parses a subcommand that takes one record ID.
func oneID(app *App, name string, args []string) (string, error) {
	fs := newFlags(app, name)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return "", err
	}
	if len(pos) != 1 {
		return "", usagef("%s takes one ID", name)
	}
	return pos[0], nil
}

func actorsShow(ctx context.Context, app *App, args []string) error {
	id, err := oneID(app, "actors show", args)
	if err != nil {
		return err
	}
	db, err := app.Store(ctx)
	if err != nil {
		return err
	}
	a, err := db.Actor(ctx, id)
	if err != nil {
		return err
	}
	return printJSON(app.Stdio.Out, a)
}

func actorsDelete(ctx context.Context, app *App, args []string) error {
	id, err := oneID(app, "actors delete", args)
	if err != nil {
		return err
	}
	db, err := app.Store(ctx)
	if err != nil {
		return err
	}
	if err := db.DeleteActor(ctx, id, cliUser(), nil); err != nil {
		return err
	}
	fmt.Fprintf(app.Stdio.Out, "deleted actor %s\n", id)
	return nil
}

func actorsExport(ctx context.Context, app *App, args []string) error {
	fs := newFlags(app, "actors export")
	country := fs.String("country", "", "only this country")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := app.Store(ctx)
	if err != nil {
		return err
	}
	list, err := db.Actors(ctx, observatory.ActorFilter{Country: strings.ToUpper(*country)})
	if err != nil {
		return err
	}
	return observatory.WriteActorsCSV(app.Stdio.Out, list)
}

// printHistoryOf prints the change history of one source or actor.
func printHistoryOf(ctx context.Context, app *App, name, entity string, args []string) error {
	id, err := oneID(app, name, args)
	if err != nil {
		return err
	}
	db, err := app.Store(ctx)
	if err != nil {
		return err
	}
	changes, err := db.History(ctx, entity, id)
	if err != nil {
		return err
	}
	if len(changes) == 0 {
		return fmt.Errorf("no history for %s %s: %w", entity, id, observatory.ErrNotFound)
	}
	printHistory(app.Stdio.Out, changes)
	return nil
}

// printHistory writes changes, newest first, one block per change.
func printHistory(w io.Writer, changes []observatory.Change) {
	for _, c := range changes {
		fmt.Fprintf(w, "%s  %-7s by %s  (%s, %s)\n", c.At.UTC().Format("2006-01-02 15:04:05 UTC"), c.Action, c.By, c.Name, c.Country)
		if c.Action != observatory.ChangeUpdate {
			continue
		}
		for _, f := range c.Fields {
			if f.Hidden {
				fmt.Fprintf(w, "    %s: changed (personal data, value not kept)\n", f.Field)
				continue
			}
			fmt.Fprintf(w, "    %s: %q → %q\n", f.Field, f.Old, f.New)
		}
	}
}
