package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// serviceAccountAccess drives endpoint grants end to end with the CLI: a
// service account's token scoped to the endpoint gets 403 until the
// account has a grant, then connects and calls a tool, and once the grant
// is revoked its next call fails (this process forgets cached tokens at
// once; other replicas within the verifier's cache TTL).
func (e *env) serviceAccountAccess(t *testing.T) {
	e.cli.ok(t, "service-account", "create", "ci")
	token := strings.TrimSpace(e.cli.ok(t, "token", "create", "--service-account", "ci", "--endpoint", endpoint, "--expires", "720h"))
	if !strings.HasPrefix(token, "sbt_sa_") {
		t.Fatalf("service account token = %q", token)
	}
	status := func() int {
		t.Helper()
		resp := e.postInitialize(t, "Bearer "+token)
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := status(); got != http.StatusForbidden {
		t.Fatalf("without a grant: status %d, want 403", got)
	}

	e.cli.ok(t, "endpoint", "grant", endpoint, "--service-account", "ci")
	cs := connectMCP(t, e.gw.url()+"/mcp/"+endpoint, token)
	ctx, cancel := context.WithTimeout(t.Context(), callTimeout)
	defer cancel()
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "gosrv__echo", Arguments: map[string]any{"text": "from ci"}})
	if err != nil || res.IsError {
		t.Fatalf("call with a grant: %v %+v", err, res)
	}

	e.cli.ok(t, "endpoint", "revoke", endpoint, "--service-account", "ci")
	if _, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "gosrv__echo", Arguments: map[string]any{"text": "again"}}); err == nil {
		t.Error("call after the grant was revoked succeeded")
	}
	if got := status(); got != http.StatusForbidden {
		t.Errorf("after revoke: status %d, want 403", got)
	}
	_ = cs.Close()
}
