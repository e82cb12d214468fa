package server

import (
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/config"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// ssoEnv is a Switchboard whose people sign in through mockoidc, a real
// OIDC provider (discovery, RS256-signed ID tokens, PKCE, nonce) served
// in-process on a loopback port.
type ssoEnv struct {
	*authEnv
	idp *mockoidc.MockOIDC
}

func newSSOEnv(t *testing.T, jit bool) *ssoEnv {
	t.Helper()
	idp, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idp.Shutdown() })
	e := newAuthEnv(t, func(c *config.Config) {
		c.SSO = config.SSOConfig{IssuerURL: idp.Issuer(), ClientID: idp.ClientID,
			ClientSecret: config.Secret(idp.ClientSecret), Scopes: config.List{"openid", "email", "profile", "groups"},
			JIT: jit, GroupsClaim: "groups", DefaultRole: store.RoleMember}
		if jit {
			c.SSO.AllowedDomains = config.List{"example.com"}
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("config: %v", err)
		}
	})
	return &ssoEnv{authEnv: e, idp: idp}
}

func person(email string, verified bool, groups ...string) *mockoidc.MockUser {
	return &mockoidc.MockUser{Subject: "sub-" + email, Email: email, EmailVerified: verified, Groups: groups}
}

var ssoLinkRE = regexp.MustCompile(`<a class="button" href="(/login/sso[^"]*)">Sign in with SSO</a>`)

// ssoLink returns the SSO link of a sign-in page.
func ssoLink(t *testing.T, p page) string {
	t.Helper()
	m := ssoLinkRE.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no SSO link on the page (%d):\n%s", p.status, p.body)
	}
	return html.UnescapeString(m[1])
}

// signIn drives one SSO sign-in of who from start (a path on
// Switchboard): to the provider, back to the callback, and on. atIdP may
// change the authorization request at the provider, back the callback.
func (e *ssoEnv) signIn(t *testing.T, b *browser, who *mockoidc.MockUser, start string,
	atIdP, back func(url.Values)) page {
	t.Helper()
	e.idp.QueueUser(who)
	p := b.get(t, e.url+start)
	if !p.left || !strings.HasPrefix(p.url.String(), e.idp.AuthorizationEndpoint()+"?") {
		t.Fatalf("start did not go to the provider: %d %v\n%s", p.status, p.url, p.body)
	}
	q := p.url.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("nonce") == "" || q.Get("state") == "" {
		t.Fatalf("authorization request lacks PKCE, nonce or state: %v", q)
	}
	if atIdP != nil {
		atIdP(q)
		p.url.RawQuery = q.Encode()
	}
	cb := b.get(t, p.url.String())
	if !cb.left || cb.url.Path != ssoCallbackPath {
		t.Fatalf("the provider did not send the browser back: %d %v\n%s", cb.status, cb.url, cb.body)
	}
	if back != nil {
		q := cb.url.Query()
		back(q)
		cb.url.RawQuery = q.Encode()
	}
	return b.get(t, cb.url.String())
}

// groupsOf returns the names of userID's groups with their sources.
func (e *ssoEnv) groupsOf(t *testing.T, userID string) []string {
	t.Helper()
	ctx := t.Context()
	groups, err := e.srv.store.ListGroups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, g := range groups {
		names[g.ID] = g.Name
	}
	ms, err := e.srv.store.ListMemberships(ctx, userID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		out = append(out, names[m.GroupID]+"/"+m.Source)
	}
	slices.Sort(out)
	return out
}

func (e *ssoEnv) user(t *testing.T, email string) store.User {
	t.Helper()
	u, err := e.srv.store.GetUserByEmail(t.Context(), email)
	if err != nil {
		t.Fatalf("user %s: %v", email, err)
	}
	return u
}

// signedIn reports whether b has a live session.
func signedIn(t *testing.T, b *browser) bool {
	t.Helper()
	p := b.get(t, b.e.url+"/login")
	return strings.Contains(p.body, `action="/logout"`)
}

