package admin

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// TestVaultRotate rotates the data key through the API: the shared
// credential is re-sealed with the new key, the old key is retired, the
// server still reaches its upstream with the credential, and the audit
// event holds the counts but no secret.
func TestVaultRotate(t *testing.T) {
	e := newEnv(t)
	up := newFakeUpstream(t, "Authorization", "Bearer sekrit-token", "echo")
	e.call(t, http.MethodPost, "/api/v1/servers", api.CreateServerRequest{Name: "locked", URL: up.url, Auth: "bearer", Secret: "sekrit-token"},
		http.StatusCreated, nil)

	var before api.VaultStatus
	e.call(t, http.MethodGet, "/api/v1/vault", nil, http.StatusOK, &before)
	if before.ActiveKeyID != 1 || len(before.Keys) != 1 || before.Keys[0].Records["credential"] != 1 ||
		!strings.HasPrefix(before.MasterKey, "mk-") || !slices.Contains(before.Kinds, "credential") {
		t.Fatalf("status before = %+v", before)
	}

	var rep api.VaultRotateReport
	e.call(t, http.MethodPost, "/api/v1/vault/rotate", api.VaultRotateRequest{}, http.StatusOK, &rep)
	if rep.NewKeyID != 2 || rep.Resealed["credential"] != 1 || !slices.Equal(rep.Retired, []uint32{1}) || len(rep.Failed) != 0 {
		t.Fatalf("rotate report = %+v", rep)
	}
	var after api.VaultStatus
	e.call(t, http.MethodGet, "/api/v1/vault", nil, http.StatusOK, &after)
	if after.ActiveKeyID != 2 || len(after.Keys) != 1 || after.Keys[0].ID != 2 || after.Keys[0].Records["credential"] != 1 {
		t.Fatalf("status after = %+v", after)
	}

	// The re-sealed credential still opens: a sync reaches the upstream.
	e.pool.Forget(mustServerID(t, e, "locked"))
	e.call(t, http.MethodPost, "/api/v1/servers/locked/sync", nil, http.StatusOK, nil)

	var ev store.AuditEvent
	for _, x := range e.auditEvents(t) {
		if x.Code == audit.CodeVaultRotate {
			ev = x
			break
		}
	}
	if ev.Code == "" || ev.ActorID != e.admin.ID {
		t.Fatalf("no vault.rotate event by the admin: %+v", ev)
	}
	var got api.VaultRotateReport
	if err := json.Unmarshal(ev.Response, &got); err != nil || got.NewKeyID != 2 {
		t.Errorf("audit after = %s (%v)", ev.Response, err)
	}
	var was api.VaultStatus
	if err := json.Unmarshal(ev.Request, &was); err != nil || was.ActiveKeyID != 1 {
		t.Errorf("audit before = %s (%v)", ev.Request, err)
	}
	if text := string(ev.Request) + string(ev.Response); strings.Contains(text, "sekrit") {
		t.Errorf("audit event holds the secret: %s", text)
	}
}

func mustServerID(t *testing.T, e *env, name string) string {
	t.Helper()
	s, err := e.st.GetServerByName(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	return s.ID
}

// TestVaultNeedsSettingsEdit: a member can neither read the keyring nor
// rotate it.
func TestVaultNeedsSettingsEdit(t *testing.T) {
	e := newEnv(t)
	_, member := e.newUser(t, "member@example.com", store.RoleMember, false)
	for _, r := range []struct{ method, path string }{{"GET", "/api/v1/vault"}, {"POST", "/api/v1/vault/rotate"}} {
		res := e.do(t, member, r.method, r.path, "{}")
		if res.status != http.StatusForbidden {
			t.Errorf("member %s %s = %s, want 403", r.method, r.path, res)
		}
	}
	keys, err := e.st.ListVaultKeys(t.Context())
	if err != nil || len(keys) != 1 {
		t.Errorf("keyring after refused rotation = %v, %v", keys, err)
	}
}

// vaultCases are TestBadInput's cases for the vault routes.
func vaultCases() []badCase {
	const r = "POST /api/v1/vault/rotate"
	cases := jsonCases(r)
	for _, c := range []badCase{
		{name: "batch_size negative", body: `{"batch_size":-1}`, msg: "1 to 1000"},
		{name: "batch_size too big", body: `{"batch_size":1001}`, msg: "1 to 1000"},
		{name: "batch_size wrong type", body: `{"batch_size":"ten"}`, msg: "integer"},
	} {
		c.route, c.status, c.code, c.field = r, 400, api.CodeInvalidField, "batch_size"
		cases = append(cases, c)
	}
	return cases
}
