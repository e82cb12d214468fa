package storetest

import (
	"encoding/json"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

var auditTextTests = []suite{
	{"AuditList/Text", testAuditListText},
}

// textTrail appends events whose request, response and error hold texts
// that tell a literal match from a LIKE wildcard, ASCII case from other
// differences, and survive bytes that are not UTF-8.
func textTrail(t *testing.T, s store.Store) {
	t.Helper()
	evs := events(1, 10)
	set := func(seq int, req, resp, errText string) {
		ev := &evs[seq-1]
		ev.Request, ev.Response, ev.Error = nil, nil, errText
		if req != "" {
			ev.Request = json.RawMessage(req)
		}
		if resp != "" {
			ev.Response = json.RawMessage(resp)
		}
	}
	set(1, `{"query":"Hello World"}`, `{"ok":true}`, "")
	set(2, `{"query":"hello"}`, `{"text":"50% off_sale"}`, "")
	set(3, `{"query":"5000 offXsale"}`, "", "")
	set(4, "", "", "Permission DENIED by policy")
	set(5, `{"name":"Straße über"}`, "", "")
	set(6, `{"path":"C:\\temp\\x"}`, "", "")
	set(7, "{\"bad\":\"\xff\xfe\"}", "", "")
	set(8, `{"q":"it's here"}`, "", "")
	set(9, "", `{"deep":{"list":["needle"]}}`, "")
	set(10, "", "", "")
	evs[8].Endpoint = "other"
	check(t, s.AppendAudit(t.Context(), evs))
}

func testAuditListText(t *testing.T, s store.Store) {
	textTrail(t, s)
	for _, tc := range []struct {
		name string
		f    store.AuditFilter
		want []int64
	}{
		{"request", store.AuditFilter{Text: "world"}, []int64{1}},
		{"ascii case", store.AuditFilter{Text: "HELLO"}, []int64{2, 1}},
		{"response", store.AuditFilter{Text: "off_sale"}, []int64{2}},
		{"percent is literal", store.AuditFilter{Text: "50%"}, []int64{2}},
		{"underscore is literal", store.AuditFilter{Text: "off_"}, []int64{2}},
		{"error", store.AuditFilter{Text: "denied"}, []int64{4}},
		{"non-ascii", store.AuditFilter{Text: "Straße über"}, []int64{5}},
		{"backslash", store.AuditFilter{Text: `C:\\temp\\`}, []int64{6}},
		{"quote", store.AuditFilter{Text: "it's"}, []int64{8}},
		{"json syntax", store.AuditFilter{Text: `["needle"]`}, []int64{9}},
		{"with other filters", store.AuditFilter{Text: "needle", Endpoint: "dev"}, nil},
		{"ascending after", store.AuditFilter{Text: "hello", AfterSeq: 1, Ascending: true}, []int64{2}},
		{"limit", store.AuditFilter{Text: `"`, Limit: 2}, []int64{9, 8}},
		{"no match", store.AuditFilter{Text: "zzz"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			evs, err := s.ListAudit(t.Context(), tc.f)
			check(t, err)
			diff(t, "seqs", seqs(evs), tc.want)
		})
	}
}
