package oauth

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// TestConsentNeedsGrant checks that consent is refused, and audited, for a
// member without a grant of the endpoint, and given through a group grant.
func TestConsentNeedsGrant(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	bob := store.User{ID: identity.NewID("usr"), Email: "bob@example.com", Role: store.RoleMember, CreatedAt: e.now, UpdatedAt: e.now}
	grp := store.Group{ID: identity.NewID("grp"), Name: "devs", Source: store.GroupSourceSSO, CreatedAt: e.now}
	for _, err := range []error{e.st.CreateUser(ctx, bob), e.st.CreateGroup(ctx, grp),
		e.st.AddMembership(ctx, store.Membership{GroupID: grp.ID, UserID: bob.ID, Source: store.GroupSourceSSO, CreatedAt: e.now})} {
		if err != nil {
			t.Fatal(err)
		}
	}
	_, reg := e.registerJSON(t, `{"redirect_uris":["https://app.example/cb"]}`)
	_, challenge := pkceForTest("grant")
	approve := func() url.Values {
		t.Helper()
		q := url.Values{"response_type": {"code"}, "client_id": {reg["client_id"].(string)}, "redirect_uri": {"https://app.example/cb"},
			"code_challenge": {challenge}, "code_challenge_method": {"S256"}, "resource": {e.srv.ResourceURL("dev")}}
		req, aerr := e.srv.ParseAuthorize(ctx, q)
		if aerr != nil {
			t.Fatal(aerr)
		}
		to, err := e.srv.Approve(ctx, httptest.NewRequest(http.MethodPost, "/consent", nil), bob, req, "30")
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(to)
		return u.Query()
	}
	if q := approve(); q.Get("error") != "access_denied" || q.Get("code") != "" {
		t.Fatalf("consent without a grant = %v, want access_denied", q)
	}
	evs, _ := e.st.ListAudit(ctx, store.AuditFilter{Code: audit.CodeConsentDenied})
	if len(evs) != 1 || evs[0].ActorID != bob.ID || evs[0].Endpoint != "dev" {
		t.Fatalf("denied consent events = %+v", evs)
	}
	grant := store.EndpointGrant{ID: identity.NewID("egr"), EndpointID: e.ep.ID, PrincipalType: store.GrantGroup, PrincipalID: grp.ID, CreatedAt: e.now}
	if err := e.st.AddEndpointGrant(ctx, grant); err != nil {
		t.Fatal(err)
	}
	if q := approve(); q.Get("code") == "" {
		t.Fatalf("consent with a group grant = %v, want a code", q)
	}
}
