package admin

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// TestMutationsAreAudited runs every kind of change and checks that each
// writes exactly one admin event with the actor, the target and the state
// before and after.
func TestMutationsAreAudited(t *testing.T) {
	e := newEnv(t)
	up := newFakeUpstream(t, "X-Key", "k", "echo", "greet")
	var tokenID string
	steps := []struct {
		name         string
		method, path string
		body         any
		status       int
		code         string
		server       string // the event's Server
		endpoint     string // the event's Endpoint
		before       map[string]any
		after        map[string]any
	}{
		{
			name: "create server", method: "POST", path: "/api/v1/servers", status: 201,
			body: api.CreateServerRequest{Name: "srv", URL: up.url, Auth: "header", AuthHeader: "X-Key", Secret: "k"},
			code: audit.CodeServerCreated, server: "srv",
			after: map[string]any{"name": "srv", "secret_configured": true, "tool_count": 2.0},
		},
		{
			name: "sync server", method: "POST", path: "/api/v1/servers/srv/sync", status: 200,
			code: audit.CodeServerSynced, server: "srv",
			after: map[string]any{"unchanged": 2.0},
		},
		{
			name: "create endpoint", method: "POST", path: "/api/v1/endpoints", status: 201,
			body: api.CreateEndpointRequest{Name: "ep", Servers: []string{"srv"}},
			code: audit.CodeEndpointCreate, endpoint: "ep",
			after: map[string]any{"name": "ep", "servers": []any{"srv"}},
		},
		{
			name: "enable tools", method: "PATCH", path: "/api/v1/endpoints/ep/tools", status: 200,
			body: api.UpdateToolsRequest{Enable: []string{"srv/echo", "srv/greet"}},
			code: audit.CodeEndpointUpdate, endpoint: "ep",
			before: map[string]any{},
			after:  map[string]any{"srv/echo": "enabled", "srv/greet": "enabled"},
		},
		{
			name: "disable a tool", method: "PATCH", path: "/api/v1/endpoints/ep/tools", status: 200,
			body: api.UpdateToolsRequest{Disable: []string{"srv/greet"}},
			code: audit.CodeEndpointUpdate, endpoint: "ep",
			before: map[string]any{"srv/echo": "enabled", "srv/greet": "enabled"},
			after:  map[string]any{"srv/echo": "enabled"},
		},
		{
			name: "create token", method: "POST", path: "/api/v1/tokens", status: 201,
			body:  api.CreateTokenRequest{Name: "ci", ExpiresIn: "24h"},
			code:  audit.CodeTokenCreated,
			after: map[string]any{"name": "ci", "user_id": "<admin>"},
		},
		{
			name: "revoke token", method: "DELETE", path: "/api/v1/tokens/<token>", status: 204,
			code:   audit.CodeTokenRevoked,
			before: map[string]any{"name": "ci", "id": "<token>"},
		},
		{
			name: "delete endpoint", method: "DELETE", path: "/api/v1/endpoints/ep", status: 204,
			code: audit.CodeEndpointDelete, endpoint: "ep",
			before: map[string]any{"name": "ep", "servers": []any{"srv"}},
		},
		{
			name: "delete server", method: "DELETE", path: "/api/v1/servers/srv", status: 204,
			code: audit.CodeServerDeleted, server: "srv",
			before: map[string]any{"name": "srv", "secret_configured": true, "tool_count": 2.0},
		},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			fill := func(s string) string {
				return map[string]string{"<admin>": e.admin.ID, "<token>": tokenID}[s]
			}
			path := st.path
			if tokenID != "" {
				path = strings.ReplaceAll(path, "<token>", tokenID)
			}
			seen := len(e.auditEvents(t))
			r := e.do(t, e.token, st.method, path, st.body)
			if r.status != st.status {
				t.Fatalf("%s %s = %s, want %d", st.method, path, r, st.status)
			}
			if st.code == audit.CodeTokenCreated {
				var tok api.CreateTokenResponse
				if err := json.Unmarshal(r.body, &tok); err != nil {
					t.Fatal(err)
				}
				tokenID = tok.Token.ID
			}
			evs := e.auditEvents(t)
			if len(evs) != seen+1 {
				t.Fatalf("%d audit events written, want 1", len(evs)-seen)
			}
			ev := evs[0]
			got := store.AuditEvent{Code: ev.Code, ActorType: ev.ActorType, ActorID: ev.ActorID, ActorEmail: ev.ActorEmail,
				TokenID: ev.TokenID, Outcome: ev.Outcome, Server: ev.Server, Endpoint: ev.Endpoint}
			want := store.AuditEvent{Code: st.code, ActorType: audit.ActorUser, ActorID: e.admin.ID, ActorEmail: e.admin.Email,
				TokenID: bootstrapTokenID(t, e), Outcome: audit.OutcomeOK, Server: st.server, Endpoint: st.endpoint}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("audit event (-want +got):\n%s", diff)
			}
			if ev.RequestID == "" || ev.Time.IsZero() || len(ev.Hash) == 0 {
				t.Errorf("event lacks request ID, time or hash: %+v", ev)
			}
			checkState(t, "before (request)", ev.Request, st.before, fill)
			checkState(t, "after (response)", ev.Response, st.after, fill)
		})
	}
}

