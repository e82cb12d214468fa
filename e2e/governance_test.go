package e2e

import (
	"context"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/testenv"
)

// The governance test's names and secrets. Every secret is distinctive,
// so the final scan cannot miss one.
const (
	govOps      = "ops"        // endpoint over govShared: grants, revoke, tool rules
	govTeamA    = "team-a-web" // endpoint a custom role may edit
	govPersonal = "pers"       // endpoint over the personal-mode server
	govShared   = "g"          // shared-mode upstream (bearer)
	govPers     = "p"          // personal-mode upstream (bearer per user)
	govGroup    = "contractors"
	govPassword = "gov-password-Xq93-long-enough"

	govSharedSecret = "gov-shared-secret-7c1e"
	govTokAdmin     = "pers-tok-admin-41af"
	govTokA         = "pers-tok-alice-9d02"
	govTokB         = "pers-tok-bob-c3e8"
	govTokA2        = "pers-tok-alice2-e6b7" // alice's replacement token

	miaEmail   = "mia@example.com"   // member, in contractors
	tedEmail   = "ted@example.com"   // custom role team-a-editor
	aliceEmail = "alice@example.com" // personal credential tokA
	bobEmail   = "bob@example.com"   // personal credential tokB
	carolEmail = "carol@example.com" // no personal credential
)

// gov is the state of TestGovernance.
type gov struct {
	*env
	users   map[string]*cliRunner // CLI as each user, by email
	tokens  map[string]string     // each user's sbt_ token, by email
	runners []*cliRunner          // every runner whose output the secret scan reads
	pers    *identityUpstream
	open    []*mcp.ClientSession // closed before shutdown
	export  string               // `audit export --format jsonl`, taken before shutdown
}

// TestGovernance drives access control (users, groups, grants, custom
// roles), the CEL tool policy (rules, explain, dry-run) and personal
// static credentials through the real binary, CLI and MCP clients, and
// checks that no token or secret shows up in logs, CLI output or the audit
// export.
func TestGovernance(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the end-to-end test stops the gateway with SIGTERM")
	}
	if testing.Short() {
		t.Skip("the end-to-end test builds the binary")
	}
	e := &env{bin: testenv.BuildBinary(t, "./cmd/switchboard"), home: t.TempDir()}
	step := func(name string, f func(*testing.T)) {
		t.Helper()
		if !t.Run(name, f) {
			t.FailNow()
		}
	}
	dataDir := filepath.Join(t.TempDir(), "data")
	e.gw = startGateway(t, e.bin, dataDir, minimalEnv(e.home,
		"SWITCHBOARD_LOG_LEVEL=debug", "SWITCHBOARD_GATEWAY_CALL_TIMEOUT=8s"))
	step("bootstrap", e.bootstrap)
	g := &gov{env: e, users: map[string]*cliRunner{}, tokens: map[string]string{}}
	g.runners = append(g.runners, e.cli)

	e.gosrv = newGoUpstream(t, govShared, "Authorization", "Bearer "+govSharedSecret)
	g.pers = newIdentityUpstream(t, map[string]string{govTokAdmin: "admin-identity", govTokA: "alice", govTokB: "bob", govTokA2: "alice-2"})
	step("setup", g.setup)

	t.Run("access control", g.accessControl)
	t.Run("custom role", g.customRole)
	t.Run("tool policy", g.toolPolicy)
	t.Run("membership and role changes", g.membershipChanges)
	t.Run("personal credentials", g.personalCredentials)
	t.Run("audit export", g.auditExport)
	// Open sessions hold GET streams that graceful shutdown waits for.
	for _, cs := range g.open {
		_ = cs.Close()
	}
	t.Run("shutdown", e.shutdown)
	t.Run("no secrets leak", g.noSecretsLeak)
}

