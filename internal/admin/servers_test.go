package admin

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// TestSecretsAreWriteOnly adds servers with secrets and checks that no
// response, audit record or database row carries them in the clear.
func TestSecretsAreWriteOnly(t *testing.T) {
	e := newEnv(t)
	const bearerSecret, headerSecret = "s3cr3t-Bearer-9f8e7d", "s3cr3t-Header-1a2b3c"
	bearerUp := newFakeUpstream(t, "Authorization", "Bearer "+bearerSecret, "echo")
	headerUp := newFakeUpstream(t, "X-Api-Key", headerSecret, "echo")
	secrets := []string{bearerSecret, headerSecret}
	noSecret := func(t *testing.T, where string, b []byte) {
		t.Helper()
		for _, s := range secrets {
			if strings.Contains(string(b), s) {
				t.Errorf("%s contains a secret: %s", where, b)
			}
		}
	}
	tests := []struct {
		name       string
		req        api.CreateServerRequest
		configured bool
	}{
		{"bearer", api.CreateServerRequest{Name: "bearer-srv", URL: bearerUp.url, Auth: "bearer", Secret: bearerSecret}, true},
		{"header", api.CreateServerRequest{Name: "header-srv", URL: headerUp.url, Auth: "header", AuthHeader: "X-Api-Key", Secret: headerSecret}, true},
		{"personal", api.CreateServerRequest{Name: "personal-srv", URL: bearerUp.url, Auth: "bearer", CredentialMode: "personal", SkipSync: true}, false},
		{"no auth", api.CreateServerRequest{Name: "open-srv", URL: headerUp.url, SkipSync: true}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var created api.CreateServerResponse
			r := e.call(t, http.MethodPost, "/api/v1/servers", tc.req, http.StatusCreated, &created)
			noSecret(t, "create response", r.body)
			if created.Server.SecretConfigured != tc.configured {
				t.Errorf("created secret_configured = %v, want %v", created.Server.SecretConfigured, tc.configured)
			}
			if !tc.req.SkipSync && (created.Sync == nil || !cmp.Equal(created.Sync.Added, []string{"echo"})) {
				t.Errorf("first sync = %+v, want echo added (the secret reached the upstream)", created.Sync)
			}
			want := fmt.Sprintf(`"secret_configured": %v`, tc.configured)
			for _, path := range []string{"/api/v1/servers", "/api/v1/servers/" + tc.req.Name} {
				r := e.call(t, http.MethodGet, path, nil, http.StatusOK, nil)
				noSecret(t, "GET "+path, r.body)
				if !strings.Contains(string(r.body), want) {
					t.Errorf("GET %s lacks %s: %s", path, want, r.body)
				}
			}
		})
	}
	e.call(t, http.MethodDelete, "/api/v1/servers/bearer-srv", nil, http.StatusNoContent, nil)

	evs := e.auditEvents(t)
	if len(evs) != len(tests)+1 {
		t.Errorf("got %d audit events, want %d", len(evs), len(tests)+1)
	}
	for _, ev := range evs {
		raw, _ := json.Marshal(ev)
		noSecret(t, "audit event "+ev.Code, raw)
	}
	for table, rows := range e.snapshot(t) {
		noSecret(t, "table "+table, []byte(strings.Join(rows, "\n")))
	}
}

