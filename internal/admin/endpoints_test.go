package admin

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// TestEndpointLifecycle creates, reads, changes and deletes an endpoint.
func TestEndpointLifecycle(t *testing.T) {
	e := newEnv(t)
	up := newFakeUpstream(t, "", "", "echo", "greet")
	e.addServer(t, "srv", up.url)
	created := e.addEndpoint(t, "team-a", false, "srv")
	want := api.Endpoint{
		Name: "team-a", URL: "https://sb.example/mcp/team-a", Servers: []string{"srv"},
		Redaction: api.Redaction{Requests: "off", Responses: "off", Audit: "secrets"},
		Tools: []api.EndpointTool{
			{Server: "srv", Tool: "echo", ExposedName: "srv__echo", State: api.ToolDisabled, Description: "v1 echo"},
			{Server: "srv", Tool: "greet", ExposedName: "srv__greet", State: api.ToolDisabled, Description: "v1 greet"},
		},
	}
	ignore := cmpopts.IgnoreFields(api.Endpoint{}, "ID", "CreatedAt", "UpdatedAt")
	if diff := cmp.Diff(want, created, ignore); diff != "" {
		t.Errorf("created endpoint (-want +got):\n%s", diff)
	}
	var got api.Endpoint
	e.call(t, http.MethodGet, "/api/v1/endpoints/team-a", nil, http.StatusOK, &got)
	if diff := cmp.Diff(created, got); diff != "" {
		t.Errorf("GET differs from the create response (-create +get):\n%s", diff)
	}

	e.call(t, http.MethodPatch, "/api/v1/endpoints/team-a/tools", api.UpdateToolsRequest{Enable: []string{"srv/echo", "srv/greet"}}, http.StatusOK, &got)
	wantStates(t, got, map[string]string{"echo": api.ToolEnabled, "greet": api.ToolEnabled})
	e.call(t, http.MethodPatch, "/api/v1/endpoints/team-a/tools", api.UpdateToolsRequest{Disable: []string{"srv/greet"}}, http.StatusOK, &got)
	wantStates(t, got, map[string]string{"echo": api.ToolEnabled, "greet": api.ToolDisabled})

	var list api.List[api.Endpoint]
	e.call(t, http.MethodGet, "/api/v1/endpoints", nil, http.StatusOK, &list)
	if len(list.Items) != 1 || list.Items[0].Name != "team-a" {
		t.Errorf("endpoints = %+v, want team-a", list.Items)
	}
	e.call(t, http.MethodDelete, "/api/v1/endpoints/team-a", nil, http.StatusNoContent, nil)
	e.call(t, http.MethodGet, "/api/v1/endpoints/team-a", nil, http.StatusNotFound, nil)
	e.call(t, http.MethodGet, "/api/v1/endpoints", nil, http.StatusOK, &list)
	if len(list.Items) != 0 {
		t.Errorf("endpoints after delete = %+v, want none", list.Items)
	}
}

