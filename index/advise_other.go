//go:build !linux

package index

func adviseRandom([]byte) {}

func evict(string) {}
