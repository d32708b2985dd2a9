package sources

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"observatory"
)

// writeCSV writes a header row of Columns and one row per source, its
// cells defused for spreadsheets (see observatory.SpreadsheetCell).
func writeCSV(w io.Writer, srcs []observatory.Source) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Columns); err != nil {
		return err
	}
	rec := make([]string, len(Columns))
	for i := range srcs {
		for j, name := range Columns {
			rec[j] = observatory.SpreadsheetCell(columns[name].get(&srcs[i]))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// readCSV reads the rows of a CSV file with a header row. Commas or
// semicolons (as spreadsheets in Spanish write them) separate the cells.
// A file-level problem (no header, unknown column) is an error; a row that
// cannot be read is returned with its err set.
func readCSV(data []byte) ([]row, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !utf8.Valid(data) {
		// Spreadsheets on Windows save "CSV" in Windows-1252.
		if d, err := charmap.Windows1252.NewDecoder().Bytes(data); err == nil {
			data = d
		}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	if first, _, _ := bytes.Cut(data, []byte("\n")); bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		cr.Comma = ';'
	}
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("sources: el archivo está vacío / the file is empty: %w", observatory.ErrInvalid)
	}
	if err != nil {
		return nil, fmt.Errorf("sources: no se pudo leer la cabecera CSV / cannot read the CSV header: %v: %w", err, observatory.ErrInvalid)
	}
	cols := make([]column, len(header))
	seen := make(map[string]bool)
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		c, ok := columns[name]
		if !ok {
			return nil, fmt.Errorf("sources: columna desconocida %q; las columnas válidas son %s / unknown column %q; valid columns are %[2]s: %[3]w",
				h, strings.Join(Columns, ","), observatory.ErrInvalid)
		}
		if seen[name] {
			return nil, fmt.Errorf("sources: columna repetida %q / repeated column %[1]q: %w", h, observatory.ErrInvalid)
		}
		seen[name] = true
		cols[i] = c
	}
	if !seen["id"] && !seen["homepage"] {
		return nil, fmt.Errorf("sources: falta la columna id o homepage / the file needs an id or a homepage column: %w", observatory.ErrInvalid)
	}
	var rows []row
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, nil
		}
		r := row{set: make(map[string]bool)}
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe):
			r.line = pe.StartLine
			r.err = fmt.Errorf("CSV mal formado / malformed CSV: %v: %w", pe.Err, observatory.ErrInvalid)
			rows = append(rows, r)
			continue
		case err != nil:
			return rows, fmt.Errorf("sources: %w", err)
		}
		r.line, _ = cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rec) != len(cols) {
			if i := slicesIndex(cols, "name"); i >= 0 && i < len(rec) {
				r.src.Name = strings.TrimSpace(rec[i])
			}
			r.err = fmt.Errorf("la fila tiene %d celdas y la cabecera %d / the row has %d cells, the header %d: %w",
				len(rec), len(cols), len(rec), len(cols), observatory.ErrInvalid)
			rows = append(rows, r)
			continue
		}
		for i, v := range rec {
			r.setCell(cols[i], v)
		}
		rows = append(rows, r)
	}
}

func slicesIndex(cols []column, name string) int {
	for i, c := range cols {
		if c.name == name {
			return i
		}
	}
	return -1
}
