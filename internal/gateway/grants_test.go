package gateway

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// TestMemberNeedsGrant walks a member through no grant (403), a group
// grant (connects and calls) and its removal (the next call fails once
// the verifier's cache entry ends, at most identity.MaxTokenCacheTTL).
func TestMemberNeedsGrant(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	up := newFakeUpstream(t, "", "")
	s := e.addServer(t, "one", up.srv.URL, store.AuthNone, "", "")
	e.addEndpoint(t, "dev", []store.Server{s}, "one/echo")
	ep, err := e.st.GetEndpointByName(ctx, "dev")
	if err != nil {
		t.Fatal(err)
	}
	m := store.User{ID: identity.NewID("usr"), Email: "m@example.com", Role: store.RoleMember, CreatedAt: e.now, UpdatedAt: e.now}
	g := store.Group{ID: identity.NewID("grp"), Name: "devs", Source: store.GroupSourceLocal, CreatedAt: e.now}
	text, hash := identity.NewToken()
	for _, err := range []error{
		e.st.CreateUser(ctx, m), e.st.CreateGroup(ctx, g),
		e.st.AddMembership(ctx, store.Membership{GroupID: g.ID, UserID: m.ID, Source: store.GroupSourceLocal, CreatedAt: e.now}),
		e.st.CreateAPIToken(ctx, store.APIToken{ID: identity.NewID("tok"), Name: "t", UserID: m.ID, Hash: hash, Prefix: text[:8], CreatedAt: e.now}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	status := func() int {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, e.srv.URL+"/mcp/dev", strings.NewReader(
			`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}`))
		req.Header.Set("Authorization", "Bearer "+text)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := status(); got != http.StatusForbidden {
		t.Fatalf("member without a grant: %d, want 403", got)
	}
	if _, err := e.connectAs(text, "dev"); err == nil {
		t.Fatal("member without a grant connected")
	}

	grant := store.EndpointGrant{ID: identity.NewID("egr"), EndpointID: ep.ID, PrincipalType: store.GrantGroup, PrincipalID: g.ID, CreatedAt: e.now}
	if err := e.st.AddEndpointGrant(ctx, grant); err != nil {
		t.Fatal(err)
	}
	e.skew.Add(int64(identity.MaxTokenCacheTTL)) // the cached refusal ends
	cs, err := e.connectAs(text, "dev")
	if err != nil {
		t.Fatalf("member with a group grant: %v", err)
	}
	defer cs.Close()
	if _, err := cs.ListTools(ctx, nil); err != nil {
		t.Fatalf("tools/list with a grant: %v", err)
	}

	if err := e.st.RemoveEndpointGrant(ctx, ep.ID, grant.ID); err != nil {
		t.Fatal(err)
	}
	e.skew.Add(int64(identity.MaxTokenCacheTTL))
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := cs.ListTools(cctx, nil); err == nil {
		t.Fatal("tools/list after the grant was removed succeeded")
	}
	if got := status(); got != http.StatusForbidden {
		t.Fatalf("member after revoke: %d, want 403", got)
	}
}

// TestServiceAccountToken checks that a service account's token works on
// its scoped endpoint only, and there only with a grant; its calls are
// audited with actor type service_account.
func TestServiceAccountToken(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	up := newFakeUpstream(t, "", "")
	s := e.addServer(t, "one", up.srv.URL, store.AuthNone, "", "")
	e.addEndpoint(t, "dev", []store.Server{s}, "one/echo")
	e.addEndpoint(t, "prod", []store.Server{s}, "one/echo")
	dev, _ := e.st.GetEndpointByName(ctx, "dev")
	prod, _ := e.st.GetEndpointByName(ctx, "prod")
	sa := store.ServiceAccount{ID: identity.NewID("sa"), Name: "ci", CreatedAt: e.now}
	text, hash := identity.NewServiceAccountToken()
	for _, err := range []error{
		e.st.CreateServiceAccount(ctx, sa),
		e.st.CreateServiceAccountToken(ctx, store.ServiceAccountToken{ID: identity.NewID("tok"), Name: "t", ServiceAccountID: sa.ID,
			Hash: hash, Prefix: text[:11], EndpointID: dev.ID, CreatedAt: e.now, ExpiresAt: e.now.Add(time.Hour)}),
		e.st.AddEndpointGrant(ctx, store.EndpointGrant{ID: identity.NewID("egr"), EndpointID: prod.ID,
			PrincipalType: store.GrantServiceAccount, PrincipalID: sa.ID, CreatedAt: e.now}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.connectAs(text, "dev"); err == nil {
		t.Fatal("connected to the scoped endpoint without a grant")
	}
	if _, err := e.connectAs(text, "prod"); err == nil {
		t.Fatal("connected to a granted endpoint outside the token's scope")
	}
	if err := e.st.AddEndpointGrant(ctx, store.EndpointGrant{ID: identity.NewID("egr"), EndpointID: dev.ID,
		PrincipalType: store.GrantServiceAccount, PrincipalID: sa.ID, CreatedAt: e.now}); err != nil {
		t.Fatal(err)
	}
	e.skew.Add(int64(identity.MaxTokenCacheTTL))
	cs, err := e.connectAs(text, "dev")
	if err != nil {
		t.Fatalf("scoped and granted: %v", err)
	}
	defer cs.Close()
	if _, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "one__echo", Arguments: map[string]any{"text": "hi"}}); err != nil {
		t.Fatalf("call: %v", err)
	}
	if _, err := e.connectAs(text, "prod"); err == nil {
		t.Fatal("connected outside the token's scope")
	}
	evs, err := e.st.ListAudit(ctx, store.AuditFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, ev := range evs {
		if ev.ActorID == sa.ID {
			found = true
			if ev.ActorType != "service_account" {
				t.Errorf("event %s actor type = %q", ev.Code, ev.ActorType)
			}
		}
	}
	if !found {
		t.Error("no audit event names the service account")
	}
}
