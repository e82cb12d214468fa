package cli

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

func TestEndpointCreateServers(t *testing.T) {
	h := newHarness(t)
	r := h.run(t, "", "endpoint", "create", "dev", "--server", "github,linear", "--server", "docs", "--unprefixed")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var body api.CreateEndpointRequest
	_ = json.Unmarshal(h.api.last(t).Body, &body)
	want := api.CreateEndpointRequest{Name: "dev", Servers: []string{"github", "linear", "docs"}, Unprefixed: true}
	if !reflect.DeepEqual(body, want) {
		t.Errorf("body = %+v", body)
	}
	if !strings.Contains(r.out, "endpoint tools enable dev") {
		t.Errorf("output does not say how to enable tools:\n%s", r.out)
	}
	if r := h.run(t, "", "endpoint", "create", "dev"); r.code != ExitUsage || !strings.Contains(r.err, "missing --server") {
		t.Errorf("exit %d, stderr %q", r.code, r.err)
	}
}

func TestEndpointShow(t *testing.T) {
	r := newHarness(t).run(t, "", "endpoint", "show", "dev")
	for _, s := range []string{"github/search_issues", "enabled", "github__delete_repo", "1 tool drifted"} {
		if !strings.Contains(r.out, s) {
			t.Errorf("output lacks %q:\n%s", s, r.out)
		}
	}
	r = newHarness(t).run(t, "", "endpoint", "show", "dev", "--state", "drifted", "--json")
	var ep api.Endpoint
	if err := json.Unmarshal([]byte(r.out), &ep); err != nil || len(ep.Tools) != 1 || ep.Tools[0].Tool != "get_issue" {
		t.Errorf("filtered tools = %+v (%v)", ep.Tools, err)
	}
}

func TestEndpointToolsEnableDisable(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want api.UpdateToolsRequest
	}{
		{"enable list", []string{"enable", "dev", "github/search_issues", "github/a,github/b"},
			api.UpdateToolsRequest{Enable: []string{"github/search_issues", "github/a", "github/b"}}},
		{"enable all skips drifted", []string{"enable", "dev", "--all"},
			api.UpdateToolsRequest{Enable: []string{"github/delete_repo"}}},
		{"disable", []string{"disable", "dev", "github/search_issues"},
			api.UpdateToolsRequest{Disable: []string{"github/search_issues"}}},
		{"disable all", []string{"disable", "--all", "dev"},
			api.UpdateToolsRequest{Disable: []string{"github/search_issues", "github/get_issue"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			r := h.run(t, "", append([]string{"endpoint", "tools"}, tt.args...)...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.err)
			}
			req := h.api.last(t)
			var body api.UpdateToolsRequest
			_ = json.Unmarshal(req.Body, &body)
			if req.Method != "PATCH" || req.Path != "/api/v1/endpoints/dev/tools" || !reflect.DeepEqual(body, tt.want) {
				t.Errorf("%s %s body %+v", req.Method, req.Path, body)
			}
		})
	}
}

func TestEndpointToolsUsage(t *testing.T) {
	for _, args := range [][]string{
		{"enable"}, {"enable", "dev"}, {"enable", "dev", "notool"}, {"enable", "dev", "/x"},
		{"enable", "dev", "--all", "github/x"},
	} {
		h := newHarness(t)
		r := h.run(t, "", append([]string{"endpoint", "tools"}, args...)...)
		if r.code != ExitUsage || len(h.api.requests()) != 0 {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.err)
		}
	}
}
