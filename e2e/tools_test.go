package e2e

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// useTools lists and calls the endpoint's tools through the gateway.
func (e *env) useTools(t *testing.T) {
	t.Run("tools/list", func(t *testing.T) {
		tools := listTools(t, e.cs)
		var want []string
		for _, exposed := range enabledTools {
			want = append(want, exposed)
		}
		slices.Sort(want)
		if diff := cmp.Diff(want, toolNames(tools)); diff != "" {
			t.Errorf("tools/list names (-want +got):\n%s", diff)
		}
		if echo := tools["gosrv__echo"]; echo == nil || echo.Description != echoDescription || echo.OutputSchema == nil {
			t.Errorf("gosrv__echo = %+v, want the upstream's description and output schema", echo)
		}
		if got := e.cs.InitializeResult().ServerInfo.Name; got != "switchboard/"+endpoint {
			t.Errorf("server name = %q, want switchboard/%s", got, endpoint)
		}
	})
	t.Run("echo via server-everything over streamable HTTP", func(t *testing.T) {
		e.echoEverything(t, "everything", "hello from e2e over streamable HTTP")
	})
	t.Run("echo via server-everything over SSE", func(t *testing.T) {
		e.echoEverything(t, "legacy", "hello from e2e over SSE")
	})
	t.Run("echo via go-sdk upstream with bearer auth", func(t *testing.T) {
		e.echoGo(t, e.gosrv, "gosrv", "structured hello")
	})
	t.Run("echo via go-sdk upstream with header auth", func(t *testing.T) {
		e.echoGo(t, e.hdr, "hdr", "header hello")
	})
	t.Run("tool error", func(t *testing.T) {
		args := map[string]any{"text": "fail on purpose"}
		res := mustCall(t, e.cs, "gosrv__fail", args)
		if !res.IsError || textOf(res) != "boom: fail on purpose" {
			t.Errorf("gosrv__fail = isError %v, text %q; want isError and the upstream's text", res.IsError, textOf(res))
		}
		e.calls = append(e.calls, madeCall{server: "gosrv", tool: "fail", exposed: "gosrv__fail", args: args, outcome: "tool_error", result: res})
	})
	t.Run("disabled tools are refused", func(t *testing.T) {
		e.refused(t, "everything", "get-sum", map[string]any{"a": 1, "b": 2})
		e.refused(t, "gosrv", "wipe", map[string]any{"text": "everything"})
		if n := e.gosrv.wipeCalls.Load(); n != 0 {
			t.Errorf("the upstream's disabled tool wipe ran %d times", n)
		}
	})
}

// echoEverything calls server-everything's echo, exposed as server__echo.
func (e *env) echoEverything(t *testing.T, server, msg string) {
	args := map[string]any{"message": msg}
	res := mustCall(t, e.cs, server+"__echo", args)
	if res.IsError || textOf(res) != "Echo: "+msg {
		t.Errorf("%s__echo = isError %v, text %q; want %q", server, res.IsError, textOf(res), "Echo: "+msg)
	}
	e.calls = append(e.calls, madeCall{server: server, tool: "echo", exposed: server + "__echo", args: args, outcome: "ok", result: res})
}

// echoGo calls a go-sdk upstream's echo and checks the structured result
// arrives unchanged.
func (e *env) echoGo(t *testing.T, u *goUpstream, server, text string) {
	before := u.echoCalls.Load()
	args := map[string]any{"text": text}
	res := mustCall(t, e.cs, server+"__echo", args)
	want := map[string]any{"echo": text, "length": float64(len(text))}
	if diff := cmp.Diff(want, asJSONValue(t, res.StructuredContent)); res.IsError || diff != "" {
		t.Errorf("%s__echo: isError %v, structured content (-want +got):\n%s", server, res.IsError, diff)
	}
	if n := u.echoCalls.Load() - before; n != 1 {
		t.Errorf("the upstream's echo ran %d times, want 1", n)
	}
	e.calls = append(e.calls, madeCall{server: server, tool: "echo", exposed: server + "__echo", args: args, outcome: "ok", result: res})
}

// refused calls a tool that exists upstream but is not enabled.
func (e *env) refused(t *testing.T, server, tool string, args map[string]any) {
	exposed := server + "__" + tool
	res, err := callTool(t, e.cs, exposed, args)
	var rpcErr *jsonrpc.Error
	if !errors.As(err, &rpcErr) {
		t.Errorf("tools/call %s = %+v, %v; want a JSON-RPC error", exposed, res, err)
	} else if !strings.Contains(rpcErr.Message, "not available") {
		t.Errorf("tools/call %s: error %q, want it to say the tool is not available", exposed, rpcErr.Message)
	}
	e.calls = append(e.calls, madeCall{server: server, tool: tool, exposed: exposed, args: args, outcome: "denied"})
}

// unauthenticated checks that /mcp/team demands a valid bearer token.
func (e *env) unauthenticated(t *testing.T) {
	for _, tc := range []struct{ name, auth string }{
		{"no token", ""},
		{"unknown token", "Bearer sbt_notarealtoken"},
		{"not bearer", "Basic YWRtaW46cGFzcw=="},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := e.postInitialize(t, tc.auth)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("status %d, want 401", resp.StatusCode)
			}
			wa := resp.Header.Get("WWW-Authenticate")
			if !strings.HasPrefix(wa, "Bearer") {
				t.Errorf("WWW-Authenticate = %q, want a Bearer challenge", wa)
			}
			if !strings.Contains(wa, "resource_metadata=") {
				t.Errorf("WWW-Authenticate = %q, want a resource_metadata parameter", wa)
			}
		})
	}
}

// postInitialize sends a bare initialize request to the endpoint with the
// given Authorization header ("" for none).
func (e *env) postInitialize(t *testing.T, authorization string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, e.gw.url()+"/mcp/"+endpoint,
		strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"anon","version":"0"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// publicURLs checks that the URLs the gateway hands out point where it
// listens, also when it was started on port 0.
func (e *env) publicURLs(t *testing.T) {
	var ep api.Endpoint
	e.cli.json(t, &ep, "endpoint", "show", endpoint, "--json")
	if got, want := ep.URL, e.gw.url()+"/mcp/"+endpoint; got != want {
		t.Errorf("endpoint URL = %q, want %q (where the gateway listens)", got, want)
	}
	wa := e.postInitialize(t, "").Header.Get("WWW-Authenticate")
	if want := `resource_metadata="` + e.gw.url() + "/.well-known/oauth-protected-resource/mcp/" + endpoint + `"`; !strings.Contains(wa, want) {
		t.Errorf("WWW-Authenticate = %q, want it to hold %s", wa, want)
	}
}
