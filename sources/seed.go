package sources

import (
	_ "embed"
	"fmt"

	"observatory"
)

// seedCSV is the seed registry in the format of Export (see
// seed/README.md for how it was built and where each outlet comes from).
//
//go:embed seed/outlets.csv
var seedCSV []byte

// Seed returns the embedded registry of pilot-country outlets, normalised
// and valid, for store.SeedSources to load into an empty data directory.
// Each call returns a fresh copy.
func Seed() ([]observatory.Source, error) {
	rows, err := readCSV(seedCSV)
	if err != nil {
		return nil, fmt.Errorf("sources: seed: %w", err)
	}
	out := make([]observatory.Source, 0, len(rows))
	for i := range rows {
		r := &rows[i]
		if r.err != nil {
			return nil, fmt.Errorf("sources: seed line %d: %w", r.line, r.err)
		}
		if err := r.bad.Err(); err != nil {
			return nil, fmt.Errorf("sources: seed line %d: %w", r.line, err)
		}
		s := observatory.Source{ID: r.src.ID}
		r.apply(&s)
		s.Normalize()
		if err := s.Validate(); err != nil {
			return nil, fmt.Errorf("sources: seed line %d (%s): %w", r.line, s.Name, err)
		}
		out = append(out, s)
	}
	return out, nil
}
