//go:build !unix

package index

import "os"

// lockDir is a no-op where flock is unavailable; bleve's bolt_timeout
// still makes a second process fail within seconds.
func lockDir(string) (*os.File, error) { return nil, nil }

func unlockDir(*os.File) error { return nil }
