package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"observatory/store"
)

// TestRestoreRefusesWhatIsNotABackup: restore replaces the whole store, so
// a file that is not an observatory store - an empty file left by a
// failed copy, another program's bbolt file - must be refused and the
// store left as it was.
func TestRestoreRefusesWhatIsNotABackup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	g := []string{"--data", data}
	if code, _, errs := run(t, ctx, append(g, "sources", "add", "--name", "Diario de Prueba", "--country", "CR",
		"--medium", "print", "--homepage", "https://diario.example/")...); code != 0 {
		t.Fatalf("sources add: exit %d, stderr %s", code, errs)
	}

	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.db")
	b, err := bolt.Open(other, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Update(func(tx *bolt.Tx) error {
		bk, err := tx.CreateBucket([]byte("something"))
		if err != nil {
			return err
		}
		return bk.Put([]byte("k"), []byte("v"))
	}); err != nil {
		t.Fatal(err)
	}
	b.Close()

	for _, file := range []string{empty, other} {
		code, out, errs := run(t, ctx, append(g, "restore", file)...)
		if code == 0 || !strings.Contains(errs, "not a usable observatory backup") {
			t.Errorf("restore %s: exit %d, stdout %q, stderr %q; want a refusal", filepath.Base(file), code, out, errs)
		}
		code, out, errs = run(t, ctx, append(g, "sources", "show", "cr-diario-de-prueba")...)
		if code != 0 || !strings.Contains(out, "Diario de Prueba") {
			t.Errorf("after restore %s: sources show exit %d, stdout %q, stderr %q; want the source still there", filepath.Base(file), code, out, errs)
		}
	}

	// A real backup is restored.
	backup := filepath.Join(dir, "backup.db")
	if code, _, errs := run(t, ctx, append(g, "backup", backup)...); code != 0 {
		t.Fatalf("backup: exit %d, stderr %s", code, errs)
	}
	if code, _, errs := run(t, ctx, append(g, "sources", "add", "--name", "Radio Nueva", "--country", "CR",
		"--medium", "radio", "--homepage", "https://radio.example/")...); code != 0 {
		t.Fatalf("sources add: exit %d, stderr %s", code, errs)
	}
	if code, out, errs := run(t, ctx, append(g, "restore", backup)...); code != 0 {
		t.Fatalf("restore of a backup: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if code, _, _ := run(t, ctx, append(g, "sources", "show", "cr-radio-nueva")...); code == 0 {
		t.Error("after restore: a source added after the backup is still there")
	}
	if code, _, errs := run(t, ctx, append(g, "sources", "show", "cr-diario-de-prueba")...); code != 0 {
		t.Errorf("after restore: the backed-up source is missing: %s", errs)
	}
}

// TestRestoreKeepsEveryPreviousStore: each restore keeps the store it
// replaces, and a second restore does not overwrite the copy the first
// one kept (it may hold the only copy of the data).
func TestRestoreKeepsEveryPreviousStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	g := []string{"--data", data}
	backup := filepath.Join(dir, "backup.db")
	if code, _, errs := run(t, ctx, append(g, "backup", backup)...); code != 0 {
		t.Fatalf("backup: exit %d, stderr %s", code, errs)
	}
	for i, name := range []string{"Primera", "Segunda"} {
		if code, _, errs := run(t, ctx, append(g, "sources", "add", "--name", name, "--country", "CR",
			"--medium", "radio", "--homepage", "https://"+strings.ToLower(name)+".example/")...); code != 0 {
			t.Fatalf("sources add: exit %d, stderr %s", code, errs)
		}
		code, out, errs := run(t, ctx, append(g, "restore", backup)...)
		if code != 0 {
			t.Fatalf("restore %d: exit %d, stderr %s", i+1, code, errs)
		}
		kept, _ := filepath.Glob(filepath.Join(data, "observatory.db.before-restore*"))
		if len(kept) != i+1 {
			t.Fatalf("after restore %d: previous stores kept %v, want %d", i+1, kept, i+1)
		}
		if !strings.Contains(out, filepath.Base(kept[len(kept)-1])) && !strings.Contains(out, filepath.Base(kept[0])) {
			t.Errorf("restore %d printed %q, want the name of the store it kept", i+1, out)
		}
	}
	// Each kept store holds the source added before its restore.
	kept, _ := filepath.Glob(filepath.Join(data, "observatory.db.before-restore*"))
	found := map[string]bool{}
	for _, k := range kept {
		db, err := store.Open(k, store.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"cr-primera", "cr-segunda"} {
			if _, err := db.Source(ctx, id); err == nil {
				found[id] = true
			}
		}
		db.Close()
	}
	if !found["cr-primera"] || !found["cr-segunda"] {
		t.Errorf("sources found in the kept stores: %v; want both cr-primera and cr-segunda", found)
	}
}
