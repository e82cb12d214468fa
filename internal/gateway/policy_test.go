package gateway

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// policyEnv is an endpoint "dev" exposing one__echo and one__fail, with a
// contractor (a member in group "contractors", granted the endpoint) and
// the bootstrap admin.
func policyEnv(t *testing.T) (e *env, up *fakeUpstream, ep store.Endpoint, contractorToken string) {
	t.Helper()
	e = newEnv(t)
	ctx := t.Context()
	up = newFakeUpstream(t, "", "")
	s := e.addServer(t, "one", up.srv.URL, store.AuthNone, "", "")
	e.addEndpoint(t, "dev", []store.Server{s}, "one/echo", "one/fail")
	ep, err := e.st.GetEndpointByName(ctx, "dev")
	if err != nil {
		t.Fatal(err)
	}
	m := store.User{ID: identity.NewID("usr"), Email: "c@example.com", Role: store.RoleMember, CreatedAt: e.now, UpdatedAt: e.now}
	g := store.Group{ID: identity.NewID("grp"), Name: "contractors", Source: store.GroupSourceLocal, CreatedAt: e.now}
	text, hash := identity.NewToken()
	for _, err := range []error{
		e.st.CreateUser(ctx, m), e.st.CreateGroup(ctx, g),
		e.st.AddMembership(ctx, store.Membership{GroupID: g.ID, UserID: m.ID, Source: store.GroupSourceLocal, CreatedAt: e.now}),
		e.st.CreateAPIToken(ctx, store.APIToken{ID: identity.NewID("tok"), Name: "t", UserID: m.ID, Hash: hash, Prefix: text[:8], CreatedAt: e.now}),
		e.st.AddEndpointGrant(ctx, store.EndpointGrant{ID: identity.NewID("egr"), EndpointID: ep.ID, PrincipalType: store.GrantGroup, PrincipalID: g.ID, CreatedAt: e.now}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return e, up, ep, text
}

func (e *env) addRule(t *testing.T, ep store.Endpoint, id, effect, name, cond string, tools ...string) {
	t.Helper()
	r := store.ToolRule{ID: id, EndpointID: ep.ID, Effect: effect, Name: name, Tools: tools, Condition: cond,
		Enabled: true, CreatedAt: e.now, UpdatedAt: e.now}
	if _, err := e.st.AddToolRule(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	if err := e.gw.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func visibleTools(t *testing.T, cs *mcp.ClientSession) []string {
	t.Helper()
	res, err := cs.ListTools(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
	}
	slices.Sort(names)
	return names
}

// TestArgumentRuleThroughGateway: a CEL rule over the arguments lets one
// call through and turns another into a tool error naming the rule, which
// never reaches the upstream and is audited as denied with the rule's ID.
func TestArgumentRuleThroughGateway(t *testing.T) {
	e, up, ep, _ := policyEnv(t)
	e.addRule(t, ep, "rul_select", "allow", "read-only echo", `args.text.startsWith("SELECT")`, "one__echo")
	e.addRule(t, ep, "rul_rest", "deny", "no other echo", "", "one__echo")
	cs := e.connect(t, "dev")

	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "one__echo", Arguments: map[string]any{"text": "SELECT 1"}})
	if err != nil || res.IsError {
		t.Fatalf("allowed call: %v %+v", err, res)
	}
	res, err = cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "one__echo", Arguments: map[string]any{"text": "DROP TABLE t"}})
	if err != nil {
		t.Fatalf("a denial must be a tool error, not a JSON-RPC error: %v", err)
	}
	msg := res.Content[0].(*mcp.TextContent).Text
	if !res.IsError || !strings.Contains(msg, "rul_rest") || !strings.Contains(msg, "no other echo") {
		t.Errorf("denied call: isError %v, %q; want the rule named", res.IsError, msg)
	}
	if n := up.calls.Load(); n != 1 {
		t.Errorf("upstream saw %d calls, want 1 (the denied one never forwarded)", n)
	}
	evs, err := e.st.ListAudit(t.Context(), store.AuditFilter{Code: audit.CodeToolDenied})
	if err != nil || len(evs) != 1 {
		t.Fatalf("denied events: %v %d", err, len(evs))
	}
	ev := evs[0]
	if ev.Outcome != audit.OutcomeDenied || !strings.Contains(ev.Error, "rul_rest") || ev.Tool != "echo" ||
		!strings.Contains(string(ev.Request), "DROP TABLE") || ev.ActorEmail != "alice@example.com" {
		t.Errorf("denied event = %+v", ev)
	}
	calls, _ := e.st.ListAudit(t.Context(), store.AuditFilter{Code: audit.CodeToolCallStart})
	if len(calls) != 1 {
		t.Errorf("%d started events, want 1: a denied call is not started", len(calls))
	}
}

