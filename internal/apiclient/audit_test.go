package apiclient

import (
	"net/url"
	"testing"
	"time"
)

func TestAuditFilterValues(t *testing.T) {
	since := time.Date(2025, 6, 1, 12, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	tests := []struct {
		name string
		f    AuditFilter
		want string
	}{
		{"empty", AuditFilter{}, ""},
		{"strings", AuditFilter{Actor: "a@b.c", Tool: "create issue", Outcome: "error"},
			"actor=a%40b.c&outcome=error&tool=create+issue"},
		{"times in UTC", AuditFilter{Since: since, Until: since.Add(90 * time.Minute)},
			"since=2025-06-01T10%3A00%3A00Z&until=2025-06-01T11%3A30%3A00Z"},
		{"paging", AuditFilter{Cursor: "abc", Limit: 50, RequestID: "r1"},
			"cursor=abc&limit=50&request_id=r1"},
		{"all", AuditFilter{Actor: "x", Endpoint: "e", Server: "s", Tool: "t", Code: "mcp.call", Outcome: "ok"},
			"actor=x&code=mcp.call&endpoint=e&outcome=ok&server=s&tool=t"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.f.Values().Encode(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestListAuditSendsQuery(t *testing.T) {
	srv, rec := fakeAPI(t)
	page, err := New(srv.URL, testToken).ListAudit(t.Context(), AuditFilter{Server: "github", Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Events) != 1 || page.Events[0].Seq != 7 || page.NextCursor != "c2" {
		t.Errorf("page = %+v", page)
	}
	q, _ := url.ParseQuery(rec.rawQuery)
	if rec.path != "/api/v1/audit" || q.Get("server") != "github" || q.Get("limit") != "2" || len(q) != 2 {
		t.Errorf("request = %s?%s", rec.path, rec.rawQuery)
	}
}