// setup registers the shared server and creates the endpoints and users.
func (g *gov) setup(t *testing.T) {
	g.cli.okWith(t, govSharedSecret+"\n", nil,
		"server", "add", govShared, "--url", g.gosrv.url(), "--auth", "bearer", "--secret-stdin")
	for _, ep := range []string{govOps, govTeamA} {
		g.cli.ok(t, "endpoint", "create", ep, "--server", govShared)
		g.cli.ok(t, "endpoint", "tools", "enable", ep, govShared+"/echo", govShared+"/fail")
	}
	for _, u := range []string{miaEmail, tedEmail, aliceEmail, bobEmail, carolEmail} {
		g.addUser(t, u)
	}
}

// addUser creates a member with a password, signs them in with `login
// --print-token` in a HOME of their own (that runner's output holds the
// token by design, so the secret scan skips it), and keeps a CLI runner
// with their token.
func (g *gov) addUser(t *testing.T, email string) {
	t.Helper()
	g.cli.okWith(t, govPassword+"\n", nil, "user", "create", "--email", email, "--role", "member", "--password-stdin")
	login := &cliRunner{bin: g.bin, env: minimalEnv(t.TempDir(), "SWITCHBOARD_URL="+g.gw.url())}
	tok := strings.TrimSpace(login.okWith(t, govPassword+"\n", nil, "login", "--email", email, "--password-stdin", "--print-token"))
	if !strings.HasPrefix(tok, "sbt_") || strings.ContainsAny(tok, " \n") {
		t.Fatalf("login --print-token for %s printed %q, want one sbt_ token", email, tok)
	}
	g.tokens[email] = tok
	r := &cliRunner{bin: g.bin, env: minimalEnv(t.TempDir(), "SWITCHBOARD_URL="+g.gw.url(), "SWITCHBOARD_TOKEN="+tok)}
	g.users[email] = r
	g.runners = append(g.runners, r)
	var me api.User
	r.json(t, &me, "whoami", "--json")
	if me.Email != email || me.Role != "member" {
		t.Errorf("whoami as %s = %q role %q", email, me.Email, me.Role)
	}
}

// connect opens an MCP session to ep with token, closed before shutdown.
func (g *gov) connect(t *testing.T, ep, token string) *mcp.ClientSession {
	t.Helper()
	cs := connectMCP(t, g.mcpURL(ep), token)
	g.open = append(g.open, cs)
	return cs
}

// auditExport exports the whole trail as JSON lines, for the secret scan.
func (g *gov) auditExport(t *testing.T) {
	g.export = g.cli.ok(t, "audit", "export", "--format", "jsonl")
	if n := strings.Count(g.export, "\n"); n < 20 {
		t.Errorf("audit export has %d lines, want the whole trail", n)
	}
}

// mcpURL is the URL of endpoint ep.
func (g *gov) mcpURL(ep string) string { return g.gw.url() + "/mcp/" + ep }

