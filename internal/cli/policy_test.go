package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// policyAPI answers the policy routes and records what the CLI sent.
type policyAPI struct {
	mu   sync.Mutex
	reqs []request
}

func newPolicyHarness(t *testing.T) (*harness, *policyAPI) {
	p := &policyAPI{}
	rule := api.ToolRule{ID: "rul_1", Endpoint: "dev", Position: 1, Effect: "deny", Name: "no deletes",
		Tools: []string{"github__delete_repo"}, Condition: `"contractors" in principal.groups`, Enabled: true}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/endpoints/{name}/rules", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, api.List[api.ToolRule]{Items: []api.ToolRule{rule}})
	})
	mux.HandleFunc("POST /api/v1/endpoints/{name}/rules", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 201, rule)
	})
	mux.HandleFunc("PATCH /api/v1/endpoints/{name}/rules/{id}", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, rule)
	})
	mux.HandleFunc("DELETE /api/v1/endpoints/{name}/rules/{id}", noContent)
	mux.HandleFunc("POST /api/v1/endpoints/{name}/rules/dry-run", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, api.DryRunResult{Evaluated: 500, WouldDeny: 12, Summary: "this rule would have denied 12 of 500 recent calls"})
	})
	mux.HandleFunc("POST /api/v1/policy/explain", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, api.ExplainResult{Decision: "deny", Reason: "rules: rule rul_1 (#1 no deletes) denys", Rule: &rule,
			Steps: []api.ExplainStep{{Stage: "connect", Allow: true, Detail: `grant egr_1 to group "contractors"`},
				{Stage: "tool", Allow: true, Detail: "enabled"}, {Stage: "rules", Detail: "rule rul_1"}}})
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		p.mu.Lock()
		p.reqs = append(p.reqs, request{Method: r.Method, Path: r.URL.Path, Body: body})
		p.mu.Unlock()
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	h := &harness{env: map[string]string{"SWITCHBOARD_URL": srv.URL, "SWITCHBOARD_TOKEN": testToken}, config: t.TempDir()}
	return h, p
}

func (p *policyAPI) last(t *testing.T) request {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.reqs) == 0 {
		t.Fatal("no request")
	}
	return p.reqs[len(p.reqs)-1]
}

func TestPolicyRuleAdd(t *testing.T) {
	h, p := newPolicyHarness(t)
	r := h.run(t, "", "policy", "rule", "add", "dev", "--effect", "deny", "--tool", "github__delete_repo",
		"--when", `principal.groups.exists(g, g == "contractors")`, "--name", "no deletes", "--position", "1")
	if r.code != 0 || !strings.Contains(r.out, "rul_1") {
		t.Fatalf("exit %d: %s %s", r.code, r.out, r.err)
	}
	last := p.last(t)
	var body api.CreateToolRuleRequest
	_ = json.Unmarshal(last.Body, &body)
	want := api.CreateToolRuleRequest{Effect: "deny", Name: "no deletes", Tools: []string{"github__delete_repo"},
		Condition: `principal.groups.exists(g, g == "contractors")`, Position: 1}
	if last.Path != "/api/v1/endpoints/dev/rules" || !reflect.DeepEqual(body, want) {
		t.Errorf("sent %s %+v", last.Path, body)
	}
	r = h.run(t, "", "policy", "rule", "add", "dev", "--effect", "deny", "--tool", "db__query", "--dry-run", "--last", "500")
	if r.code != 0 || !strings.Contains(r.out, "would have denied 12 of 500") || !strings.Contains(r.out, "nothing saved") {
		t.Errorf("dry-run: exit %d: %s %s", r.code, r.out, r.err)
	}
	var dry api.DryRunRequest
	_ = json.Unmarshal(p.last(t).Body, &dry)
	if p.last(t).Path != "/api/v1/endpoints/dev/rules/dry-run" || dry.Last != 500 || dry.Effect != "deny" {
		t.Errorf("dry-run sent %s %+v", p.last(t).Path, dry)
	}
	if r := h.run(t, "", "policy", "rule", "add", "dev", "--tool", "x"); r.code != ExitUsage || !strings.Contains(r.err, "--effect") {
		t.Errorf("no effect: exit %d %q", r.code, r.err)
	}
}

func TestPolicyRuleListUpdateRemove(t *testing.T) {
	h, p := newPolicyHarness(t)
	r := h.run(t, "", "policy", "rule", "list", "dev")
	if r.code != 0 || !strings.Contains(r.out, "no deletes") || !strings.Contains(r.out, "github__delete_repo") {
		t.Errorf("list: %d %s %s", r.code, r.out, r.err)
	}
	r = h.run(t, "", "policy", "rule", "list", "dev", "--json")
	var list api.List[api.ToolRule]
	if err := json.Unmarshal([]byte(r.out), &list); err != nil || len(list.Items) != 1 {
		t.Errorf("list --json: %v %s", err, r.out)
	}
	r = h.run(t, "", "policy", "rule", "update", "dev", "rul_1", "--position", "2", "--enabled", "false")
	var patch map[string]any
	_ = json.Unmarshal(p.last(t).Body, &patch)
	if r.code != 0 || p.last(t).Method != "PATCH" || !reflect.DeepEqual(patch, map[string]any{"position": 2.0, "enabled": false}) {
		t.Errorf("update: %d %s, sent %v", r.code, r.err, patch)
	}
	if r := h.run(t, "", "policy", "rule", "update", "dev", "rul_1"); r.code != ExitUsage {
		t.Errorf("update without flags: exit %d", r.code)
	}
	r = h.run(t, "", "policy", "rule", "remove", "dev", "rul_1")
	if r.code != 0 || p.last(t).Method != "DELETE" || p.last(t).Path != "/api/v1/endpoints/dev/rules/rul_1" {
		t.Errorf("remove: %d %s", r.code, r.err)
	}
}

func TestPolicyExplain(t *testing.T) {
	h, p := newPolicyHarness(t)
	r := h.run(t, "", "policy", "explain", "--user", "amy@example.com", "--endpoint", "dev", "--tool", "github__delete_repo",
		"--args", `{"force":true}`)
	if r.code != 0 || !strings.HasPrefix(r.out, "DENY") || !strings.Contains(r.out, `group "contractors"`) {
		t.Errorf("explain: %d %s %s", r.code, r.out, r.err)
	}
	var body api.ExplainRequest
	_ = json.Unmarshal(p.last(t).Body, &body)
	if body.User != "amy@example.com" || body.Endpoint != "dev" || string(body.Args) != `{"force":true}` {
		t.Errorf("sent %+v", body)
	}
	if r := h.run(t, "", "policy", "explain", "--user", "a@b.c", "--endpoint", "dev", "--tool", "x", "--args", "{nope"); r.code != ExitUsage {
		t.Errorf("bad --args: exit %d", r.code)
	}
	if r := h.run(t, "", "policy", "explain", "--help"); r.code != 0 || !strings.Contains(r.out, "switchboard policy explain --user") {
		t.Errorf("help: %d %s", r.code, r.out)
	}
}
