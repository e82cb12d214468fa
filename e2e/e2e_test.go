package e2e

import (
	"path/filepath"
	"runtime"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/switchboard-mcp/switchboard/internal/testenv"
)

const (
	adminEmail = "admin@example.com"
	endpoint   = "team"
	hdrHeader  = "X-Api-Key"

	// The upstreams' credentials, which must never show up in logs, CLI
	// output or the data directory in clear (nor must the admin's token).
	upSecret  = "up-secret-123" // gosrv's bearer token
	hdrSecret = "k-456"         // hdr's X-Api-Key
)

// env is the state that the steps of TestEndToEnd share, in the order
// they fill it.
type env struct {
	bin     string
	home    string
	dbURL   string // PostgreSQL database of the run; "" = SQLite in the data dir
	gw      *gatewayProc
	cli     *cliRunner
	token   string // the admin's API token
	tokenID string

	everythingURL string // server-everything, Streamable HTTP
	legacyURL     string // server-everything, SSE
	gosrv         *goUpstream
	hdr           *goUpstream

	cs    *mcp.ClientSession
	calls []madeCall // tool calls the client made, for the audit step
}

// madeCall is one tools/call the client made and what the audit trail
// must say about it.
type madeCall struct {
	server, tool, exposed string
	args                  map[string]any
	outcome               string              // ok, tool_error, denied, upstream_error
	result                *mcp.CallToolResult // what the client got, when not denied
}

// TestEndToEnd drives a real `switchboard serve` the way a new user does:
// bootstrap an admin, register four upstreams over three transports and
// two auth methods with the CLI, offer chosen tools on an endpoint, use
// them from an MCP client, read the audit trail, re-approve a drifted tool,
// survive a dead upstream, and shut down cleanly, with no secret in the
// logs.
func TestEndToEnd(t *testing.T) {
	runEndToEnd(t, "")
}

// TestEndToEndPostgres runs the same scenario with the store on a fresh
// PostgreSQL database (serve --database-url), as a replica would.
func TestEndToEndPostgres(t *testing.T) {
	runEndToEnd(t, testenv.FreshPostgres(t))
}

func runEndToEnd(t *testing.T, dbURL string) {
	if runtime.GOOS == "windows" {
		t.Skip("the end-to-end test stops the gateway with SIGTERM")
	}
	if testing.Short() {
		t.Skip("the end-to-end test builds the binary and runs npm peers")
	}
	e := &env{bin: testenv.BuildBinary(t, "./cmd/switchboard"), home: t.TempDir(), dbURL: dbURL}
	// Setup steps are fatal: nothing after them works without them. The
	// checks after them run on regardless, so one report shows every problem.
	step := func(name string, f func(*testing.T)) {
		t.Helper()
		if !t.Run(name, f) {
			t.FailNow()
		}
	}

	// Processes and servers that outlive a step are started here, on the
	// top-level test, so that their cleanup runs when the whole test ends.
	dataDir := filepath.Join(t.TempDir(), "data") // serve must create it
	e.gw = startGateway(t, e.bin, dataDir, minimalEnv(e.home, append(e.dbEnv(),
		"SWITCHBOARD_LOG_LEVEL=debug", "SWITCHBOARD_GATEWAY_CALL_TIMEOUT=8s")...))
	step("serve", e.checkServe)
	step("bootstrap", e.bootstrap)

	e.everythingURL = testenv.StartEverything(t, testenv.TransportStreamableHTTP)
	e.legacyURL = testenv.StartEverything(t, testenv.TransportSSE)
	e.gosrv = newGoUpstream(t, "gosrv", "Authorization", "Bearer "+upSecret)
	e.hdr = newGoUpstream(t, "hdr", hdrHeader, hdrSecret)
	step("register servers", e.registerServers)
	step("create endpoint", e.createEndpoint)

	e.cs = connectMCP(t, e.gw.url()+"/mcp/"+endpoint, e.token)
	t.Run("mcp client", e.useTools)
	t.Run("unauthenticated", e.unauthenticated)
	t.Run("public URLs", e.publicURLs)
	t.Run("audit", e.checkAudit)
	t.Run("drift", e.drift)
	t.Run("upstream down", e.upstreamDown)
	t.Run("service account access", e.serviceAccountAccess)

	// A connected client keeps a GET stream open, which graceful shutdown
	// waits for; close it first, as a client that is done would.
	if err := e.cs.Close(); err != nil {
		t.Errorf("close MCP session: %v", err)
	}
	t.Run("shutdown", e.shutdown)
	t.Run("no secrets leak", e.noSecretsLeak)
}