// initStatus posts a bare initialize to ep with token and returns the
// status code.
func (g *gov) initStatus(t *testing.T, ep, token string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, g.mcpURL(ep),
		strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"gov","version":"0"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// apiStatus sends one admin API request with token and returns the status.
func (g *gov) apiStatus(t *testing.T, method, path, token, body string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, g.gw.url()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// accessControl: a member without a grant gets 403; a grant to their group
// lets them connect and call; revoking it stops their next call within 2 s.
func (g *gov) accessControl(t *testing.T) {
	mia := g.tokens[miaEmail]
	g.cli.ok(t, "group", "create", govGroup)
	g.cli.ok(t, "group", "add-member", govGroup, miaEmail)

	if got := g.initStatus(t, govOps, mia); got != http.StatusForbidden {
		t.Fatalf("member without a grant: initialize status %d, want 403", got)
	}

	g.cli.ok(t, "endpoint", "grant", govOps, "--group", govGroup)
	cs := g.connect(t, govOps, mia)
	res := mustCall(t, cs, govShared+"__echo", map[string]any{"text": "mia via group"})
	if res.IsError {
		t.Fatalf("call with a group grant: tool error %q", textOf(res))
	}

	// Revoke, then poll the open session every 100 ms until a call fails.
	cliStart := time.Now()
	g.cli.ok(t, "endpoint", "revoke", govOps, "--group", govGroup)
	revoked := time.Now()
	t.Logf("endpoint revoke (CLI) took %v", revoked.Sub(cliStart))
	var took time.Duration
	var lastErr string
	for {
		res, err := callTool(t, cs, govShared+"__echo", map[string]any{"text": "after revoke"})
		if err != nil || res.IsError {
			took = time.Since(revoked)
			if err != nil {
				lastErr = err.Error()
			} else {
				lastErr = "tool error: " + textOf(res)
			}
			break
		}
		if time.Since(revoked) > 5*time.Second {
			t.Fatalf("calls still succeed %v after the group's grant was revoked", time.Since(revoked))
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("revoke -> first failing call: %v (%s)", took, lastErr)
	if took > 2*time.Second {
		t.Errorf("the first failing call came %v after revoke, want ≤ 2s", took)
	}
	if got := g.initStatus(t, govOps, mia); got != http.StatusForbidden {
		t.Errorf("after revoke: initialize status %d, want 403", got)
	}
	_ = cs.Close()
}

// customRole: a role scoped to team-a-* lets its holder edit and connect
// to team-a-web, and refuses another endpoint with 403.
func (g *gov) customRole(t *testing.T) {
	g.cli.ok(t, "role", "create", "team-a-editor",
		"--permission", "endpoints:read,edit,connect:glob=team-a-*", "--permission", "servers:read")
	g.cli.ok(t, "role", "assign", "team-a-editor", tedEmail)
	ted := g.users[tedEmail]

	// The role follows the token "within seconds".
	deadline := time.Now().Add(5 * time.Second)
	for {
		res := ted.run(t, "", nil, "endpoint", "update", govTeamA, "--description", "edited by ted")
		if res.code == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("ted with team-a-editor: endpoint update %s: exit %d\n%s%s", govTeamA, res.code, res.stdout, res.stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
	var ep api.Endpoint
	g.cli.json(t, &ep, "endpoint", "show", govTeamA, "--json")
	if ep.Description != "edited by ted" {
		t.Errorf("team-a-web description = %q after ted's edit", ep.Description)
	}

	res := ted.run(t, "", nil, "endpoint", "update", govOps, "--description", "not ted's")
	if res.code == 0 {
		t.Errorf("ted edited %s, outside team-a-*:\n%s", govOps, res.stdout)
	} else if res.code != 1 || !strings.Contains(res.stderr, "your role does not allow this") {
		t.Errorf("ted editing %s: exit %d, stderr %q; want exit 1 and the 403 hint (your role does not allow this)", govOps, res.code, res.stderr)
	}
	// The CLI's message stands for the API's 403.
	if got := g.apiStatus(t, http.MethodPatch, "/api/v1/endpoints/"+govOps, g.tokens[tedEmail], `{"description":"not ted's"}`); got != http.StatusForbidden {
		t.Errorf("ted: PATCH /api/v1/endpoints/%s: status %d, want 403", govOps, got)
	}
	if got := g.apiStatus(t, http.MethodPatch, "/api/v1/endpoints/"+govTeamA, g.tokens[tedEmail], `{"description":"edited by ted"}`); got != http.StatusOK {
		t.Errorf("ted: PATCH /api/v1/endpoints/%s: status %d, want 200", govTeamA, got)
	}
	g.cli.json(t, &ep, "endpoint", "show", govOps, "--json")
	if ep.Description == "not ted's" {
		t.Error("the refused edit changed the endpoint")
	}

	var eps api.List[api.Endpoint]
	ted.json(t, &eps, "endpoint", "list", "--json")
	var names []string
	for _, ep := range eps.Items {
		names = append(names, ep.Name)
	}
	if !slices.Equal(names, []string{govTeamA}) {
		t.Errorf("endpoint list as ted = %v, want only %s (the role covers team-a-*)", names, govTeamA)
	}

	tok := g.tokens[tedEmail]
	if got := g.initStatus(t, govTeamA, tok); got != http.StatusOK {
		t.Errorf("ted at %s (connect:glob=team-a-*): status %d, want 200", govTeamA, got)
	}
	if got := g.initStatus(t, govOps, tok); got != http.StatusForbidden {
		t.Errorf("ted at %s: status %d, want 403", govOps, got)
	}
}

// pollUntilFails calls f every 100 ms until it reports failure, and
// returns how long that took; it fails the test after 2 s.
func pollUntilFails(t *testing.T, what string, f func() (failed bool, why string)) {
	t.Helper()
	start := time.Now()
	for {
		if failed, why := f(); failed {
			took := time.Since(start)
			t.Logf("%s -> first failure after %v (%s)", what, took, why)
			if took > 2*time.Second {
				t.Errorf("%s: the first failure came %v later, want ≤ 2s", what, took)
			}
			return
		}
		if time.Since(start) > 5*time.Second {
			t.Fatalf("%s: still allowed %v later", what, time.Since(start))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// membershipChanges: taking a member out of the granted group, and a
// user's custom role back to member, take effect within 2 s.
func (g *gov) membershipChanges(t *testing.T) {
	// ops is granted to contractors again since the tool-policy step.
	cs := g.connect(t, govOps, g.tokens[miaEmail])
	if res := mustCall(t, cs, govShared+"__echo", map[string]any{"text": "still in the group"}); res.IsError {
		t.Fatalf("mia's call with the group grant: %q", textOf(res))
	}
	g.cli.ok(t, "group", "remove-member", govGroup, miaEmail)
	pollUntilFails(t, "group remove-member", func() (bool, string) {
		res, err := callTool(t, cs, govShared+"__echo", map[string]any{"text": "out of the group"})
		if err != nil {
			return true, err.Error()
		}
		return res.IsError, textOf(res)
	})

	g.cli.ok(t, "role", "assign", "member", tedEmail)
	pollUntilFails(t, "role assign member (from team-a-editor)", func() (bool, string) {
		code := g.apiStatus(t, http.MethodPatch, "/api/v1/endpoints/"+govTeamA, g.tokens[tedEmail], `{"description":"ted again"}`)
		return code == http.StatusForbidden, http.StatusText(code)
	})
	if got := g.initStatus(t, govTeamA, g.tokens[tedEmail]); got != http.StatusForbidden {
		t.Errorf("ted, member again, at %s: status %d, want 403", govTeamA, got)
	}
}

// addRule adds a tool rule to ops with the CLI and returns it.
func (g *gov) addRule(t *testing.T, args ...string) api.ToolRule {
	t.Helper()
	var r api.ToolRule
	g.cli.json(t, &r, append([]string{"policy", "rule", "add", govOps}, append(args, "--json")...)...)
	if r.ID == "" {
		t.Fatalf("policy rule add %v: no rule ID in %+v", args, r)
	}
	return r
}

// toolPolicy: a deny rule on an argument blocks one call with a tool error
// naming the rule and lets another through; the audit trail holds the
// rule's ID; a group rule hides a tool from the group's members only;
// explain and dry-run agree.
func (g *gov) toolPolicy(t *testing.T) {
	echo, fail := govShared+"__echo", govShared+"__fail"
	bad := g.cli.run(t, "", nil, "policy", "rule", "add", govOps, "--effect", "deny", "--when", `args.text.startsWith(`)
	if bad.code == 0 || !strings.Contains(bad.stderr, "when") && !strings.Contains(bad.stderr, "condition") {
		t.Errorf("a rule with a broken CEL condition: exit %d, stderr %q; want it refused, naming the condition", bad.code, bad.stderr)
	}
	noDrop := g.addRule(t, "--effect", "deny", "--name", "no-drop", "--tool", echo, "--when", `args.text.startsWith("DROP")`)

	admin := g.connect(t, govOps, g.token)
	before := g.gosrv.echoCalls.Load()
	res := mustCall(t, admin, echo, map[string]any{"text": "DROP TABLE users"})
	if !res.IsError || !strings.Contains(textOf(res), "no-drop") || !strings.Contains(textOf(res), noDrop.ID) {
		t.Errorf("DROP call = isError %v %q; want a tool error naming rule no-drop (%s)", res.IsError, textOf(res), noDrop.ID)
	}
	if n := g.gosrv.echoCalls.Load() - before; n != 0 {
		t.Errorf("the denied call reached the upstream %d times", n)
	}
	res = mustCall(t, admin, echo, map[string]any{"text": "SELECT 1"})
	if res.IsError {
		t.Errorf("SELECT call: tool error %q, want it allowed", textOf(res))
	}

	var denied api.AuditList
	g.cli.json(t, &denied, "audit", "list", "--outcome", "denied", "--endpoint", govOps, "--json")
	if ev := findEvent(denied.Events, func(ev api.AuditEvent) bool {
		return ev.Code == codeDenied && strings.Contains(ev.Error, noDrop.ID)
	}); ev == nil {
		t.Errorf("audit list --outcome denied has no %s event naming rule %s: %+v", codeDenied, noDrop.ID, denied.Events)
	}

	// A rule for the group: the member no longer sees fail, the admin does.
	noFail := g.addRule(t, "--effect", "deny", "--name", "contractors-no-fail", "--tool", fail,
		"--when", `principal.groups.exists(g, g == "`+govGroup+`")`)
	g.cli.ok(t, "endpoint", "grant", govOps, "--group", govGroup)
	mia := g.connect(t, govOps, g.tokens[miaEmail])
	adminTools, miaTools := toolNames(listTools(t, admin)), toolNames(listTools(t, mia))
	if !slices.Contains(adminTools, fail) || !slices.Contains(adminTools, echo) {
		t.Errorf("admin's tools/list = %v, want %s and %s", adminTools, echo, fail)
	}
	if slices.Contains(miaTools, fail) || !slices.Contains(miaTools, echo) {
		t.Errorf("contractor's tools/list = %v, want %s without %s", miaTools, echo, fail)
	}
	if res, err := callTool(t, mia, fail, map[string]any{"text": "x"}); err == nil && !res.IsError {
		t.Errorf("contractor called %s despite rule %s", fail, noFail.ID)
	}
	res = mustCall(t, admin, fail, map[string]any{"text": "admin may"})
	if textOf(res) != "boom: admin may" {
		t.Errorf("admin's %s = %q, want the upstream's answer", fail, textOf(res))
	}

	t.Run("explain", func(t *testing.T) {
		var ex api.ExplainResult
		g.cli.json(t, &ex, "policy", "explain", "--user", miaEmail, "--endpoint", govOps, "--tool", fail, "--args", `{"text":"x"}`, "--json")
		if ex.Decision != "deny" || ex.Rule == nil || ex.Rule.ID != noFail.ID {
			t.Errorf("explain mia %s = %+v, want deny by %s", fail, ex, noFail.ID)
		}
		out := g.cli.ok(t, "policy", "explain", "--user", miaEmail, "--endpoint", govOps, "--tool", echo, "--args", `{"text":"DROP it"}`)
		if !strings.Contains(strings.ToLower(out), "deny") || !strings.Contains(out, "no-drop") {
			t.Errorf("explain mia %s DROP (text) does not say deny by no-drop:\n%s", echo, out)
		}
		g.cli.json(t, &ex, "policy", "explain", "--user", miaEmail, "--endpoint", govOps, "--tool", echo, "--args", `{"text":"hello"}`, "--json")
		if ex.Decision != "allow" {
			t.Errorf("explain mia %s hello = %+v, want allow", echo, ex)
		}
		g.cli.json(t, &ex, "policy", "explain", "--user", carolEmail, "--endpoint", govOps, "--tool", echo, "--json")
		if ex.Decision != "deny" || len(ex.Steps) == 0 || ex.Steps[len(ex.Steps)-1].Stage != api.StageConnect {
			t.Errorf("explain carol (no grant) = %+v, want deny at the connect step", ex)
		}
	})

	t.Run("dry-run", func(t *testing.T) {
		var dr api.DryRunResult
		g.cli.json(t, &dr, "policy", "rule", "add", govOps, "--effect", "deny", "--tool", echo,
			"--when", `args.text.startsWith("SELECT")`, "--dry-run", "--last", "100", "--json")
		t.Logf("dry-run: %+v", dr)
		if dr.Evaluated == 0 || dr.WouldDeny < 1 || dr.NewlyDenied < 1 {
			t.Errorf("dry-run of deny echo SELECT* = %+v, want the SELECT 1 call among the newly denied", dr)
		}
		if len(dr.Samples) == 0 || dr.Samples[0].Tool != echo || dr.Samples[0].Actor != adminEmail {
			t.Errorf("dry-run samples = %+v, want the admin's %s call", dr.Samples, echo)
		}
		var rules []api.ToolRule
		var list api.List[api.ToolRule]
		out := g.cli.ok(t, "policy", "rule", "list", govOps, "--json")
		if err := json.Unmarshal([]byte(out), &list); err == nil && list.Items != nil {
			rules = list.Items
		} else if err := json.Unmarshal([]byte(out), &rules); err != nil {
			t.Fatalf("policy rule list --json: %v\n%s", err, out)
		}
		if len(rules) != 2 {
			t.Errorf("after a dry-run, %d rules, want the 2 saved: %+v", len(rules), rules)
		}
	})

	t.Run("dry-run replays denied calls", func(t *testing.T) {
		// An allow rule put first would let through the DROP call that
		// no-drop denied.
		var dr api.DryRunResult
		g.cli.json(t, &dr, "policy", "rule", "add", govOps, "--effect", "allow", "--tool", echo,
			"--position", "1", "--dry-run", "--json")
		if dr.NewlyAllowed < 1 {
			t.Errorf("dry-run of allow %s first = %+v, want the denied DROP call among the newly allowed", echo, dr)
		}
	})

	// Leave ops without rules for what follows.
	for _, r := range []api.ToolRule{noDrop, noFail} {
		g.cli.ok(t, "policy", "rule", "remove", govOps, r.ID)
	}
}

// personalCredentials: a personal-mode server sees each caller's own
// token through one endpoint; a user without one is told where to connect;
// an admin lists and revokes credentials without seeing them.
func (g *gov) personalCredentials(t *testing.T) {
	g.cli.okWith(t, govTokAdmin+"\n", nil, "server", "add", govPers, "--url", g.pers.url(),
		"--auth", "bearer", "--credential-mode", "personal", "--secret-stdin")
	g.cli.ok(t, "endpoint", "create", govPersonal, "--server", govPers)
	g.cli.ok(t, "endpoint", "tools", "enable", govPersonal, govPers+"/whoami")
	for _, u := range []string{aliceEmail, bobEmail, carolEmail} {
		g.cli.ok(t, "endpoint", "grant", govPersonal, "--user", u)
	}
	g.users[aliceEmail].okWith(t, govTokA+"\n", nil, "connect", govPers, "--secret-stdin")
	g.users[bobEmail].okWith(t, govTokB+"\n", nil, "connect", govPers, "--secret-stdin")

	whoami := govPers + "__whoami"
	sessions := map[string]*mcp.ClientSession{}
	for _, u := range []string{aliceEmail, bobEmail, carolEmail} {
		sessions[u] = g.connect(t, govPersonal, g.tokens[u])
	}
	admin := g.connect(t, govPersonal, g.token)
	for who, want := range map[*mcp.ClientSession]string{sessions[aliceEmail]: "alice", sessions[bobEmail]: "bob", admin: "admin-identity"} {
		res := mustCall(t, who, whoami, map[string]any{})
		if res.IsError || textOf(res) != want {
			t.Errorf("whoami = isError %v %q, want %q", res.IsError, textOf(res), want)
		}
	}
	res := mustCall(t, sessions[carolEmail], whoami, map[string]any{})
	if txt := textOf(res); !res.IsError || !strings.Contains(txt, `"`+govPers+`"`) && !strings.Contains(txt, " "+govPers+" ") ||
		!strings.Contains(txt, g.gw.url()+"/connections?server="+govPers) {
		t.Errorf("carol's whoami = isError %v %q; want a tool error naming %s with %s/connections?server=%s",
			res.IsError, txt, govPers, g.gw.url(), govPers)
	}
	t.Logf("carol's whoami without a connection: %q", textOf(res))
	var persEvents api.AuditList
	g.cli.json(t, &persEvents, "audit", "list", "--server", govPers, "--outcome", "credential_missing", "--json")
	carolEv := findEvent(persEvents.Events, func(ev api.AuditEvent) bool {
		return ev.Code == codeCall && ev.ActorEmail == carolEmail && ev.Tool == "whoami"
	})
	if carolEv == nil {
		t.Errorf("no %s event with outcome credential_missing for carol: %+v", codeCall, persEvents.Events)
	}
	t.Run("audit list --actor EMAIL", func(t *testing.T) {
		var list api.AuditList
		g.cli.json(t, &list, "audit", "list", "--actor", carolEmail, "--server", govPers, "--json")
		if findEvent(list.Events, func(ev api.AuditEvent) bool { return carolEv != nil && ev.Seq == carolEv.Seq }) == nil {
			t.Errorf("audit list --actor %s --server %s = %+v, want carol's call", carolEmail, govPers, list.Events)
		}
	})
	if n := g.pers.refused.Load(); n != 0 {
		t.Errorf("the personal upstream refused %d requests", n)
	}

	status := func(u string) string {
		var conns api.List[api.Connection]
		g.users[u].json(t, &conns, "connections", "list", "--json")
		for _, c := range conns.Items {
			if c.Server == govPers {
				if want := g.gw.url() + "/connections?server=" + govPers; c.ConnectURL != want {
					t.Errorf("%s's connection to %s: connect_url %q, want %q", u, govPers, c.ConnectURL, want)
				}
				return c.Status
			}
		}
		return "absent"
	}
	if got := status(aliceEmail); got != api.ConnectionConnected {
		t.Errorf("alice's connections list: %s is %q, want connected", govPers, got)
	}
	if got := status(carolEmail); got != api.ConnectionNotConnected {
		t.Errorf("carol's connections list: %s is %q, want not_connected", govPers, got)
	}
	if out := g.users[aliceEmail].ok(t, "connections", "list"); !strings.Contains(out, govPers) || !strings.Contains(out, "connected") {
		t.Errorf("connections list (text) for alice:\n%s", out)
	}

	var creds api.List[api.CredentialStatus]
	g.cli.json(t, &creds, "server", "credentials", govPers, "--json")
	got := map[string]string{}
	for _, c := range creds.Items {
		got[c.User] = c.Status
	}
	for _, u := range []string{adminEmail, aliceEmail, bobEmail} {
		if got[u] != api.ConnectionConnected {
			t.Errorf("server credentials %s: %s is %q, want connected (all: %v)", govPers, u, got[u], got)
		}
	}
	if _, ok := got[carolEmail]; ok {
		t.Errorf("server credentials %s lists carol, who never connected: %v", govPers, got)
	}
	out := g.cli.ok(t, "server", "credentials", govPers)
	for _, s := range []string{govTokAdmin, govTokA, govTokB} {
		if strings.Contains(out, s) {
			t.Errorf("server credentials shows a secret:\n%s", out)
		}
	}

	g.cli.ok(t, "server", "credentials", "revoke", govPers, "--user", bobEmail)
	res = mustCall(t, sessions[bobEmail], whoami, map[string]any{})
	if txt := textOf(res); !res.IsError || !strings.Contains(txt, "/connections?server="+govPers) {
		t.Errorf("bob's whoami after revoke = isError %v %q; want the credential-missing tool error", res.IsError, txt)
	}
	if res := mustCall(t, sessions[aliceEmail], whoami, map[string]any{}); textOf(res) != "alice" {
		t.Errorf("alice's whoami after bob's revoke = %q", textOf(res))
	}
	if got := status(bobEmail); got != api.ConnectionNotConnected {
		t.Errorf("bob's connections list after revoke: %q, want not_connected", got)
	}

	// Connecting again works in the session that was told to connect, and
	// a replaced secret is what the next call sends.
	g.users[bobEmail].okWith(t, "", []string{"BOB_TOKEN=" + govTokB}, "connect", govPers, "--secret-env", "BOB_TOKEN")
	if res := mustCall(t, sessions[bobEmail], whoami, map[string]any{}); res.IsError || textOf(res) != "bob" {
		t.Errorf("bob's whoami after connecting again = isError %v %q, want bob", res.IsError, textOf(res))
	}
	g.users[aliceEmail].okWith(t, govTokA2+"\n", nil, "connect", govPers, "--secret-stdin")
	if res := mustCall(t, sessions[aliceEmail], whoami, map[string]any{}); res.IsError || textOf(res) != "alice-2" {
		t.Errorf("alice's whoami after replacing her token = isError %v %q, want alice-2 (the new token's identity)", res.IsError, textOf(res))
	}
	if res := mustCall(t, g.connect(t, govPersonal, g.tokens[aliceEmail]), whoami, map[string]any{}); textOf(res) != "alice-2" {
		t.Errorf("alice's whoami in a new session after replacing her token = %q, want alice-2", textOf(res))
	}
}

// noSecretsLeak scans the gateway's output, every CLI output (but the
// logins, which print tokens on purpose) and the audit export for every
// secret and token the test used.
func (g *gov) noSecretsLeak(t *testing.T) {
	secrets := map[string]string{
		"g's shared bearer token":    govSharedSecret,
		"the admin's personal token": govTokAdmin,
		"alice's personal token":     govTokA,
		"bob's personal token":       govTokB,
		"alice's new personal token": govTokA2,
		"the users' password":        govPassword,
		"the admin API token":        g.token,
	}
	for u, tok := range g.tokens {
		secrets[u+"'s API token"] = tok
	}
	var cli strings.Builder
	for _, r := range g.runners {
		cli.WriteString(r.allOutput())
	}
	sources := map[string]string{
		"serve stderr (logs)": g.gw.stderr.String(),
		"serve stdout":        g.gw.stdout.String(),
		"CLI output":          cli.String(),
		"audit export":        g.export,
	}
	for _, want := range []string{"path=/mcp/" + govPersonal, "path=/api/v1/me/connections/" + govPers, "headers.Authorization=[redacted]"} {
		if !strings.Contains(sources["serve stderr (logs)"], want) {
			t.Errorf("the debug log lacks %q, so the scan below proves little", want)
		}
	}
	// The data directory holds the credentials sealed, and API tokens as
	// hashes only.
	err := filepath.WalkDir(g.gw.dataDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		sources["data file "+filepath.Base(path)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(g.export, `"mcp.tool.call"`) {
		t.Errorf("the audit export holds no mcp.tool.call event, so its scan proves little")
	}
	for where, text := range sources {
		for what, secret := range secrets {
			if i := strings.Index(text, secret); i >= 0 {
				t.Errorf("%s holds %s at offset %d: …%s…", where, what, i, excerpt(text, i, 80))
			}
		}
	}
}

// identityUpstream is a go-sdk MCP server behind a middleware that maps
// bearer tokens to identities (anything else: 401); its tool whoami
// returns the caller's identity.
type identityUpstream struct {
	srv     *httptest.Server
	refused atomic.Int64
}

func newIdentityUpstream(t *testing.T, identities map[string]string) *identityUpstream {
	t.Helper()
	u := &identityUpstream{}
	server := mcp.NewServer(&mcp.Implementation{Name: "personal", Version: "1.0.0"}, nil)
	mcp.AddTool(server, &mcp.Tool{Name: "whoami", Description: "Say whose token called"},
		func(_ context.Context, req *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, any, error) {
			tok, _ := strings.CutPrefix(req.Extra.Header.Get("Authorization"), "Bearer ")
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: identities[tok]}}}, nil, nil
		})
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return server }, nil)
	u.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if _, known := identities[tok]; !ok || !known {
			u.refused.Add(1)
			http.Error(w, "unknown token", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		u.srv.CloseClientConnections()
		u.srv.Close()
	})
	return u
}

func (u *identityUpstream) url() string { return u.srv.URL + "/mcp" }
