package gateway

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// TestRedactionSwitches runs each switch end to end through a real
// upstream that echoes its input, and checks what the upstream saw, what
// the client got and what the audit trail kept.
func TestRedactionSwitches(t *testing.T) {
	const (
		key   = "AKIAIOSFODNN7EXAMPLE"
		email = "jane.doe@example.com"
	)
	text := "deploy with " + key + " and mail " + email
	tests := []struct {
		name                   string
		red                    store.Redaction
		upstreamSaw, clientGot []string // substrings that must be present
		auditHas, auditLacks   []string
		kinds                  string
	}{
		{
			name:        "defaults keep secrets out of the audit only",
			red:         store.Redaction{},
			upstreamSaw: []string{key, email}, clientGot: []string{key, email},
			auditHas: []string{"[REDACTED_AWS_ACCESS_KEY]", email}, auditLacks: []string{key},
			kinds: `[{"kind":"AWS_ACCESS_KEY","count":3}]`, // once in the request, twice in the result
		},
		{
			name:        "requests all",
			red:         store.Redaction{Requests: store.RedactAll, Audit: store.RedactOff},
			upstreamSaw: []string{"[REDACTED_AWS_ACCESS_KEY]", "[REDACTED_EMAIL]"},
			clientGot:   []string{"[REDACTED_EMAIL]"},
			auditLacks:  []string{key, email},
			kinds:       `[{"kind":"AWS_ACCESS_KEY","count":1},{"kind":"EMAIL","count":1}]`,
		},
		{
			name:        "responses secrets",
			red:         store.Redaction{Responses: store.RedactSecrets, Audit: store.RedactOff},
			upstreamSaw: []string{key, email}, clientGot: []string{"[REDACTED_AWS_ACCESS_KEY]", email},
			auditHas: []string{key},                           // the request, stored unredacted
			kinds:    `[{"kind":"AWS_ACCESS_KEY","count":2}]`, // text and structured content
		},
		{
			name:        "audit off stores everything",
			red:         store.Redaction{Audit: store.RedactOff},
			upstreamSaw: []string{key, email}, clientGot: []string{key, email},
			auditHas: []string{key, email},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			up := newFakeUpstream(t, "", "")
			s := e.addServer(t, "one", up.srv.URL, store.AuthNone, "", "")
			e.addEndpoint(t, "team", []store.Server{s}, "one/echo")
			ep, _ := e.st.GetEndpointByName(t.Context(), "team")
			if _, err := e.st.UpdateEndpoint(t.Context(), ep.ID, func(ep store.Endpoint) (store.Endpoint, error) {
				ep.Redaction = tc.red
				return ep, nil
			}); err != nil {
				t.Fatal(err)
			}
			if err := e.gw.Reload(t.Context()); err != nil {
				t.Fatal(err)
			}
			res, err := e.connect(t, "team").CallTool(t.Context(), &mcp.CallToolParams{Name: "one__echo", Arguments: map[string]any{"text": text}})
			if err != nil || res.IsError {
				t.Fatalf("call: %v %+v", err, res)
			}
			client, _ := json.Marshal(res)
			contains(t, "upstream saw", up.lastText.Load().(string), tc.upstreamSaw, nil)
			contains(t, "client got", string(client), tc.clientGot, nil)

			evs, _ := e.st.ListAudit(t.Context(), store.AuditFilter{Code: audit.CodeToolCall})
			if len(evs) != 1 {
				t.Fatalf("got %d call events", len(evs))
			}
			stored := string(evs[0].Request) + string(evs[0].Response)
			contains(t, "audit", stored, tc.auditHas, tc.auditLacks)
			if evs[0].Redactions != tc.kinds {
				t.Errorf("redactions = %q, want %q", evs[0].Redactions, tc.kinds)
			}
		})
	}
}

func contains(t *testing.T, what, s string, want, lack []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("%s: %q lacks %q", what, s, w)
		}
	}
	for _, l := range lack {
		if strings.Contains(s, l) {
			t.Errorf("%s: %q contains %q", what, s, l)
		}
	}
}
