// Package pipelinebench holds the end-to-end throughput benchmark of the
// collection pipeline: 500 fake outlets on localhost, each announcing 20
// new articles, crawled (fetch, extract), classified, stored and indexed.
// It lives apart from package crawler because only its test file may
// import classify and index, which crawler itself must not.
//
//	go test -run '^$' -bench Pipeline -benchtime 1x ./crawler/pipelinebench/
package pipelinebench
