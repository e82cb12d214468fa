// Package e2e holds Switchboard's end-to-end tests. They build the
// switchboard binary, run `switchboard serve` as a subprocess on a free
// loopback port with a temporary data directory, and drive it the way a new
// user would: `switchboard admin bootstrap`, the CLI's server, endpoint and
// audit commands, and a go-sdk MCP client on /mcp/{endpoint}. The upstreams
// are the npm reference server-everything (Streamable HTTP and SSE, see
// internal/testenv) and in-process go-sdk servers behind httptest.
//
// The package has no non-test code; run it with `go test ./e2e/...`.
package e2e
