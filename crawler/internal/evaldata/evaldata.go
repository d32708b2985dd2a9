// Package evaldata locates the project's shared evaluation data
// (../shared/data beside the module root) for tests and benchmarks.
package evaldata

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the path of ../shared/data/sub relative to the module root,
// or skips the test with a clear message when it is absent.
func Dir(tb testing.TB, sub string) string {
	tb.Helper()
	dir, _ := os.Getwd()
	for d := dir; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			p := filepath.Join(d, "..", "shared", "data", sub)
			if _, err := os.Stat(p); err != nil {
				tb.Skipf("evaluation data %s absent: %v", p, err)
			}
			return p
		}
	}
	tb.Skip("module root not found: no evaluation data")
	return ""
}
