package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

func TestTokenCreatePrintsValueOnce(t *testing.T) {
	h := newHarness(t)
	r := h.run(t, "", "token", "create", "--name", "ci", "--expires", "30d", "--endpoint", "dev")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	if r.out != "sbt_newly-minted\n" {
		t.Errorf("stdout = %q, want the value alone", r.out)
	}
	if !strings.Contains(r.err, "will not be shown again") {
		t.Errorf("stderr lacks the warning: %q", r.err)
	}
	var body api.CreateTokenRequest
	_ = json.Unmarshal(h.api.last(t).Body, &body)
	if body != (api.CreateTokenRequest{Name: "ci", ExpiresIn: "720h0m0s", Endpoint: "dev"}) {
		t.Errorf("body = %+v", body)
	}
}

func TestTokenCreateUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"--name", "x", "--expires", "soon"}, {"--name", "x", "--expires", "-1h"}, {"--name", "x", "extra"}} {
		r := newHarness(t).run(t, "", append([]string{"token", "create"}, args...)...)
		if r.code != ExitUsage {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.err)
		}
	}
}

func TestTokenListStatus(t *testing.T) {
	r := newHarness(t).run(t, "", "token", "list")
	if r.code != 0 || !strings.Contains(r.out, "active") || !strings.Contains(r.out, "expired") {
		t.Errorf("exit %d:\n%s", r.code, r.out)
	}
}

func TestTokenRevoke(t *testing.T) {
	h := newHarness(t)
	r := h.run(t, "", "token", "revoke", "tok_1")
	if req := h.api.last(t); r.code != 0 || req.Method != "DELETE" || req.Path != "/api/v1/tokens/tok_1" {
		t.Errorf("exit %d, request %s %s", r.code, req.Method, req.Path)
	}
}
