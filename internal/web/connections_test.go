package web

import (
	"crypto/rand"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/upstream"
	"github.com/switchboard-mcp/switchboard/internal/vault"
)

// connEnv is the browser surface with "My connections" enabled and
// personal servers gh (bearer), multi (several headers) and jira (basic),
// plus shared server docs.
func connEnv(t *testing.T) (*env, *vault.Vault) {
	t.Helper()
	e := newEnv(t, "https://sb.example")
	ctx := t.Context()
	key := make([]byte, 32)
	rand.Read(key)
	v, err := vault.Open(ctx, key, e.st)
	if err != nil {
		t.Fatal(err)
	}
	pool := upstream.NewPool(upstream.Config{Store: e.st, Vault: v})
	t.Cleanup(pool.Close)
	e.h.cfg.Connections = &Connections{Store: e.st, Vault: v, Pool: pool}
	now := time.Now().UTC()
	for _, s := range []store.Server{
		{Name: "gh", AuthMethod: store.AuthBearer, CredentialMode: store.ModePersonal},
		{Name: "multi", AuthMethod: store.AuthHeader, CredentialMode: store.ModePersonal},
		{Name: "jira", AuthMethod: store.AuthBasic, CredentialMode: store.ModePersonal},
		{Name: "docs", AuthMethod: store.AuthBearer, CredentialMode: store.ModeShared},
	} {
		s.ID, s.URL, s.Transport, s.CreatedAt, s.UpdatedAt = "srv_"+s.Name, "https://up.example/mcp", store.TransportStreamableHTTP, now, now
		if err := e.st.CreateServer(ctx, s, nil); err != nil {
			t.Fatal(err)
		}
	}
	return e, v
}