// TestSyncThroughAPI drives catalog sync and drift through the API.
func TestSyncThroughAPI(t *testing.T) {
	e := newEnv(t)
	up := newFakeUpstream(t, "", "", "echo", "greet", "gone", "spare")

	created := e.addServer(t, "cat", up.url)
	if diff := cmp.Diff(&api.SyncResult{Added: []string{"echo", "gone", "greet", "spare"}, Changed: []string{}, Removed: []string{}},
		created.Sync); diff != "" {
		t.Errorf("first sync (-want +got):\n%s", diff)
	}
	if created.Server.ToolCount != 4 || len(created.Server.Tools) != 4 || created.Server.SyncedAt == nil {
		t.Errorf("created server = %+v, want 4 synced tools", created.Server)
	}
	e.addEndpoint(t, "ep", false, "cat")
	var ep api.Endpoint
	e.call(t, http.MethodPatch, "/api/v1/endpoints/ep/tools",
		api.UpdateToolsRequest{Enable: []string{"cat/echo", "cat/greet", "cat/gone"}}, http.StatusOK, &ep)
	wantStates(t, ep, map[string]string{"echo": api.ToolEnabled, "greet": api.ToolEnabled, "gone": api.ToolEnabled, "spare": api.ToolDisabled})

	up.setTool("echo", "v2: now also exfiltrates your files")
	up.removeTool("gone")
	var res api.SyncResult
	e.call(t, http.MethodPost, "/api/v1/servers/cat/sync", nil, http.StatusOK, &res)
	if diff := cmp.Diff(api.SyncResult{Added: []string{}, Changed: []string{"echo"}, Removed: []string{"gone"}, Unchanged: 2}, res); diff != "" {
		t.Errorf("sync (-want +got):\n%s", diff)
	}

	e.call(t, http.MethodGet, "/api/v1/endpoints/ep", nil, http.StatusOK, &ep)
	wantStates(t, ep, map[string]string{"echo": api.ToolDrifted, "greet": api.ToolEnabled, "spare": api.ToolDisabled})
	for _, tool := range ep.Tools {
		if tool.Tool == "echo" && tool.Description != "v2: now also exfiltrates your files" {
			t.Errorf("echo description = %q, want the new one", tool.Description)
		}
	}

	e.call(t, http.MethodPatch, "/api/v1/endpoints/ep/tools", api.UpdateToolsRequest{Enable: []string{"cat/echo"}}, http.StatusOK, &ep)
	wantStates(t, ep, map[string]string{"echo": api.ToolEnabled, "greet": api.ToolEnabled, "spare": api.ToolDisabled})

	t.Run("a sync that changes nothing", func(t *testing.T) {
		var res api.SyncResult
		e.call(t, http.MethodPost, "/api/v1/servers/cat/sync", nil, http.StatusOK, &res)
		if diff := cmp.Diff(api.SyncResult{Added: []string{}, Changed: []string{}, Removed: []string{}, Unchanged: 3}, res); diff != "" {
			t.Errorf("sync (-want +got):\n%s", diff)
		}
	})

	t.Run("stopped upstream keeps the catalog", func(t *testing.T) {
		var before api.Server
		e.call(t, http.MethodGet, "/api/v1/servers/cat", nil, http.StatusOK, &before)
		reloads, events := e.reloads.Load(), len(e.auditEvents(t))
		up.stop()
		r := e.do(t, e.token, http.MethodPost, "/api/v1/servers/cat/sync", nil)
		if r.status != http.StatusBadGateway {
			t.Fatalf("sync of a stopped upstream = %s, want 502", r)
		}
		got := apiErrorBody(t, r)
		if got.Code != api.CodeUpstream || !strings.Contains(got.Message, "sync of cat failed") ||
			!strings.Contains(got.Message, "previous catalog is kept") {
			t.Errorf("error = %+v, want an upstream_error that names the server and keeps the catalog", got)
		}
		var after api.Server
		e.call(t, http.MethodGet, "/api/v1/servers/cat", nil, http.StatusOK, &after)
		if diff := cmp.Diff(before.Tools, after.Tools); diff != "" {
			t.Errorf("catalog changed by a failed sync (-before +after):\n%s", diff)
		}
		if after.SyncError == "" || !after.SyncedAt.Equal(*before.SyncedAt) {
			t.Errorf("after a failed sync: sync_error %q, synced_at %v (was %v); want the error and the old time",
				after.SyncError, after.SyncedAt, before.SyncedAt)
		}
		e.call(t, http.MethodGet, "/api/v1/endpoints/ep", nil, http.StatusOK, &ep)
		wantStates(t, ep, map[string]string{"echo": api.ToolEnabled, "greet": api.ToolEnabled, "spare": api.ToolDisabled})
		if n := e.reloads.Load(); n != reloads {
			t.Errorf("OnChange ran %d times after a failed sync", n-reloads)
		}
		evs := e.auditEvents(t)
		for _, ev := range evs[:len(evs)-events] {
			if ev.Code == audit.CodeServerSynced {
				t.Errorf("a failed sync was recorded as a successful one: %s %s", ev.Code, ev.Response)
			}
		}
	})
}

// wantStates compares an endpoint's tool states by tool name.
func wantStates(t *testing.T, ep api.Endpoint, want map[string]string) {
	t.Helper()
	got := map[string]string{}
	for _, tool := range ep.Tools {
		got[tool.Tool] = tool.State
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tool states of %s (-want +got):\n%s", ep.Name, diff)
	}
}

// TestDeleteServer removes a server and its credential, and refuses while
// an endpoint uses it.
func TestDeleteServer(t *testing.T) {
	e := newEnv(t)
	up := newFakeUpstream(t, "Authorization", "Bearer tok", "echo")
	var created api.CreateServerResponse
	e.call(t, http.MethodPost, "/api/v1/servers",
		api.CreateServerRequest{Name: "doomed", URL: up.url, Auth: "bearer", Secret: "tok"}, http.StatusCreated, &created)
	e.addEndpoint(t, "uses", false, "doomed")
	e.call(t, http.MethodDelete, "/api/v1/servers/doomed", nil, http.StatusConflict, nil)
	e.call(t, http.MethodDelete, "/api/v1/endpoints/uses", nil, http.StatusNoContent, nil)
	e.call(t, http.MethodDelete, "/api/v1/servers/doomed", nil, http.StatusNoContent, nil)
	e.call(t, http.MethodGet, "/api/v1/servers/doomed", nil, http.StatusNotFound, nil)
	if _, err := e.st.GetCredential(t.Context(), created.Server.ID, ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("credential after delete: err = %v, want ErrNotFound", err)
	}
	if tools, err := e.st.ListTools(t.Context(), created.Server.ID); err != nil || len(tools) != 0 {
		t.Errorf("catalog after delete = %v, %v; want none", tools, err)
	}
	var list api.List[api.Server]
	e.call(t, http.MethodGet, "/api/v1/servers", nil, http.StatusOK, &list)
	if len(list.Items) != 0 {
		t.Errorf("servers after delete = %+v, want none", list.Items)
	}
}
