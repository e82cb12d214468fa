package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

func listNames(t *testing.T, cs *mcp.ClientSession) []string {
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

func TestListOnlyEnabledTools(t *testing.T) {
	e := newEnv(t)
	up1 := newFakeUpstream(t, "", "")
	up2 := newFakeUpstream(t, "X-Api-Key", "k2")
	s1 := e.addServer(t, "one", up1.srv.URL, store.AuthNone, "", "")
	s2 := e.addServer(t, "two", up2.srv.URL, store.AuthHeader, "X-Api-Key", "k2")
	e.addEndpoint(t, "team", []store.Server{s1, s2}, "one/echo", "two/echo", "two/fail")

	cs := e.connect(t, "team")
	want := []string{"one__echo", "two__echo", "two__fail"}
	if diff := cmp.Diff(want, listNames(t, cs)); diff != "" {
		t.Errorf("tools/list (-want +got):\n%s", diff)
	}
	if up1.calls.Load()+up2.calls.Load() != 0 {
		t.Errorf("tools/list reached an upstream")
	}
}

func TestCallRoundTripAndAudit(t *testing.T) {
	e := newEnv(t)
	up := newFakeUpstream(t, "Authorization", "Bearer up-secret")
	s := e.addServer(t, "one", up.srv.URL, store.AuthBearer, "", "up-secret")
	e.addEndpoint(t, "team", []store.Server{s}, "one/echo", "one/fail")
	cs := e.connect(t, "team")

	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "one__echo", Arguments: map[string]any{"text": "héllo"}})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(res.StructuredContent)
	if string(got) != `{"echo":"héllo","length":6}` {
		t.Errorf("structured content = %s", got)
	}
	if res.IsError || len(res.Content) != 1 {
		t.Errorf("result = %+v", res)
	}

	res, err = cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "one__fail", Arguments: map[string]any{"text": "x"}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.IsError || res.Content[0].(*mcp.TextContent).Text != "boom: x" {
		t.Errorf("isError result not relayed unchanged: %+v", res)
	}

	evs, err := e.st.ListAudit(t.Context(), store.AuditFilter{Code: audit.CodeToolCall})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 {
		t.Fatalf("got %d call events, want 2", len(evs))
	}
	okEv := evs[1] // newest first
	if okEv.Outcome != audit.OutcomeOK || evs[0].Outcome != audit.OutcomeToolError {
		t.Errorf("outcomes = %s, %s", okEv.Outcome, evs[0].Outcome)
	}
	for field, pair := range map[string][2]string{
		"actor":   {okEv.ActorEmail, "alice@example.com"},
		"actorID": {okEv.ActorID, e.user.ID},
		"client":  {okEv.ClientName + "/" + okEv.ClientVersion, "test-client/9.9"},
		"tool":    {okEv.Endpoint + " " + okEv.Server + " " + okEv.Tool, "team one echo"},
		"request": {string(okEv.Request), `{"text":"héllo"}`},
	} {
		if pair[0] != pair[1] {
			t.Errorf("audit %s = %q, want %q", field, pair[0], pair[1])
		}
	}
	if !strings.Contains(string(okEv.Response), `"structuredContent":{"echo":"héllo","length":6}`) {
		t.Errorf("audit response = %s", okEv.Response)
	}
	if okEv.ClientIP != "127.0.0.1" || okEv.UserAgent == "" {
		t.Errorf("audit client ip/agent = %q, %q", okEv.ClientIP, okEv.UserAgent)
	}
	if okEv.TokenID == "" || okEv.Time.IsZero() || okEv.DurationUS <= 0 {
		t.Errorf("audit token/time/duration missing: %+v", okEv)
	}
	started, _ := e.st.ListAudit(t.Context(), store.AuditFilter{Code: audit.CodeToolCallStart, RequestID: okEv.RequestID})
	if len(started) != 1 || started[0].Seq >= okEv.Seq {
		t.Errorf("want one started event before the outcome, got %+v", started)
	}
}

func TestDisabledAndUnknownToolsDenied(t *testing.T) {
	e := newEnv(t)
	up := newFakeUpstream(t, "", "")
	s := e.addServer(t, "one", up.srv.URL, store.AuthNone, "", "")
	e.addEndpoint(t, "team", []store.Server{s}, "one/echo")
	cs := e.connect(t, "team")

	for _, name := range []string{"one__secret_op", "nope"} {
		_, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: name, Arguments: map[string]any{}})
		var je *jsonrpc.Error
		if !errors.As(err, &je) || !strings.Contains(je.Message, "not available") {
			t.Errorf("call %s: err = %v, want JSON-RPC error", name, err)
		}
	}
	if up.calls.Load() != 0 {
		t.Errorf("denied call reached the upstream")
	}
	evs, _ := e.st.ListAudit(t.Context(), store.AuditFilter{Outcome: audit.OutcomeDenied})
	if len(evs) != 2 || evs[0].Tool != "nope" || evs[1].Server != "one" || evs[1].Tool != "secret_op" {
		t.Errorf("denied events = %+v", evs)
	}
}

func TestMissingOrBadTokenIs401(t *testing.T) {
	e := newEnv(t)
	e.addEndpoint(t, "team", nil)
	for _, tok := range []string{"", "sbt_wrong"} {
		req, _ := http.NewRequest("POST", e.srv.URL+"/mcp/team", strings.NewReader(`{}`))
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		wa := resp.Header.Get("WWW-Authenticate")
		if resp.StatusCode != 401 || !strings.HasPrefix(wa, "Bearer ") || !strings.Contains(wa, "/.well-known/oauth-protected-resource/mcp/team") {
			t.Errorf("token %q: status %d, WWW-Authenticate %q", tok, resp.StatusCode, wa)
		}
	}
}