func TestSSOSignInToConsent(t *testing.T) {
	e := newSSOEnv(t, true)
	redirect := "http://127.0.0.1:9/callback"
	clientID := e.register(t, redirect)
	_, challenge := pkce("sso-verifier-")
	b := newBrowser(t, e.authEnv)

	// An AI client's authorization request sends the browser to sign in;
	// the sign-in page offers SSO and keeps the way back.
	p := b.get(t, e.authorizeURL(clientID, redirect, challenge, "alpha"))
	link := ssoLink(t, p)
	if !strings.HasPrefix(link, "/login/sso?return_to=%2Fconsent%3F") {
		t.Fatalf("SSO link %q does not return to consent", link)
	}
	ada := person("ada@example.com", true, "engineering", "design")
	p = e.signIn(t, b, ada, link, nil, nil)
	action, _ := form(t, p)
	if p.status != http.StatusOK || !strings.HasPrefix(action, "/consent?") {
		t.Fatalf("after SSO: %d, form %q, want the consent page:\n%s", p.status, action, p.body)
	}

	u := e.user(t, "ada@example.com")
	if u.Role != store.RoleMember || u.Disabled {
		t.Errorf("JIT user = %+v, want an enabled member", u)
	}
	if got, want := e.groupsOf(t, u.ID), []string{"design/sso", "engineering/sso"}; !slices.Equal(got, want) {
		t.Errorf("groups = %v, want %v", got, want)
	}
	ok := e.wantEvent(t, audit.CodeLoginOK, `"method":"sso"`, `"created":true`, "ada@example.com", "engineering")
	e.wantEvent(t, audit.CodeUserCreated, `"method":"sso"`, "ada@example.com")
	if strings.Contains(string(ok.Request), "eyJ") { // a JWT's header
		t.Errorf("login event holds a token: %s", ok.Request)
	}

	// The session is a normal one: the same browser is signed in.
	if !signedIn(t, b) {
		t.Error("no session after SSO")
	}
	if n := len(e.events(t, audit.CodeLoginFailed)); n != 0 {
		t.Errorf("%d failed logins along the way", n)
	}
}

func TestSSOGroupsFollowTheClaim(t *testing.T) {
	e := newSSOEnv(t, true)
	grace := person("grace@example.com", true, "engineering", "design")
	e.signIn(t, newBrowser(t, e.authEnv), grace, "/login/sso", nil, nil)
	u := e.user(t, "grace@example.com")

	// An admin adds a local membership, in a group the claim also names
	// later; SSO leaves it alone.
	ctx := t.Context()
	now := e.clock.Now()
	local := store.Group{ID: identity.NewID("grp"), Name: "oncall", Source: store.GroupSourceLocal, CreatedAt: now}
	if err := e.srv.store.CreateGroup(ctx, local); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.store.AddMembership(ctx, store.Membership{GroupID: local.ID, UserID: u.ID,
		Source: store.GroupSourceLocal, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}

	grace.Groups = []string{"design", "ops", "oncall", " ops "}
	p := e.signIn(t, newBrowser(t, e.authEnv), grace, "/login/sso", nil, nil)
	if p.status != http.StatusOK {
		t.Fatalf("second sign-in: %d\n%s", p.status, p.body)
	}
	want := []string{"design/sso", "oncall/local", "ops/sso"}
	if got := e.groupsOf(t, u.ID); !slices.Equal(got, want) {
		t.Errorf("groups after the second sign-in = %v, want %v", got, want)
	}
	e.wantEvent(t, audit.CodeLoginOK, `"created":false`, `"groups":["design","oncall","ops"]`)

	grace.Groups = nil
	e.signIn(t, newBrowser(t, e.authEnv), grace, "/login/sso", nil, nil)
	if got := e.groupsOf(t, u.ID); !slices.Equal(got, []string{"oncall/local"}) {
		t.Errorf("groups after a sign-in without groups = %v, want only the local one", got)
	}
	groups, err := e.srv.store.ListGroups(ctx)
	if err != nil || len(groups) != 4 {
		t.Errorf("groups = %v (%v), want engineering, design, ops and oncall kept", groups, err)
	}
}

func TestSSORefusals(t *testing.T) {
	e := newSSOEnv(t, true)
	ctx := t.Context()
	now := e.clock.Now()
	off := store.User{ID: identity.NewID("usr"), Email: "off@example.com", Role: store.RoleMember,
		Disabled: true, CreatedAt: now, UpdatedAt: now}
	if err := e.srv.store.CreateUser(ctx, off); err != nil {
		t.Fatal(err)
	}
	otherNonce := func(q url.Values) { q.Set("nonce", "another-sign-in") }
	otherState := func(q url.Values) { q.Set("state", "forged") }
	otherChallenge := func(q url.Values) { q.Set("code_challenge", strings.Repeat("A", 43)) }
	tests := []struct {
		name      string
		who       *mockoidc.MockUser
		atIdP     func(url.Values)
		back      func(url.Values)
		status    int
		reason    string
		noAccount string // an email that must not have an account afterwards
	}{
		{"domain not allowed", person("eve@elsewhere.example", true), nil, nil, 403, identity.ReasonSSODomain, "eve@elsewhere.example"},
		{"disabled user", person("off@example.com", true), nil, nil, 403, identity.ReasonDisabled, ""},
		{"email not verified", person("unverified@example.com", false), nil, nil, 403, identity.ReasonSSOEmail, "unverified@example.com"},
		{"state mismatch", person("state@example.com", true), nil, otherState, 400, identity.ReasonSSOState, "state@example.com"},
		{"nonce mismatch", person("nonce@example.com", true), otherNonce, nil, 400, identity.ReasonSSONonce, "nonce@example.com"},
		{"pkce mismatch", person("pkce@example.com", true), otherChallenge, nil, 400, identity.ReasonSSOExchange, "pkce@example.com"},
		{"provider error", person("err@example.com", true), nil, func(q url.Values) { q.Del("code"); q.Set("error", "access_denied") },
			400, identity.ReasonSSOProviderError, "err@example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBrowser(t, e.authEnv)
			p := e.signIn(t, b, tt.who, "/login/sso", tt.atIdP, tt.back)
			if p.status != tt.status || !strings.Contains(p.body, "Sign in with SSO") {
				t.Errorf("status %d, want %d with the sign-in page:\n%s", p.status, tt.status, p.body)
			}
			e.wantEvent(t, audit.CodeLoginFailed, tt.reason, `"method":"sso"`)
			if signedIn(t, b) {
				t.Error("a refused sign-in left a session")
			}
			if tt.noAccount != "" {
				if _, err := e.srv.store.GetUserByEmail(ctx, tt.noAccount); err == nil {
					t.Errorf("an account for %s was created", tt.noAccount)
				}
			}
		})
	}

	t.Run("callback without a flow", func(t *testing.T) {
		b := newBrowser(t, e.authEnv)
		e.idp.QueueUser(person("late@example.com", true))
		start := b.get(t, e.url+"/login/sso")
		cb := b.get(t, start.url.String())
		// Another browser (no flow cookie) brings the code back.
		p := newBrowser(t, e.authEnv).get(t, cb.url.String())
		if p.status != http.StatusBadRequest {
			t.Errorf("status %d, want 400", p.status)
		}
		// The first browser's flow is single use too: after a refusal of
		// the right browser's replay, nothing signs in.
		first := b.get(t, cb.url.String())
		second := b.get(t, cb.url.String())
		if first.status != http.StatusSeeOther && first.status != http.StatusOK || second.status != http.StatusBadRequest {
			t.Errorf("callback then replay: %d, %d; want a sign-in, then 400", first.status, second.status)
		}
	})

	t.Run("open redirect", func(t *testing.T) {
		p := newBrowser(t, e.authEnv).get(t, e.url+"/login/sso?return_to=//evil.example/x")
		if p.left || p.status != http.StatusBadRequest {
			t.Errorf("return_to //evil.example: %d, left=%v", p.status, p.left)
		}
		e.wantEvent(t, audit.CodeRedirectRefused, "evil.example")
	})
}

