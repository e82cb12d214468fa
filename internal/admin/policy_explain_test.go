package admin

import (
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// explainFixture: endpoint main with alpha/echo enabled, a member in
// group contractors granted main, a deny rule for contractors on echo.
func explainFixture(t *testing.T) (*fixture, api.ToolRule) {
	f := newFixture(t)
	ctx := t.Context()
	f.call(t, http.MethodPatch, "/api/v1/endpoints/main/tools", map[string]any{"enable": []string{"alpha/echo"}}, http.StatusOK, nil)
	m, _ := f.newUser(t, "c@example.com", store.RoleMember, false)
	g := store.Group{ID: identity.NewID("grp"), Name: "contractors", Source: store.GroupSourceLocal, CreatedAt: f.clock.Now()}
	if err := f.st.CreateGroup(ctx, g); err != nil {
		t.Fatal(err)
	}
	if err := f.st.AddMembership(ctx, store.Membership{GroupID: g.ID, UserID: m.ID, Source: store.GroupSourceLocal, CreatedAt: f.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	f.call(t, http.MethodPost, "/api/v1/endpoints/main/grants", map[string]any{"group": "contractors"}, http.StatusCreated, nil)
	var rule api.ToolRule
	f.call(t, http.MethodPost, "/api/v1/endpoints/main/rules", api.CreateToolRuleRequest{Effect: "deny", Name: "contractors read only",
		Tools: []string{"alpha__*"}, Condition: `"contractors" in principal.groups && !args.text.startsWith("SELECT")`}, http.StatusCreated, &rule)
	return f, rule
}

func explain(t *testing.T, f *fixture, req api.ExplainRequest) api.ExplainResult {
	t.Helper()
	var out api.ExplainResult
	f.call(t, http.MethodPost, "/api/v1/policy/explain", req, http.StatusOK, &out)
	return out
}

func TestExplain(t *testing.T) {
	f, rule := explainFixture(t)
	drop := []byte(`{"text":"DROP TABLE t"}`)
	res := explain(t, f, api.ExplainRequest{User: "c@example.com", Endpoint: "main", Tool: "alpha__echo", Args: drop})
	if res.Decision != "deny" || res.Rule == nil || res.Rule.ID != rule.ID || len(res.Steps) != 3 {
		t.Fatalf("contractor dropping: %+v", res)
	}
	if !strings.Contains(res.Steps[0].Detail, `group "contractors"`) || !strings.Contains(res.Reason, rule.ID) {
		t.Errorf("the grant and rule are not named: %+v", res)
	}
	res = explain(t, f, api.ExplainRequest{User: "c@example.com", Endpoint: "main", Tool: "alpha__echo", Args: []byte(`{"text":"SELECT 1"}`)})
	if res.Decision != "allow" || res.Rule != nil || !strings.Contains(res.Reason, "no rule matched") {
		t.Errorf("contractor selecting: %+v", res)
	}
	res = explain(t, f, api.ExplainRequest{User: "root@example.com", Endpoint: "main", Tool: "alpha__echo", Args: drop})
	if res.Decision != "allow" || !strings.Contains(res.Steps[0].Detail, `role "admin"`) {
		t.Errorf("admin: %+v", res)
	}
	res = explain(t, f, api.ExplainRequest{User: "root@example.com", Endpoint: "main", Tool: "alpha__greet"})
	if res.Decision != "deny" || len(res.Steps) != 2 || res.Steps[1].Stage != api.StageTool || !strings.Contains(res.Reason, "disabled") {
		t.Errorf("disabled tool: %+v", res)
	}
	res = explain(t, f, api.ExplainRequest{ServiceAccount: "ci", Endpoint: "main", Tool: "alpha__echo"})
	if res.Decision != "deny" || res.Steps[0].Stage != api.StageConnect || !strings.Contains(res.Reason, "no grant") {
		t.Errorf("service account without grant: %+v", res)
	}
	// A member may not explain: it needs endpoints.read.
	_, tok := f.newUser(t, "m2@example.com", store.RoleMember, false)
	if r := f.do(t, tok, http.MethodPost, "/api/v1/policy/explain", api.ExplainRequest{User: "c@example.com", Endpoint: "main", Tool: "alpha__echo"}); r.status != http.StatusForbidden {
		t.Errorf("member explaining: %s", r)
	}
}

// TestDryRun replays a rule over recorded calls: it counts what it would
// have denied and saves nothing.
func TestDryRun(t *testing.T) {
	f, _ := explainFixture(t)
	c, err := f.st.GetUserByEmail(t.Context(), "c@example.com")
	if err != nil {
		t.Fatal(err)
	}
	calls := []struct {
		actor store.User
		text  string
	}{
		{c, "SELECT 1"}, {c, "DROP t"}, {f.admin, "DROP t"}, {f.admin, "DELETE FROM t"}, {f.admin, "SELECT 2"},
	}
	for _, call := range calls {
		ev := store.AuditEvent{Code: audit.CodeToolCall, RequestID: identity.NewID("req"), ActorType: audit.ActorUser,
			ActorID: call.actor.ID, ActorEmail: call.actor.Email, Endpoint: "main", Server: "alpha", Tool: "echo",
			Outcome: audit.OutcomeOK, Request: []byte(`{"text":"` + call.text + `"}`)}
		if _, err := f.audit.Record(t.Context(), ev); err != nil {
			t.Fatal(err)
		}
	}
	before := f.snapshot(t)
	var res api.DryRunResult
	f.call(t, http.MethodPost, "/api/v1/endpoints/main/rules/dry-run", api.DryRunRequest{
		CreateToolRuleRequest: api.CreateToolRuleRequest{Effect: "deny", Tools: []string{"alpha__echo"}, Condition: `!args.text.startsWith("SELECT")`},
		Last:                  500,
	}, http.StatusOK, &res)
	// The contractor's DROP is already denied by the existing rule (first
	// in order); the admin's DROP and DELETE would be newly denied.
	if res.Evaluated != 5 || res.WouldDeny != 2 || res.NewlyDenied != 2 || res.NewlyAllowed != 0 || len(res.Samples) != 2 {
		t.Errorf("dry-run = %+v", res)
	}
	if !strings.Contains(res.Summary, "would have denied 2 of 5 recent calls") {
		t.Errorf("summary %q", res.Summary)
	}
	f.call(t, http.MethodPost, "/api/v1/endpoints/main/rules/dry-run", api.DryRunRequest{
		CreateToolRuleRequest: api.CreateToolRuleRequest{Effect: "allow", Position: 1}, Last: 2,
	}, http.StatusOK, &res)
	if res.Evaluated != 2 || res.Matched != 2 {
		t.Errorf("allow-all dry-run over the last 2: %+v", res)
	}
	f.unchanged(t, before)
}
