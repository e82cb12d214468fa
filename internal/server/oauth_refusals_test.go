package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/audit"
)

// TestOAuthRefusals runs the attacks and mistakes that the authorization
// server must refuse, each with the right error and an audit event.
func TestOAuthRefusals(t *testing.T) {
	e := newAuthEnv(t)
	t.Run("wrong PKCE verifier", func(t *testing.T) {
		redirect := "http://127.0.0.1:9/cb"
		clientID := e.register(t, redirect)
		_, challenge := pkce("right-")
		back := newBrowser(t, e).authorize(t, e.authorizeURL(clientID, redirect, challenge, "alpha"), "approve")
		wrong, _ := pkce("wrong-")
		status, tk := e.exchange(t, clientID, redirect, back.Query().Get("code"), wrong)
		if status != http.StatusBadRequest || tk.Error != "invalid_grant" || tk.AccessToken != "" {
			t.Errorf("exchange with a wrong verifier = %d %+v, want 400 invalid_grant", status, tk)
		}
		e.wantEvent(t, audit.CodeTokenFailed, "PKCE verifier does not match")
	})
	t.Run("redirect_uri not registered", func(t *testing.T) {
		clientID := e.register(t, "https://app.example/cb")
		_, challenge := pkce("x-")
		resp, err := e.client.Get(e.authorizeURL(clientID, "https://evil.example/cb", challenge, "alpha"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
			t.Errorf("authorize with an unregistered redirect_uri = %d, Location %q; want 400 and no redirect",
				resp.StatusCode, resp.Header.Get("Location"))
		}
		e.wantEvent(t, audit.CodeAuthorizeFailed, "redirect_uri is not registered", clientID)
	})
	t.Run("token for endpoint A used at B", func(t *testing.T) {
		_, _, tk := e.grantFor(t, "alpha")
		if code, _ := e.mcpStatus(t, "alpha", tk.AccessToken); code != http.StatusOK {
			t.Fatalf("the token does not work at its own endpoint: %d", code)
		}
		code, challenge := e.mcpStatus(t, "beta", tk.AccessToken)
		if code != http.StatusUnauthorized || !strings.Contains(challenge, "oauth-protected-resource/mcp/beta") {
			t.Errorf("alpha's token at beta = %d %q, want 401 pointing at beta's metadata", code, challenge)
		}
		ev := e.wantEvent(t, audit.CodeTokenRejected, "audience", "beta")
		if ev.ActorEmail != adminEmail {
			t.Errorf("the refusal is not audited against the token's owner: %+v", ev)
		}
	})
	t.Run("replayed authorization code", func(t *testing.T) {
		redirect := "http://127.0.0.1:9/cb"
		clientID := e.register(t, redirect)
		verifier, challenge := pkce("replay-")
		code := newBrowser(t, e).authorize(t, e.authorizeURL(clientID, redirect, challenge, "alpha"), "approve").Query().Get("code")
		status, first := e.exchange(t, clientID, redirect, code, verifier)
		if status != http.StatusOK {
			t.Fatalf("first exchange: %d %+v", status, first)
		}
		status, again := e.exchange(t, clientID, redirect, code, verifier)
		if status != http.StatusBadRequest || again.Error != "invalid_grant" {
			t.Errorf("replay = %d %+v, want 400 invalid_grant", status, again)
		}
		if code, _ := e.mcpStatus(t, "alpha", first.AccessToken); code != http.StatusUnauthorized {
			t.Errorf("the grant of a replayed code still works: %d", code)
		}
		if status, _ := e.refresh(t, clientID, first.RefreshToken); status != http.StatusBadRequest {
			t.Errorf("its refresh token still works: %d", status)
		}
		e.wantEvent(t, audit.CodeCodeReplayed, "grant revoked")
	})
	t.Run("reused refresh token", func(t *testing.T) {
		clientID, _, tk := e.grantFor(t, "alpha")
		status, rotated := e.refresh(t, clientID, tk.RefreshToken)
		if status != http.StatusOK || rotated.RefreshToken == tk.RefreshToken {
			t.Fatalf("first refresh: %d %+v", status, rotated)
		}
		status, reused := e.refresh(t, clientID, tk.RefreshToken)
		if status != http.StatusBadRequest || reused.Error != "invalid_grant" {
			t.Errorf("reuse = %d %+v, want 400 invalid_grant", status, reused)
		}
		if status, _ := e.refresh(t, clientID, rotated.RefreshToken); status != http.StatusBadRequest {
			t.Errorf("the rotated refresh token survived reuse detection: %d", status)
		}
		if code, _ := e.mcpStatus(t, "alpha", rotated.AccessToken); code != http.StatusUnauthorized {
			t.Errorf("the grant's access token survived reuse detection: %d", code)
		}
		e.wantEvent(t, audit.CodeRefreshReused, "grant revoked")
	})
	t.Run("consent without CSRF token", func(t *testing.T) {
		redirect := "http://127.0.0.1:9/cb"
		clientID := e.register(t, redirect)
		_, challenge := pkce("csrf-")
		b := newBrowser(t, e)
		p := b.login(t, b.get(t, e.authorizeURL(clientID, redirect, challenge, "alpha")))
		action, vals := form(t, p)
		given := len(e.events(t, audit.CodeConsentGiven))
		vals.Del("csrf")
		vals.Set("decision", "approve")
		if p := b.submit(t, action, vals, nil); p.status != http.StatusForbidden || p.left {
			t.Errorf("consent without CSRF = %d (left %v), want 403", p.status, p.left)
		}
		vals.Set("csrf", "forged")
		if p := b.submit(t, action, vals, nil); p.status != http.StatusForbidden {
			t.Errorf("consent with a forged CSRF token = %d, want 403", p.status)
		}
		if n := len(e.events(t, audit.CodeConsentGiven)); n != given {
			t.Error("a forged consent was recorded as given")
		}
		e.wantEvent(t, audit.CodeCSRFFailed, "consent form")
	})
	t.Run("cross-origin form post", func(t *testing.T) {
		b := newBrowser(t, e)
		_, vals := form(t, b.get(t, e.url+"/login"))
		vals.Set("email", adminEmail)
		vals.Set("password", adminPassword)
		p := b.submit(t, "/login", vals, http.Header{"Origin": {"https://evil.example"}, "Sec-Fetch-Site": {"cross-site"}})
		if p.status != http.StatusForbidden {
			t.Errorf("cross-origin sign-in = %d, want 403", p.status)
		}
		e.wantEvent(t, audit.CodeCSRFFailed, "cross-origin")
	})
	t.Run("open redirect through return URL", func(t *testing.T) {
		b := newBrowser(t, e)
		for _, target := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"} {
			if p := b.get(t, e.url+"/login?return_to="+url.QueryEscape(target)); p.status != http.StatusBadRequest || p.left {
				t.Errorf("GET /login?return_to=%s = %d (left %v), want 400", target, p.status, p.left)
			}
		}
		_, vals := form(t, b.get(t, e.url+"/login"))
		vals.Set("email", adminEmail)
		vals.Set("password", adminPassword)
		vals.Set("return_to", "//evil.example/steal")
		if p := b.submit(t, "/login", vals, nil); p.status != http.StatusBadRequest || p.left {
			t.Errorf("sign-in with return_to=//evil.example = %d (left %v), want 400", p.status, p.left)
		}
		if u, _ := url.Parse(e.url); len(b.client.Jar.Cookies(u)) > 1 {
			t.Errorf("a refused sign-in set a session cookie: %v", b.client.Jar.Cookies(u))
		}
		e.wantEvent(t, audit.CodeRedirectRefused, "evil.example")
	})
	t.Run("plain PKCE and missing resource", func(t *testing.T) {
		redirect := "http://127.0.0.1:9/cb"
		clientID := e.register(t, redirect)
		_, challenge := pkce("plain-")
		for name, tc := range map[string]struct{ drop, key, value, want string }{
			"plain":       {key: "code_challenge_method", value: "plain", want: "invalid_request"},
			"no PKCE":     {drop: "code_challenge", want: "invalid_request"},
			"no resource": {drop: "resource", want: "invalid_target"},
			"unknown":     {key: "resource", value: e.resource("nope"), want: "invalid_target"},
			"token":       {key: "response_type", value: "token", want: "unsupported_response_type"},
		} {
			u, _ := url.Parse(e.authorizeURL(clientID, redirect, challenge, "alpha"))
			q := u.Query()
			if tc.drop != "" {
				q.Del(tc.drop)
			} else {
				q.Set(tc.key, tc.value)
			}
			u.RawQuery = q.Encode()
			p := newBrowser(t, e).get(t, u.String())
			back := p.url.Query()
			if !p.left || back.Get("error") != tc.want || back.Get("state") != "st-123" || back.Get("iss") != e.url {
				t.Errorf("%s: went to %v, want the client's redirect with error=%s, state and iss", name, p.url, tc.want)
			}
		}
	})
	t.Run("deny", func(t *testing.T) {
		redirect := "http://127.0.0.1:9/cb"
		clientID := e.register(t, redirect)
		_, challenge := pkce("deny-")
		back := newBrowser(t, e).authorize(t, e.authorizeURL(clientID, redirect, challenge, "alpha"), "deny")
		if back.Query().Get("error") != "access_denied" || back.Query().Get("code") != "" {
			t.Errorf("deny went to %v", back)
		}
		e.wantEvent(t, audit.CodeConsentDenied, "denied by the user")
	})
	// Last: it moves the clock past every access token issued above.
	t.Run("expired access token", func(t *testing.T) {
		_, _, tk := e.grantFor(t, "beta")
		e.clock.Advance(time.Hour + time.Second)
		if code, _ := e.mcpStatus(t, "beta", tk.AccessToken); code != http.StatusUnauthorized {
			t.Errorf("an expired access token = %d, want 401", code)
		}
		e.wantEvent(t, audit.CodeTokenRejected, "expired")
	})
}
