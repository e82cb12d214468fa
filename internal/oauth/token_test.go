package oauth

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

func pkceForTest(verifier string) (string, string) {
	for len(verifier) < 43 {
		verifier += verifier
	}
	verifier = verifier[:43]
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

func TestConfidentialClient(t *testing.T) {
	e := newEnv(t)
	for _, method := range []string{store.ClientAuthBasic, store.ClientAuthPost} {
		t.Run(method, func(t *testing.T) {
			_, reg := e.registerJSON(t, `{"redirect_uris":["https://app.example/cb"],"token_endpoint_auth_method":"`+method+`"}`)
			id, secret := reg["client_id"].(string), reg["client_secret"].(string)
			verifier, challenge := pkceForTest("confidential")
			form := url.Values{"grant_type": {"authorization_code"}, "code": {e.code(t, id, "https://app.example/cb", challenge)},
				"redirect_uri": {"https://app.example/cb"}, "code_verifier": {verifier}}
			auth := func(secret string) (url.Values, http.Header) {
				f, h := url.Values{}, http.Header{}
				for k, v := range form {
					f[k] = v
				}
				if method == store.ClientAuthBasic {
					h.Set("Authorization", "Basic "+basic(id, secret))
				} else {
					f.Set("client_id", id)
					f.Set("client_secret", secret)
				}
				return f, h
			}
			f, h := auth("sbk_wrong")
			status, hdr, body := e.form(t, "/oauth/token", f, h)
			if status != http.StatusUnauthorized || body["error"] != errInvalidClient {
				t.Errorf("wrong secret = %d %v", status, body)
			}
			if method == store.ClientAuthBasic && !strings.HasPrefix(hdr.Get("WWW-Authenticate"), "Basic") {
				t.Errorf("a failed Basic authentication lacks the Basic challenge")
			}
			f, h = auth(secret)
			if status, _, body := e.form(t, "/oauth/token", f, h); status != http.StatusOK || body["access_token"] == nil {
				t.Errorf("right secret = %d %v", status, body)
			}
		})
	}
	// A confidential client cannot pass as a public one.
	_, reg := e.registerJSON(t, `{"redirect_uris":["https://app.example/cb"]}`)
	status, _, body := e.form(t, "/oauth/token", url.Values{"grant_type": {"refresh_token"}, "client_id": {reg["client_id"].(string)},
		"refresh_token": {"sbr_x"}}, nil)
	if status != http.StatusUnauthorized || body["error"] != errInvalidClient || body["error_description"] != "client authentication failed" {
		t.Errorf("confidential client without its secret = %d %v", status, body)
	}
}

func basic(id, secret string) string {
	return base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id) + ":" + url.QueryEscape(secret)))
}

func TestTokenRequestErrors(t *testing.T) {
	e := newEnv(t)
	_, reg := e.registerJSON(t, `{"redirect_uris":["http://127.0.0.1/cb"],"token_endpoint_auth_method":"none",`+
		`"grant_types":["authorization_code"]}`)
	id := reg["client_id"].(string)
	verifier, challenge := pkceForTest("errors")
	for name, tc := range map[string]struct {
		form   url.Values
		status int
		err    string
	}{
		"unknown client":     {url.Values{"client_id": {"cl_nope"}, "grant_type": {"authorization_code"}}, 401, errInvalidClient},
		"no client":          {url.Values{"grant_type": {"authorization_code"}}, 401, errInvalidClient},
		"no grant type":      {url.Values{"client_id": {id}}, 400, errInvalidRequest},
		"password grant":     {url.Values{"client_id": {id}, "grant_type": {"password"}}, 400, errUnsupportedGrantType},
		"repeated parameter": {url.Values{"client_id": {id}, "grant_type": {"authorization_code", "refresh_token"}}, 400, errInvalidRequest},
		"no verifier":        {url.Values{"client_id": {id}, "grant_type": {"authorization_code"}, "code": {"sbc_x"}}, 400, errInvalidRequest},
		"unknown code": {url.Values{"client_id": {id}, "grant_type": {"authorization_code"}, "code": {"sbc_x"},
			"code_verifier": {verifier}}, 400, errInvalidGrant},
		"refresh not registered": {url.Values{"client_id": {id}, "grant_type": {"refresh_token"}, "refresh_token": {"sbr_x"}},
			400, errUnauthorizedClient},
	} {
		status, hdr, body := e.form(t, "/oauth/token", tc.form, nil)
		if status != tc.status || body["error"] != tc.err || hdr.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: %d %v, want %d %s", name, status, body, tc.status, tc.err)
		}
	}
	code := e.code(t, id, "http://127.0.0.1/cb", challenge)
	// A code is spent by its first presentation, right or wrong.
	status, _, body := e.form(t, "/oauth/token", url.Values{"client_id": {id}, "grant_type": {"authorization_code"},
		"code": {code}, "code_verifier": {verifier}, "redirect_uri": {"http://127.0.0.1:7/cb"}}, nil)
	if status != http.StatusBadRequest || body["error"] != errInvalidGrant {
		t.Errorf("redirect_uri differing from the request = %d %v", status, body)
	}
	status, _, body = e.form(t, "/oauth/token", url.Values{"client_id": {id}, "grant_type": {"authorization_code"},
		"code": {code}, "code_verifier": {verifier}, "redirect_uri": {"http://127.0.0.1/cb"}}, nil)
	if status != http.StatusBadRequest || body["error"] != errInvalidGrant {
		t.Errorf("the right request after a wrong one = %d %v; the code should be spent", status, body)
	}
	code = e.code(t, id, "http://127.0.0.1/cb", challenge)
	e.now = e.now.Add(DefaultCodeTTL)
	status, _, body = e.form(t, "/oauth/token", url.Values{"client_id": {id}, "grant_type": {"authorization_code"},
		"code": {code}, "code_verifier": {verifier}, "redirect_uri": {"http://127.0.0.1/cb"}}, nil)
	if status != http.StatusBadRequest || body["error"] != errInvalidGrant {
		t.Errorf("an expired code = %d %v", status, body)
	}
	e.now = e.now.Add(-DefaultCodeTTL)
	code = e.code(t, id, "http://127.0.0.1/cb", challenge)
	status, _, body = e.form(t, "/oauth/token", url.Values{"client_id": {id}, "grant_type": {"authorization_code"},
		"code": {code}, "code_verifier": {verifier}, "redirect_uri": {"http://127.0.0.1/cb"}, "resource": {e.http.URL + "/mcp/other"}}, nil)
	if status != http.StatusBadRequest || body["error"] != errInvalidTarget {
		t.Errorf("another resource at the token endpoint = %d %v", status, body)
	}
}

