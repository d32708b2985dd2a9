package observatory

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Kinds of record the change history covers.
const (
	EntitySource = "source"
	EntityActor  = "actor"
)

// What a change did.
const (
	ChangeCreate = "create"
	ChangeUpdate = "update"
	ChangeDelete = "delete"
)

// Change is one entry of the change history (the audit trail) of the
// directories: who created, changed or deleted which record, when, and
// which fields changed from what to what. The store writes it in the
// transaction that makes the change.
type Change struct {
	Seq      uint64        `json:"seq"` // order of the change in the whole store
	At       time.Time     `json:"at"`
	By       string        `json:"by"`
	Entity   string        `json:"entity"` // EntitySource or EntityActor
	EntityID string        `json:"entity_id"`
	Name     string        `json:"name"` // the record's name at the time
	Country  string        `json:"country"`
	Action   string        `json:"action"` // ChangeCreate, ChangeUpdate or ChangeDelete
	Fields   []FieldChange `json:"fields,omitempty"`
}

// FieldChange is one field of a change with its value before and after,
// as text. Hidden says the values were not kept (personal data).
type FieldChange struct {
	Field  string `json:"field"`
	Old    string `json:"old,omitempty"`
	New    string `json:"new,omitempty"`
	Hidden bool   `json:"hidden,omitempty"`
}

// bookkeeping fields are left out of diffs: they change with every edit.
var bookkeeping = []string{"created_at", "created_by", "updated_at", "updated_by"}

// Diff compares two records of the same type field by field, by their JSON
// form, and returns the fields that differ, in the order of the type's
// fields, with their values as text. Either record may be nil (a creation
// or a deletion): then every field set on the other is listed. Fields named
// in hide are listed without their values; created_* and updated_* are
// ignored.
func Diff(a, b any, hide ...string) ([]FieldChange, error) {
	ka, va, err := jsonFields(a)
	if err != nil {
		return nil, err
	}
	kb, vb, err := jsonFields(b)
	if err != nil {
		return nil, err
	}
	keys := kb
	for _, k := range ka {
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	var out []FieldChange
	for _, k := range keys {
		if slices.Contains(bookkeeping, k) {
			continue
		}
		o, n := fieldText(va[k]), fieldText(vb[k])
		if o == n {
			continue
		}
		fc := FieldChange{Field: k, Old: o, New: n}
		if slices.Contains(hide, k) {
			fc = FieldChange{Field: k, Hidden: true}
		}
		out = append(out, fc)
	}
	return out, nil
}

// jsonFields returns the top-level keys of v's JSON object in order, with
// their raw values. A nil pointer has none.
func jsonFields(v any) ([]string, map[string]json.RawMessage, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, nil, fmt.Errorf("diff: %w", err)
	}
	vals := make(map[string]json.RawMessage)
	if bytes.Equal(data, []byte("null")) {
		return nil, vals, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil { // {
		return nil, nil, fmt.Errorf("diff: %w", err)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, fmt.Errorf("diff: %w", err)
		}
		k, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, fmt.Errorf("diff: %w", err)
		}
		keys = append(keys, k)
		vals[k] = raw
	}
	return keys, vals, nil
}

// fieldText shows a JSON value as a person reads it: strings as they are,
// lists of strings one per line, false and empty values as nothing.
func fieldText(raw json.RawMessage) string {
	switch t := strings.TrimSpace(string(raw)); t {
	case "", "null", `""`, "[]", "{}", "false":
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return strings.Join(list, "\n")
	}
	var objs []json.RawMessage
	if json.Unmarshal(raw, &objs) == nil {
		lines := make([]string, len(objs))
		for i, o := range objs {
			keys, vals, err := jsonFields(o)
			if err != nil {
				lines[i] = string(o)
				continue
			}
			parts := make([]string, 0, len(keys))
			for _, k := range keys {
				if v := fieldText(vals[k]); v != "" {
					parts = append(parts, v)
				}
			}
			lines[i] = strings.Join(parts, " ")
		}
		return strings.Join(lines, "\n")
	}
	return string(raw)
}
