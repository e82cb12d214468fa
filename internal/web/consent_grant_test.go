package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// TestConsentRefusedWithoutGrant checks that a member who approves consent
// for an endpoint not granted to them is sent back with access_denied, and
// gets a code once they have a grant.
func TestConsentRefusedWithoutGrant(t *testing.T) {
	e := newEnv(t, "https://sb.example")
	ctx := t.Context()
	now := time.Now().UTC()
	srv := store.Server{ID: identity.NewID("srv"), Name: "gh", URL: "https://gh.example/mcp", Transport: store.TransportStreamableHTTP,
		AuthMethod: store.AuthNone, CredentialMode: store.ModeShared, CreatedAt: now, UpdatedAt: now}
	ep := store.Endpoint{ID: identity.NewID("ep"), Name: "dev", ServerIDs: []string{srv.ID}, CreatedAt: now, UpdatedAt: now}
	cl := store.OAuthClient{ID: "cl_1", Name: "App", RedirectURIs: []string{"https://app.example/cb"},
		AuthMethod: store.ClientAuthNone, GrantTypes: []string{"authorization_code"}, Source: store.ClientSourceDCR, CreatedAt: now, LastUsedAt: now}
	for _, err := range []error{e.st.CreateServer(ctx, srv, nil), e.st.CreateEndpoint(ctx, ep), e.st.CreateOAuthClient(ctx, cl)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	q := url.Values{"response_type": {"code"}, "client_id": {"cl_1"}, "redirect_uri": {"https://app.example/cb"},
		"code_challenge": {strings.Repeat("a", 43)}, "code_challenge_method": {"S256"}, "resource": {"https://sb.example/mcp/dev"}}
	session := e.login(t)
	approve := func() url.Values {
		t.Helper()
		form := url.Values{"csrf": {identity.CSRFToken(session.Value)}, "decision": {"approve"}, "duration": {"30"}}
		w := e.serve("POST", "/consent?"+q.Encode(), form, session)
		if w.Code != http.StatusSeeOther {
			t.Fatalf("consent = %d %s", w.Code, w.Body)
		}
		u, err := url.Parse(w.Header().Get("Location"))
		if err != nil || u.Host != "app.example" {
			t.Fatalf("redirect to %q", w.Header().Get("Location"))
		}
		return u.Query()
	}
	if got := approve(); got.Get("error") != "access_denied" || got.Get("code") != "" {
		t.Errorf("consent without a grant: %v, want access_denied", got)
	}
	if err := e.st.AddEndpointGrant(ctx, store.EndpointGrant{ID: identity.NewID("egr"), EndpointID: ep.ID,
		PrincipalType: store.GrantUser, PrincipalID: e.user.ID, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if got := approve(); got.Get("code") == "" {
		t.Errorf("consent with a grant: %v, want a code", got)
	}
}
