package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// TestServerAddOAuth sends the OAuth client fields, with the client
// secret read from stdin, never from the command line.
func TestServerAddOAuth(t *testing.T) {
	h := newHarness(t)
	r := h.run(t, "client-secret\n", "server", "add", "corp", "--url", "https://mcp.corp.example/mcp", "--auth", "oauth",
		"--client-id", "sb", "--client-secret-stdin", "--scopes", "read write")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var req api.CreateServerRequest
	if err := json.Unmarshal(h.api.last(t).Body, &req); err != nil {
		t.Fatal(err)
	}
	if req.Auth != "oauth" || req.OAuthClientID != "sb" || req.OAuthClientSecret != "client-secret" || req.OAuthScopes != "read write" {
		t.Errorf("request = %+v", req)
	}
	if strings.Contains(r.out+r.err, "client-secret") {
		t.Error("the client secret was printed")
	}
}

// TestServerAddOAuthRefusals catches flag mistakes before any request.
func TestServerAddOAuthRefusals(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--auth", "bearer", "--client-id", "x", "--secret-env", "T"}, "--auth oauth"},
		{[]string{"--auth", "oauth", "--client-secret-env", "S"}, "--client-id"},
	} {
		h := newHarness(t)
		h.env["T"], h.env["S"] = "t", "s"
		r := h.run(t, "", append([]string{"server", "add", "x", "--url", "https://x.example/mcp"}, tc.args...)...)
		if r.code == 0 || !strings.Contains(r.err, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want a refusal naming %s", tc.args, r.code, r.err, tc.want)
		}
		if len(h.api.requests()) != 0 {
			t.Errorf("%v: a refused command reached the API", tc.args)
		}
	}
}

// TestServerConnectNotOAuth points a static-secret server to set-secret.
func TestServerConnectNotOAuth(t *testing.T) {
	h := newHarness(t)
	r := h.run(t, "", "server", "connect", "github")
	if r.code == 0 || !strings.Contains(r.err, "set-secret") {
		t.Errorf("exit %d, stderr %q", r.code, r.err)
	}
	if r := h.run(t, "", "server", "connect", "--help"); r.code != 0 || !strings.Contains(r.out+r.err, "switchboard server connect linear") {
		t.Errorf("--help: %d %q", r.code, r.out+r.err)
	}
}