// checkState checks that raw holds at least the keys of want (nil want:
// raw must be empty). Values "<...>" are filled in by fill.
func checkState(t *testing.T, what string, raw json.RawMessage, want map[string]any, fill func(string) string) {
	t.Helper()
	if want == nil {
		if len(raw) != 0 && string(raw) != "null" {
			t.Errorf("%s = %s, want none", what, raw)
		}
		return
	}
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("%s = %s: %v", what, raw, err)
	}
	if len(want) == 0 && len(got) != 0 {
		t.Errorf("%s = %s, want empty", what, raw)
	}
	for k, v := range want {
		if s, ok := v.(string); ok && len(s) > 1 && s[0] == '<' {
			v = fill(s)
		}
		if !cmp.Equal(v, got[k]) {
			t.Errorf("%s[%q] = %v, want %v (in %s)", what, k, got[k], v, raw)
		}
	}
}

func bootstrapTokenID(t *testing.T, e *env) string {
	t.Helper()
	toks, err := e.st.ListAPITokens(t.Context(), e.admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range toks {
		if tok.Name == "bootstrap" {
			return tok.ID
		}
	}
	t.Fatal("no bootstrap token")
	return ""
}

// TestAuditList pages through the audit trail and applies its filters.
func TestAuditList(t *testing.T) {
	e := newEnv(t)
	up := newFakeUpstream(t, "", "", "echo")
	e.addServer(t, "a", up.url)
	e.addServer(t, "b", up.url)
	for range 3 {
		e.call(t, http.MethodPost, "/api/v1/servers/a/sync", nil, http.StatusOK, nil)
	}
	e.createToken(t, api.CreateTokenRequest{Name: "t"})
	all := e.auditEvents(t)
	if len(all) != 6 {
		t.Fatalf("%d events, want 6", len(all))
	}

	t.Run("pages", func(t *testing.T) {
		var seqs []int64
		path := "/api/v1/audit?limit=4"
		for pages := 0; path != ""; pages++ {
			if pages > 3 {
				t.Fatal("too many pages")
			}
			var page api.AuditList
			e.call(t, http.MethodGet, path, nil, http.StatusOK, &page)
			for _, ev := range page.Events {
				seqs = append(seqs, ev.Seq)
			}
			path = ""
			if page.NextCursor != "" {
				path = "/api/v1/audit?limit=4&cursor=" + page.NextCursor
			}
		}
		if diff := cmp.Diff([]int64{6, 5, 4, 3, 2, 1}, seqs); diff != "" {
			t.Errorf("paged seqs (-want +got):\n%s", diff)
		}
	})

	tests := []struct {
		name  string
		query string
		want  []int64
	}{
		{"by code", "?code=" + audit.CodeServerSynced, []int64{5, 4, 3}},
		{"by server", "?server=b", []int64{2}},
		{"by actor", "?actor=" + e.admin.ID + "&limit=2", []int64{6, 5}},
		{"by unknown actor", "?actor=usr_nobody", nil},
		{"by actor e-mail, any case", "?actor=" + url.QueryEscape(strings.ToUpper(e.admin.Email)) + "&limit=2", []int64{6, 5}},
		{"by unknown e-mail", "?actor=nobody@example.com", nil},
		{"since the future", "?since=" + time.Now().Add(time.Hour).UTC().Format(time.RFC3339), nil},
		{"until the past", "?until=2000-01-01T00:00:00Z", nil},
		{"since the past", "?since=2000-01-01T00:00:00Z&limit=1", []int64{6}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var page api.AuditList
			e.call(t, http.MethodGet, "/api/v1/audit"+tc.query, nil, http.StatusOK, &page)
			var got []int64
			for _, ev := range page.Events {
				got = append(got, ev.Seq)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("seqs (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("one event", func(t *testing.T) {
		var ev api.AuditEvent
		e.call(t, http.MethodGet, "/api/v1/audit/"+strconv.FormatInt(all[0].Seq, 10), nil, http.StatusOK, &ev)
		if ev.Seq != all[0].Seq || ev.Code != all[0].Code || ev.ID != all[0].ID || len(ev.Hash) != 64 {
			t.Errorf("GET one event = %+v, want seq %d (%s) with a hex hash", ev, all[0].Seq, all[0].Code)
		}
	})
}
