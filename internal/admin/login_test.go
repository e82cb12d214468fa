package admin

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// loginCases are the malformed CLI sign-ins; they write nothing, not even
// an audit event.
func loginCases() []badCase {
	var cases []badCase
	for _, r := range []string{"POST /api/v1/login", "POST /api/v1/cli/token"} {
		cases = append(cases, jsonCases(r)...)
	}
	cases = append(cases,
		badCase{name: "password missing", route: "POST /api/v1/login", body: `{"email":"a@example.com"}`, status: 400, code: api.CodeInvalidField, field: "email"},
		badCase{name: "email wrong type", route: "POST /api/v1/login", body: `{"email":7,"password":"x"}`, status: 400, code: api.CodeInvalidField, field: "email"},
		badCase{name: "verifier missing", route: "POST /api/v1/cli/token", body: `{"code":"sbl_x"}`, status: 400, code: api.CodeInvalidField, field: "code"},
	)
	return cases
}

const loginPassword = "correct horse battery"

// loginUser creates a member with loginPassword through the API.
func loginUser(t *testing.T, f *fixture, email string) api.User {
	t.Helper()
	var u api.User
	f.call(t, http.MethodPost, "/api/v1/users", api.CreateUserRequest{Email: email, Role: store.RoleMember, Password: loginPassword},
		http.StatusCreated, &u)
	return u
}

func lastAudit(t *testing.T, f *fixture) store.AuditEvent {
	t.Helper()
	evs := f.auditEvents(t)
	if len(evs) == 0 {
		t.Fatal("no audit event")
	}
	return evs[0]
}

func TestLoginPassword(t *testing.T) {
	f := newFixture(t)
	u := loginUser(t, f, "ada@example.com")
	r := f.do(t, "", http.MethodPost, "/api/v1/login", api.LoginRequest{Email: "Ada@Example.com", Password: loginPassword, Hostname: "laptop\n1"})
	if r.status != http.StatusCreated {
		t.Fatalf("login = %s", r)
	}
	var out api.LoginResponse
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatal(err)
	}
	if out.Token.Name != "cli laptop1" || out.Token.UserID != u.ID || out.UserEmail != u.Email ||
		out.Token.ExpiresAt == nil || !out.Token.ExpiresAt.Equal(f.clock.Now().Add(30*24*time.Hour)) {
		t.Errorf("token = %+v", out)
	}
	var me api.User
	if r := f.do(t, out.Value, http.MethodGet, "/api/v1/me", nil); r.status != 200 || json.Unmarshal(r.body, &me) != nil || me.ID != u.ID {
		t.Errorf("me with the new token = %s", r)
	}
	if ev := lastAudit(t, f); ev.Code != audit.CodeLoginOK || ev.ActorID != u.ID || !strings.Contains(string(ev.Request), "api_password") {
		t.Errorf("audit = %+v %s", ev, ev.Request)
	}
}

func TestLoginRefused(t *testing.T) {
	f := newFixture(t)
	u := loginUser(t, f, "ada@example.com")
	for _, tc := range []struct{ name, email, password, reason string }{
		{"wrong password", "ada@example.com", "wrong password here", identity.ReasonBadPassword},
		{"unknown user", "nobody@example.com", loginPassword, identity.ReasonUnknownUser},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(t, "", http.MethodPost, "/api/v1/login", api.LoginRequest{Email: tc.email, Password: tc.password})
			if r.status != http.StatusUnauthorized {
				t.Fatalf("login = %s", r)
			}
			if e := apiErrorBody(t, r); e.Message != "wrong email or password" {
				t.Errorf("message = %q", e.Message)
			}
			if ev := lastAudit(t, f); ev.Code != audit.CodeLoginFailed || ev.Error != tc.reason || ev.Outcome != audit.OutcomeDenied {
				t.Errorf("audit = %+v", ev)
			}
		})
	}
	t.Run("rate limited", func(t *testing.T) {
		var last response
		for range 6 {
			last = f.do(t, "", http.MethodPost, "/api/v1/login", api.LoginRequest{Email: "ada@example.com", Password: "still wrong pw"})
		}
		if last.status != http.StatusTooManyRequests || last.header.Get("Retry-After") == "" {
			t.Fatalf("6th failure = %s", last)
		}
		// Even the right password waits now, and says nothing more.
		r := f.do(t, "", http.MethodPost, "/api/v1/login", api.LoginRequest{Email: "ada@example.com", Password: loginPassword})
		if r.status != http.StatusTooManyRequests {
			t.Errorf("right password while throttled = %s", r)
		}
		if ev := lastAudit(t, f); ev.Error != identity.ReasonRateLimited || ev.ActorID != "" && ev.ActorID != u.ID {
			t.Errorf("audit = %+v", ev)
		}
	})
	t.Run("disabled", func(t *testing.T) {
		v := loginUser(t, f, "bob@example.com")
		f.call(t, http.MethodPatch, "/api/v1/users/"+v.ID, map[string]any{"disabled": true}, http.StatusOK, nil)
		r := f.do(t, "", http.MethodPost, "/api/v1/login", api.LoginRequest{Email: "bob@example.com", Password: loginPassword})
		if r.status != http.StatusUnauthorized {
			t.Fatalf("disabled login = %s", r)
		}
	})
}

func s256(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func TestCLIToken(t *testing.T) {
	f := newFixture(t)
	u := loginUser(t, f, "ada@example.com")
	verifier := strings.Repeat("v", 43)
	exchange := func(code, v string) response {
		return f.do(t, "", http.MethodPost, "/api/v1/cli/token", api.CLITokenRequest{Code: code, Verifier: v, Hostname: "box"})
	}
	refused := func(t *testing.T, r response) {
		t.Helper()
		if r.status != http.StatusUnauthorized {
			t.Fatalf("exchange = %s, want 401", r)
		}
		if ev := lastAudit(t, f); ev.Code != audit.CodeLoginFailed || ev.Error != "bad_cli_code" {
			t.Errorf("audit = %+v", ev)
		}
	}
	t.Run("ok, then replay", func(t *testing.T) {
		code := f.cli.Issue(u.ID, s256(verifier))
		r := exchange(code, verifier)
		var out api.LoginResponse
		if r.status != http.StatusCreated || json.Unmarshal(r.body, &out) != nil || out.Token.Name != "cli box" {
			t.Fatalf("exchange = %s", r)
		}
		if ev := lastAudit(t, f); ev.Code != audit.CodeLoginOK || !strings.Contains(string(ev.Request), "cli_browser") {
			t.Errorf("audit = %+v", ev)
		}
		refused(t, exchange(code, verifier))
	})
	t.Run("wrong verifier spends the code", func(t *testing.T) {
		code := f.cli.Issue(u.ID, s256(verifier))
		refused(t, exchange(code, strings.Repeat("w", 43)))
		refused(t, exchange(code, verifier))
	})
	t.Run("expired", func(t *testing.T) {
		code := f.cli.Issue(u.ID, s256(verifier))
		f.clock.Advance(61 * time.Second)
		refused(t, exchange(code, verifier))
	})
	t.Run("unknown", func(t *testing.T) {
		refused(t, exchange("sbl_nope", verifier))
	})
}
