// Package testenv holds helpers for tests that need real external peers;
// imported only from _test.go files.
//
// The peers are pinned in testdata/npm (package.json + package-lock.json) and
// installed with `npm ci --prefix testdata/npm` (`make test` does this).
// StartEverything runs the npm reference server
// @modelcontextprotocol/server-everything on a free loopback port,
// EverythingCommand builds its stdio command line, and BuildBinary compiles a
// main package once per test process.
//
// Locally, helpers that need Node skip the test when node is not installed;
// with CI=true they fail instead, so CI never silently skips a real peer.
package testenv
