package admin

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// toolRuleCases are the bad inputs of the tool-rule and explain routes;
// endpoint main of the fixture gets one rule, rul_fixture.
func toolRuleCases(t *testing.T, f *fixture) []badCase {
	ep, err := f.st.GetEndpointByName(t.Context(), "main")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.AddToolRule(t.Context(), store.ToolRule{ID: "rul_fixture", EndpointID: ep.ID, Effect: "deny",
		Name: "fixture", Enabled: true, CreatedAt: f.clock.Now(), UpdatedAt: f.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	var cases []badCase
	add := func(route, path string, list []badCase) {
		for _, c := range list {
			c.route, c.path = route, path
			if c.code == "" {
				c.code = api.CodeInvalidField
			}
			cases = append(cases, c)
		}
	}
	ruleBad := []badCase{
		{name: "effect missing", body: `{"tools":["x"]}`, status: 400, field: "effect", msg: "allow"},
		{name: "effect unknown", body: `{"effect":"block"}`, status: 400, field: "effect"},
		{name: "tools wrong type", body: `{"effect":"deny","tools":"x"}`, status: 400, field: "tools", msg: "array"},
		{name: "bad glob", body: `{"effect":"deny","tools":["a["]}`, status: 400, field: "tools", msg: "glob"},
		{name: "syntax error", body: `{"effect":"deny","condition":"args.sql.startsWith("}`, status: 400, field: "condition", msg: "Syntax error"},
		{name: "unknown variable", body: `{"effect":"deny","condition":"user == 'x'"}`, status: 400, field: "condition", msg: "undeclared reference"},
		{name: "unknown principal field", body: `{"effect":"deny","condition":"principal.team == 'x'"}`, status: 400, field: "condition", msg: "team"},
		{name: "not a bool", body: `{"effect":"deny","condition":"args.sql"}`, status: 400, field: "condition", msg: "bool"},
		{name: "condition too long", body: map[string]any{"effect": "deny", "condition": strings.Repeat("a", 5000)}, status: 400, field: "condition", msg: "limit"},
		{name: "negative position", body: `{"effect":"deny","position":-1}`, status: 400, field: "position"},
		{name: "name too long", body: map[string]any{"effect": "deny", "name": strings.Repeat("n", 101)}, status: 400, field: "name"},
	}
	const create = "POST /api/v1/endpoints/{name}/rules"
	add(create, "/api/v1/endpoints/main/rules", append(jsonCases(create), ruleBad...))
	add(create, "/api/v1/endpoints/nope/rules", []badCase{{name: "unknown endpoint", body: `{"effect":"deny"}`, status: 404, code: api.CodeNotFound, msg: `"nope"`}})
	add("GET /api/v1/endpoints/{name}/rules", "/api/v1/endpoints/nope/rules", []badCase{{name: "unknown endpoint", status: 404, code: api.CodeNotFound, msg: `"nope"`}})

	const dry = "POST /api/v1/endpoints/{name}/rules/dry-run"
	add(dry, "/api/v1/endpoints/main/rules/dry-run", append(jsonCases(dry), append(ruleBad[:2:2],
		badCase{name: "last too large", body: `{"effect":"deny","last":10001}`, status: 400, field: "last"},
		badCase{name: "unknown rule", body: `{"rule_id":"rul_nope"}`, status: 400, field: "rule_id", msg: "rul_nope"},
		badCase{name: "rule and rule_id", body: `{"rule_id":"rul_fixture","effect":"deny"}`, status: 400, field: "rule_id", msg: "not both"},
	)...))

	const patch = "PATCH /api/v1/endpoints/{name}/rules/{id}"
	add(patch, "/api/v1/endpoints/main/rules/rul_fixture", append(jsonCases(patch),
		badCase{name: "bad condition", body: `{"condition":"1 +"}`, status: 400, field: "condition", msg: "Syntax error"},
		badCase{name: "bad effect", body: `{"effect":"maybe"}`, status: 400, field: "effect"},
		badCase{name: "position zero", body: `{"position":0}`, status: 400, field: "position"},
	))
	add(patch, "/api/v1/endpoints/main/rules/rul_nope", []badCase{{name: "unknown rule", body: `{"enabled":false}`, status: 404, code: api.CodeNotFound, msg: "rul_nope"}})
	add("DELETE /api/v1/endpoints/{name}/rules/{id}", "/api/v1/endpoints/main/rules/rul_nope",
		[]badCase{{name: "unknown rule", status: 404, code: api.CodeNotFound, msg: "rul_nope"}})

	const explain = "POST /api/v1/policy/explain"
	add(explain, "", append(jsonCases(explain),
		badCase{name: "endpoint missing", body: `{"user":"root@example.com","tool":"alpha__echo"}`, status: 400, field: "endpoint"},
		badCase{name: "tool missing", body: `{"user":"root@example.com","endpoint":"main"}`, status: 400, field: "tool"},
		badCase{name: "unknown endpoint", body: `{"user":"root@example.com","endpoint":"nope","tool":"x"}`, status: 400, field: "endpoint", msg: `"nope"`},
		badCase{name: "no principal", body: `{"endpoint":"main","tool":"alpha__echo"}`, status: 400, field: "user", msg: "required"},
		badCase{name: "both principals", body: `{"user":"root@example.com","service_account":"ci","endpoint":"main","tool":"alpha__echo"}`, status: 400, field: "service_account"},
		badCase{name: "unknown user", body: `{"user":"nobody@example.com","endpoint":"main","tool":"alpha__echo"}`, status: 400, field: "user", msg: "nobody@example.com"},
		badCase{name: "unknown service account", body: `{"service_account":"nope","endpoint":"main","tool":"alpha__echo"}`, status: 400, field: "service_account"},
		badCase{name: "args not an object", body: `{"user":"root@example.com","endpoint":"main","tool":"alpha__echo","args":[1]}`, status: 400, field: "args", msg: "object"},
	))
	return cases
}

// TestToolRulesLifecycle adds, moves, disables and removes rules through
// the API; each change reloads the gateway and is audited with before and
// after.
func TestToolRulesLifecycle(t *testing.T) {
	f := newFixture(t)
	var a, b api.ToolRule
	f.call(t, http.MethodPost, "/api/v1/endpoints/main/rules", api.CreateToolRuleRequest{Effect: "deny", Name: "no greet",
		Tools: []string{"alpha__greet"}}, http.StatusCreated, &a)
	f.call(t, http.MethodPost, "/api/v1/endpoints/main/rules", api.CreateToolRuleRequest{Effect: "allow",
		Condition: `args.text.startsWith("SELECT")`, Position: 1}, http.StatusCreated, &b)
	if a.Position != 1 || b.Position != 1 || b.Name == "" || !b.Enabled || b.Endpoint != "main" {
		t.Fatalf("created %+v and %+v", a, b)
	}
	var list api.List[api.ToolRule]
	f.call(t, http.MethodGet, "/api/v1/endpoints/main/rules", nil, http.StatusOK, &list)
	if l := list.Items; len(l) != 2 || l[0].ID != b.ID || l[1].ID != a.ID || l[1].Position != 2 {
		t.Fatalf("list = %+v", list)
	}
	disabled := false
	var moved api.ToolRule
	f.call(t, http.MethodPatch, "/api/v1/endpoints/main/rules/"+a.ID, map[string]any{"position": 1, "enabled": disabled}, http.StatusOK, &moved)
	if moved.Position != 1 || moved.Enabled || moved.Name != "no greet" {
		t.Errorf("patched = %+v", moved)
	}
	f.call(t, http.MethodDelete, "/api/v1/endpoints/main/rules/"+b.ID, nil, http.StatusNoContent, nil)
	f.call(t, http.MethodGet, "/api/v1/endpoints/main/rules", nil, http.StatusOK, &list)
	if l := list.Items; len(l) != 1 || l[0].ID != a.ID {
		t.Errorf("after delete: %+v", list)
	}
	if n := f.reloads.Load(); n < 4 {
		t.Errorf("OnChange ran %d times, want once per change", n)
	}
	var created, updated, deleted int
	for _, ev := range f.auditEvents(t) {
		switch ev.Code {
		case audit.CodeToolRuleCreated:
			created++
			if ev.Request != nil || ev.Response == nil || ev.Endpoint != "main" {
				t.Errorf("created event: %+v", ev)
			}
		case audit.CodeToolRuleUpdated:
			updated++
			var before, after api.ToolRule
			json.Unmarshal(ev.Request, &before)
			json.Unmarshal(ev.Response, &after)
			if !before.Enabled || after.Enabled || before.Position != 2 || after.Position != 1 {
				t.Errorf("updated event before %+v after %+v", before, after)
			}
		case audit.CodeToolRuleDeleted:
			deleted++
			if ev.Request == nil || ev.Response != nil {
				t.Errorf("deleted event: %+v", ev)
			}
		}
	}
	if created != 2 || updated != 1 || deleted != 1 {
		t.Errorf("audit: %d created, %d updated, %d deleted", created, updated, deleted)
	}
}