func TestUpstreamDownFailsOnlyItsTools(t *testing.T) {
	e := newEnv(t)
	good := newFakeUpstream(t, "", "")
	bad := newFakeUpstream(t, "", "")
	sg := e.addServer(t, "good", good.srv.URL, store.AuthNone, "", "")
	sb := e.addServer(t, "bad", bad.srv.URL, store.AuthNone, "", "")
	e.addEndpoint(t, "team", []store.Server{sg, sb}, "good/echo", "bad/echo")
	bad.srv.Close()
	cs := e.connect(t, "team")

	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "bad__echo", Arguments: map[string]any{"text": "a"}})
	if err != nil {
		t.Fatalf("down upstream should give a tool error, got %v", err)
	}
	if !res.IsError || !strings.Contains(res.Content[0].(*mcp.TextContent).Text, `"bad" is unavailable`) {
		t.Errorf("result = %+v", res.Content)
	}
	res, err = cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "good__echo", Arguments: map[string]any{"text": "a"}})
	if err != nil || res.IsError {
		t.Fatalf("healthy upstream failed: %v %+v", err, res)
	}
	evs, _ := e.st.ListAudit(t.Context(), store.AuditFilter{Outcome: audit.OutcomeUpstreamError})
	if len(evs) != 1 || evs[0].Server != "bad" {
		t.Errorf("upstream_error events = %+v", evs)
	}
}

func TestAuditUnavailableFailsClosed(t *testing.T) {
	e := newEnv(t)
	up := newFakeUpstream(t, "", "")
	s := e.addServer(t, "one", up.srv.URL, store.AuthNone, "", "")
	e.addEndpoint(t, "team", []store.Server{s}, "one/echo")
	cs := e.connect(t, "team")
	e.audit.Close() // the writer refuses every record from now on

	_, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "one__echo", Arguments: map[string]any{"text": "a"}})
	var je *jsonrpc.Error
	if !errors.As(err, &je) || !strings.Contains(je.Message, "audit log is unavailable") {
		t.Fatalf("err = %v, want audit-unavailable error", err)
	}
	if up.calls.Load() != 0 {
		t.Errorf("call was forwarded although it could not be audited")
	}
}

func TestEnableAfterReloadNotifiesAndExposes(t *testing.T) {
	e := newEnv(t)
	up := newFakeUpstream(t, "", "")
	s := e.addServer(t, "one", up.srv.URL, store.AuthNone, "", "")
	e.addEndpoint(t, "team", []store.Server{s})
	cs := e.connect(t, "team")
	if n := listNames(t, cs); len(n) != 0 {
		t.Fatalf("new endpoint exposes %v; every tool must start disabled", n)
	}
	ep, _ := e.st.GetEndpointByName(t.Context(), "team")
	tools, _ := e.st.ListTools(t.Context(), s.ID)
	_, err := e.st.UpdateEndpoint(t.Context(), ep.ID, func(ep store.Endpoint) (store.Endpoint, error) {
		ep.Tools = append(ep.Tools, store.EndpointTool{ServerID: s.ID, Tool: "echo", Enabled: true, ApprovedHash: tools[0].Hash})
		return ep, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.gw.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"one__echo"}, listNames(t, cs)); diff != "" {
		t.Errorf("after enable (-want +got):\n%s", diff)
	}
}

func TestAuditFailOpenForwards(t *testing.T) {
	e := newEnv(t)
	e.gw.cfg.AuditFailOpen = true
	up := newFakeUpstream(t, "", "")
	s := e.addServer(t, "one", up.srv.URL, store.AuthNone, "", "")
	e.addEndpoint(t, "team", []store.Server{s}, "one/echo")
	cs := e.connect(t, "team")
	e.audit.Close()

	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "one__echo", Arguments: map[string]any{"text": "a"}})
	if err != nil || res.IsError || up.calls.Load() != 1 {
		t.Fatalf("fail-open call: err=%v res=%+v calls=%d", err, res, up.calls.Load())
	}
}

func TestOversizedResponseCapped(t *testing.T) {
	e := newEnv(t)
	e.gw.cfg.MaxResponseBytes = 1024
	up := newFakeUpstream(t, "", "")
	s := e.addServer(t, "one", up.srv.URL, store.AuthNone, "", "")
	e.addEndpoint(t, "team", []store.Server{s}, "one/echo")
	big := strings.Repeat("x", 4000)
	res, err := e.connect(t, "team").CallTool(t.Context(), &mcp.CallToolParams{Name: "one__echo", Arguments: map[string]any{"text": big}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.IsError || !strings.Contains(res.Content[0].(*mcp.TextContent).Text, "more than the gateway's limit of 1024 bytes") {
		t.Fatalf("result = %+v, want a tool error about the size limit", res.Content)
	}
	evs, _ := e.st.ListAudit(t.Context(), store.AuditFilter{Code: audit.CodeToolCall})
	if len(evs) != 1 || evs[0].Outcome != audit.OutcomeUpstreamError || !strings.Contains(evs[0].Error, "exceeds the 1024-byte limit") {
		t.Errorf("audit = %+v", evs)
	}
}
