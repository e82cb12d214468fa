package admin

import (
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

func TestServiceAccountLifecycle(t *testing.T) {
	f := newFixture(t)
	var sa api.ServiceAccount
	f.call(t, http.MethodPost, "/api/v1/service-accounts", map[string]any{"name": "deploy", "description": "CI deploys"}, http.StatusCreated, &sa)
	if sa.Name != "deploy" || !strings.HasPrefix(sa.ID, "sa_") || sa.Tokens == nil {
		t.Errorf("created = %+v", sa)
	}
	var tok api.CreateTokenResponse
	f.call(t, http.MethodPost, "/api/v1/service-accounts/deploy/tokens", map[string]any{"endpoint": "main", "expires_in": "720h"}, http.StatusCreated, &tok)
	if !strings.HasPrefix(tok.Value, identity.ServiceAccountTokenPrefix) || tok.Token.Endpoint != "main" || tok.Token.ExpiresAt == nil ||
		!strings.HasPrefix(tok.Value, tok.Token.Prefix) {
		t.Errorf("token = %+v", tok)
	}
	stored, err := f.st.GetServiceAccountTokenByHash(t.Context(), identity.HashToken(tok.Value))
	if err != nil || strings.Contains(string(stored.Hash), tok.Value) {
		t.Fatalf("stored token = %+v, %v", stored, err)
	}
	// The token is not an admin credential.
	if r := f.do(t, tok.Value, http.MethodGet, "/api/v1/me", nil); r.status != http.StatusForbidden && r.status != http.StatusUnauthorized {
		t.Errorf("service account token on the admin API: %s", r)
	}
	var g api.EndpointGrant
	f.call(t, http.MethodPost, "/api/v1/endpoints/main/grants", map[string]any{"service_account": "deploy"}, http.StatusCreated, &g)
	if g.PrincipalType != store.GrantServiceAccount || g.PrincipalID != sa.ID || g.Principal != "deploy" {
		t.Errorf("grant = %+v", g)
	}
	var ep api.Endpoint
	f.call(t, http.MethodGet, "/api/v1/endpoints/main", nil, http.StatusOK, &ep)
	if len(ep.Grants) != 1 || ep.Grants[0].Principal != "deploy" {
		t.Errorf("grants = %+v", ep.Grants)
	}
	var list api.List[api.ServiceAccount]
	f.call(t, http.MethodGet, "/api/v1/service-accounts", nil, http.StatusOK, &list)
	if len(list.Items) != 2 || list.Items[1].Name != "deploy" || len(list.Items[1].Tokens) != 1 || list.Items[1].Tokens[0].ID != tok.Token.ID {
		t.Errorf("list = %+v", list.Items)
	}
	f.call(t, http.MethodDelete, "/api/v1/service-accounts/deploy/tokens/"+tok.Token.ID, nil, http.StatusNoContent, nil)
	f.call(t, http.MethodDelete, "/api/v1/service-accounts/deploy/tokens/"+tok.Token.ID, nil, http.StatusNoContent, nil) // idempotent
	f.call(t, http.MethodGet, "/api/v1/service-accounts", nil, http.StatusOK, &list)
	if list.Items[1].Tokens[0].RevokedAt == nil {
		t.Errorf("revoked token = %+v", list.Items[1].Tokens[0])
	}
	n := map[string]int{}
	for _, ev := range f.auditEvents(t) {
		n[ev.Code]++
	}
	if n[audit.CodeServiceAccountCreated] != 1 || n[audit.CodeSATokenCreated] != 1 || n[audit.CodeSATokenRevoked] != 1 || n[audit.CodeEndpointGrant] != 1 {
		t.Errorf("audit codes = %v", n)
	}
}

// TestDeleteServiceAccount: deleting an account removes its grants and
// tokens in one go; its token stops verifying, and the audit event holds
// the account as it was, without any token value.
func TestDeleteServiceAccount(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	f.call(t, http.MethodPost, "/api/v1/endpoints/main/grants", api.GrantEndpointRequest{ServiceAccount: "ci"}, http.StatusCreated, nil)
	var tok api.CreateTokenResponse
	f.call(t, http.MethodPost, "/api/v1/service-accounts/ci/tokens", api.CreateServiceAccountTokenRequest{Endpoint: "main", ExpiresIn: "1h"},
		http.StatusCreated, &tok)
	v := identity.NewVerifier(f.st, nil, f.clock.Now, 0)
	if p, err := v.Verify(ctx, tok.Value); err != nil || len(p.Endpoints) != 1 {
		t.Fatalf("token before delete: %+v %v", p, err)
	}
	f.call(t, http.MethodDelete, "/api/v1/service-accounts/ci", nil, http.StatusNoContent, nil)
	if _, err := identity.NewVerifier(f.st, nil, f.clock.Now, 0).Verify(ctx, tok.Value); err == nil {
		t.Error("the deleted account's token still verifies")
	}
	ep, _ := f.st.GetEndpointByName(ctx, "main")
	if gs, _ := f.st.ListEndpointGrants(ctx, ep.ID); len(gs) != 0 {
		t.Errorf("grants left: %+v", gs)
	}
	ev := f.auditEvents(t)[0]
	if ev.Code != audit.CodeServiceAccountDeleted || !strings.Contains(string(ev.Request), `"ci"`) ||
		!strings.Contains(string(ev.Request), tok.Token.ID) || strings.Contains(string(ev.Request), tok.Value) || ev.Response != nil {
		t.Errorf("delete event = %s %s -> %s", ev.Code, ev.Request, ev.Response)
	}
	f.call(t, http.MethodDelete, "/api/v1/service-accounts/ci", nil, http.StatusNotFound, nil)
}
