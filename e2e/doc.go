// Package e2e holds Switchboard's end-to-end tests. They build the
// switchboard binary, run `switchboard serve` as a subprocess on a free
// loopback port with a temporary data directory, and drive it the way a new
// user would: `switchboard admin bootstrap`, the CLI's server, endpoint and
// audit commands, and a go-sdk MCP client on /mcp/{endpoint}. The upstreams
// are the npm reference server-everything (Streamable HTTP and SSE, see
// internal/testenv) and in-process go-sdk servers behind httptest.
//
// The OAuth tests sign a person in on a gateway whose admin has a password:
// TestOAuthTypeScriptSDK runs the official TypeScript SDK client
// (testdata/npm/ts-client.mjs) through its OAuthClientProvider, and
// TestBrowserConsent drives the sign-in and consent pages in Debian's
// headless Chromium with playwright-core (testdata/npm/browser-consent.mjs;
// the browser is /usr/bin/chromium, never downloaded). Both need Node.js and
// `npm ci --prefix testdata/npm`; without node or chromium they skip
// locally and fail under CI=true.
//
// The package has no non-test code; run it with `go test ./e2e/...`.
package e2e
