package index

import (
	"os"

	"golang.org/x/sys/unix"
)

// adviseRandom tells the kernel that the mapping data of a segment file
// is read at random, so that a page fault reads and maps one page rather
// than reading ahead.
func adviseRandom(data []byte) {
	if len(data) > 0 {
		_ = unix.Madvise(data, unix.MADV_RANDOM)
	}
}

// evict drops the cached pages of the file at path that no process maps.
func evict(path string) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	_ = unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
}
