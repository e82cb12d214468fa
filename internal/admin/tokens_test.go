package admin

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// createToken creates a token for the admin and returns it with its value.
func (e *env) createToken(t *testing.T, req api.CreateTokenRequest) api.CreateTokenResponse {
	t.Helper()
	var out api.CreateTokenResponse
	e.call(t, http.MethodPost, "/api/v1/tokens", req, http.StatusCreated, &out)
	return out
}

// whoami returns the status of GET /api/v1/me with token.
func (e *env) whoami(t *testing.T, token string) int {
	t.Helper()
	return e.do(t, token, http.MethodGet, "/api/v1/me", nil).status
}

func TestTokenCreateAndList(t *testing.T) {
	e := newEnv(t)
	up := newFakeUpstream(t, "", "", "echo")
	e.addServer(t, "srv", up.url)
	e.addEndpoint(t, "main", false, "srv")
	_, otherToken := e.newUser(t, "other@example.com", store.RoleAdmin, false)

	created := e.createToken(t, api.CreateTokenRequest{Name: " ci ", Endpoint: "main"})
	if !strings.HasPrefix(created.Value, identity.TokenPrefix) || len(created.Value) < 30 {
		t.Errorf("token value %q: want a long sbt_ token", created.Value)
	}
	want := api.Token{ID: created.Token.ID, Name: "ci", UserID: e.admin.ID, Prefix: created.Value[:8], Endpoint: "main", CreatedAt: e.clock.Now()}
	if diff := cmp.Diff(want, created.Token); diff != "" {
		t.Errorf("created token (-want +got):\n%s", diff)
	}
	var me api.User
	r := e.do(t, created.Value, http.MethodGet, "/api/v1/me", nil)
	if r.status != http.StatusOK || json.Unmarshal(r.body, &me) != nil || me.ID != e.admin.ID {
		t.Errorf("GET /me with the new token = %s, want the admin", r)
	}

	r = e.call(t, http.MethodGet, "/api/v1/tokens", nil, http.StatusOK, nil)
	for _, secret := range []string{created.Value, e.token, otherToken} {
		if strings.Contains(string(r.body), secret) {
			t.Errorf("token list contains a token value: %s", r.body)
		}
	}
	var raw api.List[map[string]any]
	if err := json.Unmarshal(r.body, &raw); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, item := range raw.Items {
		for _, key := range []string{"value", "hash", "secret", "token"} {
			if _, ok := item[key]; ok {
				t.Errorf("token list item has %q: %v", key, item)
			}
		}
		names = append(names, item["name"].(string))
	}
	slices.Sort(names)
	if diff := cmp.Diff([]string{"bootstrap", "ci"}, names); diff != "" {
		t.Errorf("listed tokens (-want +got); another user's token must not show:\n%s", diff)
	}
}

func TestTokenRevoke(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name       string
		revokeWith func(tok api.CreateTokenResponse) string
	}{
		{"by another token", func(api.CreateTokenResponse) string { return e.token }},
		{"by itself", func(tok api.CreateTokenResponse) string { return tok.Value }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tok := e.createToken(t, api.CreateTokenRequest{Name: tc.name})
			if s := e.whoami(t, tok.Value); s != http.StatusOK { // now cached by the verifier
				t.Fatalf("new token: GET /me = %d", s)
			}
			r := e.do(t, tc.revokeWith(tok), http.MethodDelete, "/api/v1/tokens/"+tok.Token.ID, nil)
			if r.status != http.StatusNoContent {
				t.Fatalf("revoke = %s, want 204", r)
			}
			// The clock has not moved, so only forgetting the cache can
			// make the verifier look again.
			if s := e.whoami(t, tok.Value); s != http.StatusUnauthorized {
				t.Errorf("revoked token: GET /me = %d, want 401 at once", s)
			}
			var list api.List[api.Token]
			e.call(t, http.MethodGet, "/api/v1/tokens", nil, http.StatusOK, &list)
			for _, lt := range list.Items {
				if lt.ID == tok.Token.ID && (lt.RevokedAt == nil || !lt.RevokedAt.Equal(e.clock.Now())) {
					t.Errorf("listed revoked token: revoked_at = %v, want %v", lt.RevokedAt, e.clock.Now())
				}
			}
		})
	}
	if s := e.whoami(t, e.token); s != http.StatusOK {
		t.Errorf("the revoking token stopped working: %d", s)
	}
}

func TestTokenExpiry(t *testing.T) {
	e := newEnv(t)
	tok := e.createToken(t, api.CreateTokenRequest{Name: "short", ExpiresIn: "1h"})
	if want := e.clock.Now().Add(time.Hour); tok.Token.ExpiresAt == nil || !tok.Token.ExpiresAt.Equal(want) {
		t.Fatalf("expires_at = %v, want %v", tok.Token.ExpiresAt, want)
	}
	steps := []struct {
		advance time.Duration
		want    int
	}{
		{0, http.StatusOK},
		{59*time.Minute + 59*time.Second, http.StatusOK},
		{time.Second, http.StatusUnauthorized}, // exactly at expiry
		{time.Hour, http.StatusUnauthorized},
	}
	for _, s := range steps {
		e.clock.Advance(s.advance)
		if got := e.whoami(t, tok.Value); got != s.want {
			t.Errorf("at %s: GET /me = %d, want %d", e.clock.Now().Sub(tok.Token.CreatedAt), got, s.want)
		}
	}
	if s := e.whoami(t, e.token); s != http.StatusOK {
		t.Errorf("a token without expiry stopped working: %d", s)
	}
}
