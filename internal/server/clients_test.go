package server

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// TestPreRegisteredClient drives `switchboard client create|list|remove`
// and an authorization of the confidential client it made, which must
// authenticate with its secret at the token endpoint.
func TestPreRegisteredClient(t *testing.T) {
	e := newAuthEnv(t)
	c := &cliRunner{e: e, config: t.TempDir()}
	if code, _, errOut := c.run(t, adminPassword+"\n", "login", "--email", adminEmail, "--password-stdin"); code != 0 {
		t.Fatalf("login: %s", errOut)
	}
	redirect := "http://127.0.0.1:9/callback"
	code, secret, errOut := c.run(t, "", "client", "create", "--name", "CI bot", "--redirect-uri", redirect, "--confidential")
	clientID := regexp.MustCompile(`client_id: (\S+)`).FindStringSubmatch(errOut)
	if code != 0 || !strings.HasPrefix(secret, "sbk_") || clientID == nil {
		t.Fatalf("client create = %d %q %q", code, secret, errOut)
	}
	id, secret := clientID[1], strings.TrimSpace(secret)

	verifier, challenge := pkce("cl1ent-")
	final := newBrowser(t, e).authorize(t, e.authorizeURL(id, redirect, challenge, "alpha"), "approve")
	form := url.Values{"grant_type": {"authorization_code"}, "code": {final.Query().Get("code")},
		"redirect_uri": {redirect}, "code_verifier": {verifier}}
	tokenReq := func(user, pass string) int {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, e.url+"/oauth/token", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(url.QueryEscape(user), url.QueryEscape(pass))
		resp, err := e.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := tokenReq(id, "sbk_wrong"); st != http.StatusUnauthorized {
		t.Errorf("token with a wrong secret = %d", st)
	}
	// The wrong attempt failed client authentication, so the code is
	// still unspent.
	if st := tokenReq(id, secret); st != http.StatusOK {
		t.Fatalf("token with the secret = %d", st)
	}

	code, out, _ := c.run(t, "", "client", "list")
	if code != 0 || !strings.Contains(out, "CI bot") || !strings.Contains(out, "admin") || strings.Contains(out, secret) {
		t.Errorf("client list = %d\n%s", code, out)
	}
	if code, out, errOut = c.run(t, "", "client", "remove", id); code != 0 || !strings.Contains(out, "Removed") {
		t.Fatalf("client remove = %d %q %q", code, out, errOut)
	}
	e.wantEvent(t, audit.CodeClientRegistered, "CI bot")
	e.wantEvent(t, audit.CodeClientDeleted, id)
	if code, _, _ = c.run(t, "", "client", "remove", id); code == 0 {
		t.Error("removing a removed client succeeded")
	}
}

// TestUnusedClientsPruned: a dynamically registered client unused past
// the TTL is removed by the server's pruner, with its grant.
func TestUnusedClientsPruned(t *testing.T) {
	e := newAuthEnv(t)
	clientID, _, _ := e.grantFor(t, "alpha")
	fresh := e.register(t, "http://127.0.0.1:9/other")
	e.clock.Advance(29 * 24 * time.Hour)
	if n, err := e.srv.auth.oauth.PruneClients(t.Context()); err != nil || n != 0 {
		t.Fatalf("prune within the TTL = %d, %v", n, err)
	}
	e.clock.Advance(2 * 24 * time.Hour)
	if _, err := e.srv.store.GetOAuthClient(t.Context(), fresh); err != nil {
		t.Fatal(err)
	}
	if n, err := e.srv.auth.oauth.PruneClients(t.Context()); err != nil || n != 2 {
		t.Fatalf("prune past the TTL = %d, %v", n, err)
	}
	for _, id := range []string{clientID, fresh} {
		if _, err := e.srv.store.GetOAuthClient(t.Context(), id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("client %s after pruning: %v", id, err)
		}
	}
	if gs, err := e.srv.store.ListGrants(t.Context(), ""); err != nil || len(gs) != 0 {
		t.Errorf("grants after pruning: %v %v", gs, err)
	}
	e.wantEvent(t, audit.CodeClientDeleted, clientID, "unused")
}
