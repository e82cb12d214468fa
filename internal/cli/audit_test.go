package cli

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

func TestAuditListFilters(t *testing.T) {
	h := newHarness(t)
	r := h.run(t, "", "audit", "list", "--actor", "a@b.c", "--endpoint", "dev", "--server", "github",
		"--tool", "search_issues", "--code", "mcp.tools.call", "--outcome", "error", "--since", "1h",
		"--until", "2025-06-01T11:30:00Z", "--limit", "2", "--request-id", "r1")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	q, _ := url.ParseQuery(h.api.last(t).Query)
	want := map[string]string{
		"actor": "a@b.c", "endpoint": "dev", "server": "github", "tool": "search_issues",
		"code": "mcp.tools.call", "outcome": "error", "since": "2025-06-01T11:00:00Z",
		"until": "2025-06-01T11:30:00Z", "limit": "2", "request_id": "r1",
	}
	for k, v := range want {
		if q.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, q.Get(k), v)
		}
	}
	if !strings.Contains(r.out, "github/search_issues") || !strings.Contains(r.err, "--cursor c1") {
		t.Errorf("out:\n%s\nerr:\n%s", r.out, r.err)
	}
}

func TestAuditListAllPages(t *testing.T) {
	h := newHarness(t)
	r := h.run(t, "", "audit", "list", "--all-pages", "--json")
	var list api.AuditList
	if err := json.Unmarshal([]byte(r.out), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Events) != 3 || list.Events[2].Seq != 1 || list.NextCursor != "" || len(h.api.requests()) != 2 {
		t.Errorf("events %d, cursor %q, requests %d", len(list.Events), list.NextCursor, len(h.api.requests()))
	}
}

func TestAuditListUsage(t *testing.T) {
	for _, args := range [][]string{{"--since", "yesterday"}, {"--since", "1h", "--until", "2h"}, {"--limit", "-1"}} {
		r := newHarness(t).run(t, "", append([]string{"audit", "list"}, args...)...)
		if r.code != ExitUsage {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.err)
		}
	}
}

func TestAuditShowIndentsJSON(t *testing.T) {
	h := newHarness(t)
	r := h.run(t, "", "audit", "show", "3")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	if h.api.last(t).Path != "/api/v1/audit/3" {
		t.Errorf("path %q", h.api.last(t).Path)
	}
	for _, s := range []string{"Request:\n  {\n    \"jsonrpc\": \"2.0\",", "Response:\n  {\n    \"content\": [", "Duration:", "12.3ms"} {
		if !strings.Contains(r.out, s) {
			t.Errorf("output lacks %q:\n%s", s, r.out)
		}
	}
	if r := h.run(t, "", "audit", "show", "abc"); r.code != ExitUsage {
		t.Errorf("bad SEQ: exit %d", r.code)
	}
}