func TestConnectionsPage(t *testing.T) {
	e, v := connEnv(t)
	ctx := t.Context()
	if w := e.serve("GET", "/connections?server=gh", nil); w.Code != http.StatusSeeOther ||
		w.Header().Get("Location") != "/login?return_to=%2Fconnections%3Fserver%3Dgh" {
		t.Fatalf("without a session = %d %q, want sign-in first", w.Code, w.Header().Get("Location"))
	}
	se := e.login(t)
	w := e.serve("GET", "/connections?server=gh", nil, se)
	body := w.Body.String()
	for _, want := range []string{`class="focus" data-server="gh" data-status="not_connected"`, `data-server="jira"`,
		`<textarea name="secret"`, `type="password" name="secret"`, "user:password"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if w.Code != 200 || strings.Contains(body, `data-server="docs"`) {
		t.Errorf("page = %d; shared server listed: %v", w.Code, strings.Contains(body, `data-server="docs"`))
	}

	csrf := identity.CSRFToken(se.Value)
	post := func(form url.Values) (int, string, string) {
		t.Helper()
		w := e.serve("POST", "/connections", form, se)
		return w.Code, w.Header().Get("Location"), w.Body.String()
	}
	const secret = "gh-token-for-a-7f3"
	code, loc, _ := post(url.Values{"csrf": {csrf}, "server": {"gh"}, "op": {"save"}, "secret": {secret}})
	if code != http.StatusSeeOther || loc != "/connections?done=saved&server=gh#server-gh" {
		t.Fatalf("save = %d %q", code, loc)
	}
	c, err := e.st.GetCredential(ctx, "srv_gh", e.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	if plain, err := v.Unseal(c.Ciphertext, "credential", c.ID); err != nil || string(plain) != secret || c.Status != store.CredentialConnected {
		t.Errorf("stored credential = %q, %v, status %q", plain, err, c.Status)
	}
	page, _, _ := strings.Cut(loc, "#") // browsers keep the fragment
	body = e.serve("GET", page, nil, se).Body.String()
	if !strings.Contains(body, `class="focus" data-server="gh" data-status="connected"`) || !strings.Contains(body, "Saved.") || strings.Contains(body, secret) {
		t.Errorf("after saving: connected shown %v, secret echoed %v\n%s", strings.Contains(body, `data-status="connected"`), strings.Contains(body, secret), body)
	}

	// Bad input: refused, nothing stored, the secret never echoed.
	for name, tc := range map[string]struct {
		form url.Values
		code int
		msg  string
	}{
		"bad CSRF":         {url.Values{"csrf": {"nope"}, "server": {"jira"}, "op": {"save"}, "secret": {"u:p-leak"}}, 403, "expired"},
		"basic shape":      {url.Values{"csrf": {csrf}, "server": {"jira"}, "op": {"save"}, "secret": {"no-colon-leak"}}, 400, "user:password"},
		"header lines":     {url.Values{"csrf": {csrf}, "server": {"multi"}, "op": {"save"}, "secret": {"X-A: 1\nleak-line"}}, 400, "line 2"},
		"shared server":    {url.Values{"csrf": {csrf}, "server": {"docs"}, "op": {"save"}, "secret": {"x-leak"}}, 404, "personal-mode"},
		"unsafe return_to": {url.Values{"csrf": {csrf}, "server": {"jira"}, "op": {"save"}, "secret": {"u:p-leak"}, "return_to": {"https://evil.example/"}}, 400, "away"},
		"no operation":     {url.Values{"csrf": {csrf}, "server": {"jira"}, "secret": {"u:p-leak"}}, 400, "Save or Remove"},
		"unknown server":   {url.Values{"csrf": {csrf}, "server": {"nope"}, "op": {"save"}, "secret": {"x-leak"}}, 404, "nope"},
	} {
		code, _, body := post(tc.form)
		if code != tc.code || !strings.Contains(body, tc.msg) || strings.Contains(body, "leak") {
			t.Errorf("%s: %d, want %d with %q; leaks secret %v", name, code, tc.code, tc.msg, strings.Contains(body, "leak"))
		}
	}
	for _, id := range []string{"srv_jira", "srv_multi", "srv_docs"} {
		if _, err := e.st.GetCredential(ctx, id, e.user.ID); err == nil {
			t.Errorf("a refused form stored a credential for %s", id)
		}
	}

	// Several headers, then back to where the user came from.
	code, loc, _ = post(url.Values{"csrf": {csrf}, "server": {"multi"}, "op": {"save"},
		"secret": {"X-Tenant: acme\r\nX-Key: k1\r\n"}, "return_to": {"/consent?client_id=cl_1"}})
	if code != http.StatusSeeOther || loc != "/consent?client_id=cl_1" {
		t.Errorf("save with return_to = %d %q", code, loc)
	}
	code, _, _ = post(url.Values{"csrf": {csrf}, "server": {"gh"}, "op": {"remove"}})
	if _, err := e.st.GetCredential(ctx, "srv_gh", e.user.ID); code != http.StatusSeeOther || err == nil {
		t.Errorf("remove = %d, credential still there: %v", code, err == nil)
	}
	evs, err := e.st.ListAudit(ctx, store.AuditFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]int{}
	for _, ev := range evs {
		codes[ev.Code]++
		if strings.Contains(string(ev.Request)+string(ev.Response)+ev.Error, "k1") || strings.Contains(string(ev.Request), secret) {
			t.Errorf("audit event %s holds a secret", ev.Code)
		}
	}
	if codes[audit.CodeCredentialSaved] != 2 || codes[audit.CodeCredentialRemoved] != 1 {
		t.Errorf("audit codes %v", codes)
	}
}

// TestConsentLinksToConnections: the consent page offers Connect for each
// personal server the user has not connected, returning to consent.
func TestConsentLinksToConnections(t *testing.T) {
	e, _ := connEnv(t)
	ctx := t.Context()
	now := time.Now().UTC()
	ep := store.Endpoint{ID: identity.NewID("ep"), Name: "dev", ServerIDs: []string{"srv_gh", "srv_docs"}, CreatedAt: now, UpdatedAt: now}
	cl := store.OAuthClient{ID: "cl_1", Name: "Cursor", RedirectURIs: []string{"cursor://anysphere.cursor-retrieval/cb"},
		AuthMethod: store.ClientAuthNone, GrantTypes: []string{"authorization_code"}, Source: store.ClientSourceDCR, CreatedAt: now, LastUsedAt: now}
	for _, err := range []error{e.st.CreateEndpoint(ctx, ep), e.st.CreateOAuthClient(ctx, cl),
		e.st.AddEndpointGrant(ctx, store.EndpointGrant{ID: "egr_1", EndpointID: ep.ID, PrincipalType: "user", PrincipalID: e.user.ID, CreatedAt: now})} {
		if err != nil {
			t.Fatal(err)
		}
	}
	q := url.Values{"response_type": {"code"}, "client_id": {"cl_1"}, "redirect_uri": {"cursor://anysphere.cursor-retrieval/cb"},
		"code_challenge": {strings.Repeat("a", 43)}, "code_challenge_method": {"S256"}, "resource": {"https://sb.example/mcp/dev"}}
	consent := "/consent?" + q.Encode()
	w := e.serve("GET", consent, nil, e.login(t))
	want := `href="/connections?return_to=` + url.QueryEscape(consent) + `&amp;server=gh"`
	if w.Code != 200 || !strings.Contains(w.Body.String(), want) {
		t.Errorf("consent page = %d, lacks %s:\n%s", w.Code, want, w.Body)
	}
	if strings.Contains(w.Body.String(), "server=docs") {
		t.Error("a shared server has a connect link")
	}
}