// TestToolsListPerPrincipal: the same endpoint lists different tools to
// a contractor and to an admin, a rule on args keeps the tool listed, and
// a rule change shows up at once after the reload.
func TestToolsListPerPrincipal(t *testing.T) {
	e, up, ep, contractor := policyEnv(t)
	e.addRule(t, ep, "rul_c", "deny", "contractors may not fail", `principal.groups.exists(g, g == "contractors")`, "one__fail")
	e.addRule(t, ep, "rul_args", "deny", "no drop", `args.text.contains("DROP")`, "one__echo")
	admin := e.connect(t, "dev")
	changed := make(chan struct{}, 8)
	c := mcp.NewClient(&mcp.Implementation{Name: "c", Version: "1"}, &mcp.ClientOptions{
		ToolListChangedHandler: func(context.Context, *mcp.ToolListChangedRequest) { changed <- struct{}{} },
	})
	cs, err := c.Connect(t.Context(), &mcp.StreamableClientTransport{Endpoint: e.srv.URL + "/mcp/dev",
		HTTPClient: &http.Client{Transport: bearer{contractor, http.DefaultTransport}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	if got, want := visibleTools(t, admin), []string{"one__echo", "one__fail"}; !slices.Equal(got, want) {
		t.Errorf("admin lists %v, want %v", got, want)
	}
	if got, want := visibleTools(t, cs), []string{"one__echo"}; !slices.Equal(got, want) {
		t.Errorf("contractor lists %v, want %v", got, want)
	}
	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "one__fail", Arguments: map[string]any{"text": "x"}})
	if err != nil || !res.IsError || up.calls.Load() != 0 {
		t.Errorf("contractor calling a hidden tool: %v %+v, upstream calls %d", err, res, up.calls.Load())
	}
	if err := e.st.DeleteToolRule(context.Background(), ep.ID, "rul_c"); err != nil {
		t.Fatal(err)
	}
	if err := e.gw.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changed:
	case <-time.After(5 * time.Second):
		t.Error("no notifications/tools/list_changed after the rule change")
	}
	if got, want := visibleTools(t, cs), []string{"one__echo", "one__fail"}; !slices.Equal(got, want) {
		t.Errorf("after removing the rule the contractor lists %v, want %v", got, want)
	}
}

// TestRuleOnGroupCreatedAfterReload: a group made without a gateway
// reload (SSO sign-in, the groups API) is still named for the rules, so
// a deny rule on it is not skipped.
func TestRuleOnGroupCreatedAfterReload(t *testing.T) {
	e, up, ep, contractor := policyEnv(t)
	e.addRule(t, ep, "rul_late", "deny", "late group", `"late" in principal.groups`)
	ctx := t.Context()
	u, err := e.st.GetUserByEmail(ctx, "c@example.com")
	if err != nil {
		t.Fatal(err)
	}
	g := store.Group{ID: identity.NewID("grp"), Name: "late", Source: store.GroupSourceSSO, CreatedAt: e.now}
	if err := e.st.CreateGroup(ctx, g); err != nil {
		t.Fatal(err)
	}
	if err := e.st.AddMembership(ctx, store.Membership{GroupID: g.ID, UserID: u.ID, Source: store.GroupSourceSSO, CreatedAt: e.now}); err != nil {
		t.Fatal(err)
	}
	cs, err := e.connectAs(contractor, "dev")
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	if got := visibleTools(t, cs); len(got) != 0 {
		t.Errorf("member of the new group lists %v, want nothing", got)
	}
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "one__echo", Arguments: map[string]any{"text": "hi"}})
	if err != nil || !res.IsError || up.calls.Load() != 0 {
		t.Errorf("member of the new group called: %v %+v", err, res)
	}
}
