package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/testenv"
)

const (
	oauthPassword = "correct horse battery staple"
	oauthEndpoint = "team"
	oauthServer   = "up"
	oauthTool     = "up__echo"
	oauthSecret   = "up-oauth-secret-789" // the upstream's bearer token
)

// oauthGateway is a running `switchboard serve` whose admin has a password,
// with upstream "up" (a go-sdk server, bearer auth) on endpoint "team" with
// its echo tool enabled: what an AI client authorizes against.
type oauthGateway struct {
	gw  *gatewayProc
	cli *cliRunner
	up  *goUpstream
}

func (o *oauthGateway) mcpURL() string { return o.gw.url() + "/mcp/" + oauthEndpoint }

// startOAuthGateway builds the binary, starts serve, bootstraps the admin
// with --password-stdin, and sets up the server and endpoint with the CLI.
func startOAuthGateway(t *testing.T) *oauthGateway {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the end-to-end tests stop the gateway with SIGTERM")
	}
	if testing.Short() {
		t.Skip("the OAuth end-to-end tests build the binary and run npm peers")
	}
	bin := testenv.BuildBinary(t, "./cmd/switchboard")
	home := t.TempDir()
	dataDir := filepath.Join(t.TempDir(), "data")
	o := &oauthGateway{gw: startGateway(t, bin, dataDir, minimalEnv(home))}

	boot := &cliRunner{bin: bin, env: minimalEnv(home)}
	out := boot.okWith(t, oauthPassword+"\n", nil,
		"admin", "bootstrap", "--email", adminEmail, "--data-dir", dataDir, "--password-stdin")
	token := tokenFromBootstrap(out)
	if !strings.HasPrefix(token, "sbt_") {
		t.Fatalf("no sbt_ token in the bootstrap output:\n%s", out)
	}
	o.cli = &cliRunner{bin: bin, env: minimalEnv(home, "SWITCHBOARD_URL="+o.gw.url(), "SWITCHBOARD_TOKEN="+token)}

	o.up = newGoUpstream(t, oauthServer, "Authorization", "Bearer "+oauthSecret)
	o.cli.okWith(t, oauthSecret+"\n", nil,
		"server", "add", oauthServer, "--url", o.up.url(), "--auth", "bearer", "--secret-stdin")
	o.cli.ok(t, "endpoint", "create", oauthEndpoint, "--server", oauthServer)
	o.cli.ok(t, "endpoint", "tools", "enable", oauthEndpoint, oauthServer+"/echo")
	return o
}

// auditEvents returns the audit events with code, newest first.
func (o *oauthGateway) auditEvents(t *testing.T, code string) []api.AuditEvent {
	t.Helper()
	var list api.AuditList
	o.cli.json(t, &list, "audit", "list", "--code", code, "--json")
	return list.Events
}

// wantAudit fails unless at least one event with code exists, and returns
// the newest.
func (o *oauthGateway) wantAudit(t *testing.T, code string) api.AuditEvent {
	t.Helper()
	evs := o.auditEvents(t, code)
	if len(evs) == 0 {
		t.Errorf("no audit event %s", code)
		return api.AuditEvent{}
	}
	return evs[0]
}

// grants lists every user's grants.
func (o *oauthGateway) grants(t *testing.T) []api.Grant {
	t.Helper()
	var list api.List[api.Grant]
	o.cli.json(t, &list, "grant", "list", "--all", "--json")
	return list.Items
}

// requireNodeScript returns node and the absolute path of script in
// testdata/npm, after checking that the npm peers are installed. Without
// node the test is skipped locally and fails under CI=true.
func requireNodeScript(t *testing.T, script string, modules ...string) (node, path string) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		skipOrFail(t, "node is not installed (%v); install Node.js 20 to run this test", err)
	}
	dir := testenv.NPMDir(t)
	for _, m := range modules {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", m, "package.json")); err != nil {
			t.Fatalf("%v\nthe npm test peers are not installed: run `make npm-deps` (npm ci --prefix testdata/npm)", err)
		}
	}
	return node, filepath.Join(dir, script)
}

// skipOrFail skips the test, except under CI=true, where a missing
// prerequisite is a failure: CI never silently skips a real peer.
func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format+" (and CI=true)", args...)
	}
	t.Skipf(format, args...)
}

// runNode runs a script of testdata/npm with args and env (on top of
// PATH and HOME), decodes the one JSON object it prints on stdout into
// out, and returns its stderr. The script's exit status is returned as
// err, after out is decoded: the scripts report what failed in the JSON.
func runNode(t *testing.T, timeout time.Duration, node, script string, env []string, out any, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{script}, args...)...)
	cmd.Dir = filepath.Dir(script)
	cmd.Env = append(minimalEnv(t.TempDir()), env...)
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	runErr := cmd.Run()
	t.Logf("node %s: %v in %v", filepath.Base(script), runErr, time.Since(start).Round(time.Millisecond))
	if ctx.Err() != nil {
		runErr = errors.Join(runErr, ctx.Err())
	}
	if err := json.Unmarshal(bytes.TrimSpace(stdout.Bytes()), out); err != nil {
		t.Fatalf("node %s printed no JSON report (%v, exit: %v)\nstdout:\n%s\nstderr:\n%s",
			filepath.Base(script), err, runErr, stdout.String(), stderr.String())
	}
	return stderr.String(), runErr
}