// TestToolNameCollision enables same-named tools of two servers on an
// endpoint with unprefixed names.
func TestToolNameCollision(t *testing.T) {
	e := newEnv(t)
	one := newFakeUpstream(t, "", "", "echo", "only-one")
	two := newFakeUpstream(t, "", "", "echo", "only-two")
	e.addServer(t, "one", one.url)
	e.addServer(t, "two", two.url)

	tests := []struct {
		name   string
		first  []string // enabled before, successfully
		enable []string // then refused
		states map[string]string
	}{
		{"both in one request", nil, []string{"one/echo", "two/echo"}, nil},
		{"one after the other", []string{"one/echo"}, []string{"two/echo"}, map[string]string{"one/echo": api.ToolEnabled}},
		{"with an unrelated tool", []string{"two/echo"}, []string{"two/only-two", "one/echo"}, map[string]string{"two/echo": api.ToolEnabled}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			name := "flat-" + string(rune('a'+i))
			e.addEndpoint(t, name, true, "one", "two")
			path := "/api/v1/endpoints/" + name + "/tools"
			if tc.first != nil {
				e.call(t, http.MethodPatch, path, api.UpdateToolsRequest{Enable: tc.first}, http.StatusOK, nil)
			}
			before, reloads := e.snapshot(t), e.reloads.Load()
			r := e.do(t, e.token, http.MethodPatch, path, api.UpdateToolsRequest{Enable: tc.enable})
			if r.status != http.StatusConflict {
				t.Fatalf("PATCH %s = %s, want 409", path, r)
			}
			got := apiErrorBody(t, r)
			if got.Code != api.CodeConflict || got.Field != "enable" {
				t.Errorf("error = %+v, want conflict on enable", got)
			}
			for _, s := range []string{"one/echo", "two/echo", `"echo"`} {
				if !strings.Contains(got.Message, s) {
					t.Errorf("message %q does not name %s", got.Message, s)
				}
			}
			e.unchanged(t, before)
			if e.reloads.Load() != reloads {
				t.Error("OnChange ran after a refused change")
			}
			var ep api.Endpoint
			e.call(t, http.MethodGet, "/api/v1/endpoints/"+name, nil, http.StatusOK, &ep)
			enabled := map[string]string{}
			for _, tool := range ep.Tools {
				if tool.State != api.ToolDisabled {
					enabled[tool.Server+"/"+tool.Tool] = tool.State
				}
			}
			if diff := cmp.Diff(tc.states, enabled, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("enabled tools (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("swap in one request", func(t *testing.T) {
		e.addEndpoint(t, "flat-swap", true, "one", "two")
		var ep api.Endpoint
		e.call(t, http.MethodPatch, "/api/v1/endpoints/flat-swap/tools", api.UpdateToolsRequest{Enable: []string{"one/echo"}}, http.StatusOK, nil)
		e.call(t, http.MethodPatch, "/api/v1/endpoints/flat-swap/tools",
			api.UpdateToolsRequest{Enable: []string{"two/echo"}, Disable: []string{"one/echo"}}, http.StatusOK, &ep)
		for _, tool := range ep.Tools {
			if tool.Tool == "echo" && tool.ExposedName != "echo" {
				t.Errorf("exposed name of %s/echo = %q, want echo", tool.Server, tool.ExposedName)
			}
			if want := map[bool]string{true: api.ToolEnabled, false: api.ToolDisabled}[tool.Server == "two"]; tool.Tool == "echo" && tool.State != want {
				t.Errorf("%s/echo is %s, want %s", tool.Server, tool.State, want)
			}
		}
	})

	t.Run("prefixed names do not collide", func(t *testing.T) {
		e.addEndpoint(t, "prefixed", false, "one", "two")
		var ep api.Endpoint
		e.call(t, http.MethodPatch, "/api/v1/endpoints/prefixed/tools", api.UpdateToolsRequest{Enable: []string{"one/echo", "two/echo"}}, http.StatusOK, &ep)
		var exposed []string
		for _, tool := range ep.Tools {
			if tool.State == api.ToolEnabled {
				exposed = append(exposed, tool.ExposedName)
			}
		}
		if diff := cmp.Diff([]string{"one__echo", "two__echo"}, exposed); diff != "" {
			t.Errorf("exposed names (-want +got):\n%s", diff)
		}
	})
}

func TestEndpointRedactionSettings(t *testing.T) {
	e := newEnv(t)
	up := newFakeUpstream(t, "", "", "echo")
	e.addServer(t, "srv", up.url)
	e.addEndpoint(t, "team-a", false, "srv")
	var got api.Endpoint
	e.call(t, http.MethodPatch, "/api/v1/endpoints/team-a", `{"redaction":{"responses":"all"}}`, http.StatusOK, &got)
	want := api.Redaction{Requests: "off", Responses: "all", Audit: "secrets"}
	if got.Redaction != want {
		t.Errorf("after PATCH redaction = %+v, want %+v", got.Redaction, want)
	}
	e.call(t, http.MethodGet, "/api/v1/endpoints/team-a", nil, http.StatusOK, &got)
	if got.Redaction != want {
		t.Errorf("stored redaction = %+v, want %+v", got.Redaction, want)
	}
}