func TestSSOWithoutJIT(t *testing.T) {
	e := newSSOEnv(t, false)
	b := newBrowser(t, e.authEnv)
	p := e.signIn(t, b, person("new@example.com", true, "x"), "/login/sso", nil, nil)
	if p.status != http.StatusForbidden {
		t.Fatalf("unknown user without JIT: %d", p.status)
	}
	e.wantEvent(t, audit.CodeLoginFailed, identity.ReasonUnknownUser)
	// The bootstrap admin exists: SSO finds them by email.
	p = e.signIn(t, b, person(adminEmail, true, "admins"), "/login/sso", nil, nil)
	if p.status != http.StatusOK || !signedIn(t, b) {
		t.Fatalf("existing user: %d\n%s", p.status, p.body)
	}
	e.wantEvent(t, audit.CodeLoginOK, `"method":"sso"`, `"created":false`, adminEmail)
}

func TestLoginPageWithoutSSO(t *testing.T) {
	e := newAuthEnv(t)
	p := newBrowser(t, e).get(t, e.url+"/login")
	if strings.Contains(p.body, "Sign in with SSO") {
		t.Error("the sign-in page offers SSO, which is not configured")
	}
	if p := newBrowser(t, e).get(t, e.url+"/login/sso"); p.status != http.StatusNotFound {
		t.Errorf("/login/sso without SSO: %d, want 404", p.status)
	}
}

func TestSSOFlowExpires(t *testing.T) {
	e := newSSOEnv(t, true)
	b := newBrowser(t, e.authEnv)
	e.idp.QueueUser(person("slow@example.com", true))
	start := b.get(t, e.url+"/login/sso")
	cb := b.get(t, start.url.String())
	e.clock.Advance(11 * time.Minute) // the flow lasts 10
	p := b.get(t, cb.url.String())
	if p.status != http.StatusBadRequest || signedIn(t, b) {
		t.Fatalf("a callback after the flow expired: %d", p.status)
	}
	e.wantEvent(t, audit.CodeLoginFailed, identity.ReasonSSOState)
}

// TestSSODefaultRoleMustExist: a custom sso.default_role that names no
// role stops serve at start, with the setting named.
func TestSSODefaultRoleMustExist(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.MasterKeyFile = filepath.Join(cfg.DataDir, "master.key")
	cfg.SSO = config.SSOConfig{IssuerURL: "http://127.0.0.1:9/idp", ClientID: "sb", Scopes: config.List{"openid", "email"},
		JIT: true, DefaultRole: "ghost-role"}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("a custom role name is valid config: %v", err)
	}
	_, err := New(t.Context(), cfg, slog.New(slog.DiscardHandler), io.Discard)
	if err == nil || !strings.Contains(err.Error(), `sso.default_role: no role named "ghost-role"`) {
		t.Fatalf("New with an unknown default role: %v", err)
	}
}