func TestTokensAndGrantLifetime(t *testing.T) {
	e := newEnv(t)
	_, reg := e.registerJSON(t, `{"redirect_uris":["http://127.0.0.1/cb"],"token_endpoint_auth_method":"none",`+
		`"grant_types":["authorization_code","refresh_token"]}`)
	id := reg["client_id"].(string)
	verifier, challenge := pkceForTest("lifetime")
	status, _, body := e.form(t, "/oauth/token", url.Values{"client_id": {id}, "grant_type": {"authorization_code"},
		"code": {e.code(t, id, "http://127.0.0.1/cb", challenge)}, "code_verifier": {verifier},
		"resource": {e.srv.ResourceURL("dev")}}, nil)
	if status != http.StatusOK || body["token_type"] != "Bearer" || body["expires_in"] != float64(3600) {
		t.Fatalf("exchange = %d %v", status, body)
	}
	access, refresh := body["access_token"].(string), body["refresh_token"].(string)
	tok, g, err := e.st.GetOAuthToken(t.Context(), identity.HashToken(access))
	if err != nil || tok.Kind != store.TokenAccess || !g.ExpiresAt.Equal(e.now.Add(30*24*time.Hour)) || g.EndpointID != e.ep.ID {
		t.Errorf("stored access token %+v of grant %+v, %v", tok, g, err)
	}
	// Near the end of the grant an access token never outlives it.
	e.now = g.ExpiresAt.Add(-10 * time.Minute)
	status, _, body = e.form(t, "/oauth/token", url.Values{"client_id": {id}, "grant_type": {"refresh_token"}, "refresh_token": {refresh}}, nil)
	if status != http.StatusOK || body["expires_in"] != float64(600) {
		t.Errorf("refresh near the grant's end = %d %v, want expires_in 600", status, body)
	}
	e.now = g.ExpiresAt
	status, _, body = e.form(t, "/oauth/token", url.Values{"client_id": {id}, "grant_type": {"refresh_token"},
		"refresh_token": {body["refresh_token"].(string)}}, nil)
	if status != http.StatusBadRequest || body["error"] != errInvalidGrant {
		t.Errorf("refresh after the grant ended = %d %v", status, body)
	}
}

func TestRevoke(t *testing.T) {
	e := newEnv(t)
	_, reg := e.registerJSON(t, `{"redirect_uris":["http://127.0.0.1/cb"],"token_endpoint_auth_method":"none",`+
		`"grant_types":["authorization_code","refresh_token"]}`)
	_, other := e.registerJSON(t, `{"redirect_uris":["http://127.0.0.1/cb"],"token_endpoint_auth_method":"none"}`)
	id := reg["client_id"].(string)
	verifier, challenge := pkceForTest("revoke")
	_, _, body := e.form(t, "/oauth/token", url.Values{"client_id": {id}, "grant_type": {"authorization_code"},
		"code": {e.code(t, id, "http://127.0.0.1/cb", challenge)}, "code_verifier": {verifier}}, nil)
	access := body["access_token"].(string)
	for name, f := range map[string]url.Values{
		"unknown token":          {"client_id": {id}, "token": {"sba_unknown"}},
		"another client's token": {"client_id": {other["client_id"].(string)}, "token": {access}},
	} {
		if status, _, _ := e.form(t, "/oauth/revoke", f, nil); status != http.StatusOK {
			t.Errorf("%s: %d, want 200 (RFC 7009 §2.2)", name, status)
		}
	}
	if tok, _, _ := e.st.GetOAuthToken(t.Context(), identity.HashToken(access)); !tok.RevokedAt.IsZero() {
		t.Fatal("another client revoked the token")
	}
	if status, _, _ := e.form(t, "/oauth/revoke", url.Values{"client_id": {id}, "token": {access}}, nil); status != http.StatusOK {
		t.Fatalf("revoke = %d", status)
	}
	tok, g, _ := e.st.GetOAuthToken(t.Context(), identity.HashToken(access))
	if tok.RevokedAt.IsZero() || !g.RevokedAt.IsZero() {
		t.Errorf("revoking an access token: token %+v, grant %+v; want the token revoked, the grant alive", tok, g)
	}
}
