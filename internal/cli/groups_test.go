package cli

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

func TestGroupList(t *testing.T) {
	groups := []api.Group{
		{ID: "grp_1", Name: "engineering", Source: "sso", CreatedAt: testNow, Members: []api.GroupMember{
			{UserID: "usr_1", Email: "ada@example.com", Source: "sso"},
			{UserID: "usr_2", Email: "bob@example.com", Source: "local"},
		}},
		{ID: "grp_2", Name: "ops", Source: "local", CreatedAt: testNow, Members: []api.GroupMember{}},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/api/v1/groups" {
			replyErr(w, 404, "not_found", "", "no route")
			return
		}
		reply(w, 200, api.List[api.Group]{Items: groups})
	}))
	t.Cleanup(srv.Close)
	h := newHarness(t)
	h.env["SWITCHBOARD_URL"] = srv.URL

	r := h.run(t, "", "group", "list")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	for _, want := range []string{"NAME", "engineering", "ada@example.com (sso), bob@example.com", "ops", "local", "grp_2"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("output lacks %q:\n%s", want, r.out)
		}
	}
	r = h.run(t, "", "groups", "ls", "--json")
	var got api.List[api.Group]
	if err := json.Unmarshal([]byte(r.out), &got); err != nil || len(got.Items) != 2 || got.Items[0].Members[0].Source != "sso" {
		t.Errorf("--json: %v %s", err, r.out)
	}
}
