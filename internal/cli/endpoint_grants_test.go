package cli

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

func TestEndpointGrant(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want api.GrantEndpointRequest
	}{
		{[]string{"--user", "amy@example.com"}, api.GrantEndpointRequest{User: "amy@example.com"}},
		{[]string{"--group", "engineering"}, api.GrantEndpointRequest{Group: "engineering"}},
	} {
		h := newHarness(t)
		r := h.run(t, "", append([]string{"endpoint", "grant", "dev"}, tc.args...)...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, r.code, r.err)
		}
		last := h.api.last(t)
		var body api.GrantEndpointRequest
		_ = json.Unmarshal(last.Body, &body)
		if last.Method != "POST" || last.Path != "/api/v1/endpoints/dev/grants" || !reflect.DeepEqual(body, tc.want) {
			t.Errorf("%v: request %s %s %+v", tc.args, last.Method, last.Path, body)
		}
		if !strings.Contains(r.out, "egr_new") {
			t.Errorf("output: %s", r.out)
		}
	}
	h := newHarness(t)
	if r := h.run(t, "", "endpoint", "grant", "dev"); r.code != ExitUsage || !strings.Contains(r.err, "--user") {
		t.Errorf("no principal: exit %d, %q", r.code, r.err)
	}
	if r := h.run(t, "", "endpoint", "grant", "dev", "--user", "a@b.c", "--group", "g"); r.code != ExitUsage || !strings.Contains(r.err, "not both") {
		t.Errorf("both: exit %d, %q", r.code, r.err)
	}
}

func TestEndpointRevoke(t *testing.T) {
	for _, tc := range []struct {
		args []string
		id   string
	}{
		{[]string{"--user", "Amy@Example.com"}, "egr_2"},
		{[]string{"--group", "engineering"}, "egr_1"},
	} {
		h := newHarness(t)
		r := h.run(t, "", append([]string{"endpoint", "revoke", "dev"}, tc.args...)...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, r.code, r.err)
		}
		if last := h.api.last(t); last.Method != "DELETE" || last.Path != "/api/v1/endpoints/dev/grants/"+tc.id {
			t.Errorf("%v: request %s %s", tc.args, last.Method, last.Path)
		}
	}
	h := newHarness(t)
	if r := h.run(t, "", "endpoint", "revoke", "dev", "--group", "ops"); r.code == 0 || !strings.Contains(r.err, "no grant") {
		t.Errorf("unknown grant: exit %d, %q", r.code, r.err)
	}
}
