package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

func TestSecretsNeverFromArgv(t *testing.T) {
	const value = "hunter2-value"
	base := []string{"server", "add", "gh", "--url", "https://x", "--auth", "bearer"}
	for _, extra := range [][]string{
		{"--secret", value}, {"--secret=" + value}, {"-secret", value},
		{"--password", value}, {"--token=" + value}, {"--api-key", value},
	} {
		t.Run(extra[0], func(t *testing.T) {
			h := newHarness(t)
			r := h.run(t, "", append(base, extra...)...)
			if r.code != ExitUsage {
				t.Errorf("exit %d, want %d", r.code, ExitUsage)
			}
			if !strings.Contains(r.err, "use --secret-stdin or --secret-env VAR") {
				t.Errorf("stderr does not point to --secret-stdin/--secret-env: %q", r.err)
			}
			if strings.Contains(r.err+r.out, value) {
				t.Errorf("the secret is echoed: %q", r.err)
			}
			if len(h.api.requests()) != 0 {
				t.Error("the request was sent")
			}
		})
	}
}

func TestServerAddReadsSecretFromStdin(t *testing.T) {
	h := newHarness(t)
	r := h.run(t, "s3cr3t-from-stdin\n", "server", "add", "github", "--url", "https://api.example/mcp",
		"--auth", "bearer", "--secret-stdin", "--description", "GitHub")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	req := h.api.last(t)
	if req.Method != "POST" || req.Path != "/api/v1/servers" || req.Auth != "Bearer "+testToken {
		t.Errorf("request %s %s auth %q", req.Method, req.Path, req.Auth)
	}
	var body api.CreateServerRequest
	if err := json.Unmarshal(req.Body, &body); err != nil {
		t.Fatal(err)
	}
	want := api.CreateServerRequest{Name: "github", Description: "GitHub", URL: "https://api.example/mcp",
		Auth: "bearer", Secret: "s3cr3t-from-stdin"}
	if body != want {
		t.Errorf("body = %+v\nwant   %+v", body, want)
	}
	for _, s := range []string{`Added server "github"`, "Synced: 2 added, 0 changed", "endpoint create NAME --server github"} {
		if !strings.Contains(r.out, s) {
			t.Errorf("output lacks %q:\n%s", s, r.out)
		}
	}
	if strings.Contains(r.out+r.err, "s3cr3t") {
		t.Error("the secret is printed")
	}
}

func TestServerAddSecretFromEnvAndHeader(t *testing.T) {
	h := newHarness(t)
	h.env["SEARCH_KEY"] = "k3y"
	r := h.run(t, "", "server", "add", "search", "--url", "https://s.example/mcp",
		"--header", "X-API-Key", "--secret-env", "SEARCH_KEY", "--no-sync")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var body api.CreateServerRequest
	_ = json.Unmarshal(h.api.last(t).Body, &body)
	if body.Secret != "k3y" || body.Auth != "header" || body.AuthHeader != "X-API-Key" || !body.SkipSync {
		t.Errorf("body = %+v", body)
	}
	if !strings.Contains(r.out, "server sync search") {
		t.Errorf("output does not say how to sync:\n%s", r.out)
	}
}

func TestServerAddChecks(t *testing.T) {
	tests := []struct {
		name, stdin string
		args        []string
		code        int
		want        string
	}{
		{"no name", "", []string{"--url", "https://x"}, 2, "missing NAME"},
		{"no url", "", []string{"gh"}, 2, "missing --url"},
		{"two sources", "", []string{"gh", "--url", "https://x", "--auth", "bearer", "--secret-stdin", "--secret-env", "X"}, 2, "not both"},
		{"secret without auth", "s", []string{"gh", "--url", "https://x", "--secret-stdin"}, 2, "needs an auth method"},
		{"header with bearer", "", []string{"gh", "--url", "https://x", "--auth", "bearer", "--header", "X"}, 2, "--header is for --auth header"},
		{"empty stdin", "\n", []string{"gh", "--url", "https://x", "--auth", "bearer", "--secret-stdin"}, 1, "no secret on stdin"},
		{"unset env", "", []string{"gh", "--url", "https://x", "--auth", "bearer", "--secret-env", "NOPE"}, 1, "NOPE is empty or unset"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			r := h.run(t, tt.stdin, append([]string{"server", "add"}, tt.args...)...)
			if r.code != tt.code || !strings.Contains(r.err, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.err, tt.code, tt.want)
			}
			if len(h.api.requests()) != 0 {
				t.Error("the request was sent")
			}
		})
	}
}

func TestFlagsAfterAndBeforeName(t *testing.T) {
	for _, args := range [][]string{
		{"server", "add", "--url", "https://x", "gh"},
		{"server", "add", "gh", "--url", "https://x"},
		{"server", "add", "--url=https://x", "--", "gh"},
	} {
		h := newHarness(t)
		if r := h.run(t, "", args...); r.code != 0 {
			t.Fatalf("%v: exit %d: %s", args, r.code, r.err)
		}
		var body api.CreateServerRequest
		_ = json.Unmarshal(h.api.last(t).Body, &body)
		if body.Name != "gh" || body.URL != "https://x" {
			t.Errorf("%v: body = %+v", args, body)
		}
	}
}

func TestServerShowCleansUpstreamText(t *testing.T) {
	r := newHarness(t).run(t, "", "server", "show", "github")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	if strings.Contains(r.out, "\x1b") || strings.Contains(r.out, "second line") {
		t.Errorf("tool description reaches the terminal raw:\n%q", r.out)
	}
	for _, s := range []string{"Shared secret:", "configured", "search_issues", "delete_repo"} {
		if !strings.Contains(r.out, s) {
			t.Errorf("output lacks %q:\n%s", s, r.out)
		}
	}
}

func TestServerSync(t *testing.T) {
	h := newHarness(t)
	r := h.run(t, "", "server", "sync", "github")
	if r.code != 0 || !strings.Contains(r.out, "1 added, 1 changed, 0 removed, 1 unchanged") ||
		!strings.Contains(r.out, "~ get_issue") || !strings.Contains(r.out, "re-approve") {
		t.Errorf("exit %d:\n%s%s", r.code, r.out, r.err)
	}
	if req := h.api.last(t); req.Method != "POST" || req.Path != "/api/v1/servers/github/sync" {
		t.Errorf("request %s %s", req.Method, req.Path)
	}

	r = h.run(t, "", "server", "sync", "broken")
	if r.code != ExitError || !strings.Contains(r.err, "sync of broken failed: upstream answered 500") {
		t.Errorf("exit %d, stderr %q", r.code, r.err)
	}
}

func TestServerRemove(t *testing.T) {
	h := newHarness(t)
	if r := h.run(t, "", "server", "rm", "github"); r.code != 0 || r.out != "Removed server github.\n" {
		t.Errorf("exit %d, out %q, err %q", r.code, r.out, r.err)
	}
	if req := h.api.last(t); req.Method != "DELETE" || req.Path != "/api/v1/servers/github" {
		t.Errorf("request %s %s", req.Method, req.Path)
	}
}
