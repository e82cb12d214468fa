package admin

import (
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

// userCases are the refused requests of the user routes.
func userCases() []badCase {
	const c = "POST /api/v1/users"
	cases := jsonCases(c)
	for _, tc := range []badCase{
		{name: "email missing", body: `{"role":"member"}`, field: "email"},
		{name: "email not an address", body: `{"email":"ada","role":"member"}`, field: "email", msg: "email address"},
		{name: "email wrong type", body: `{"email":7,"role":"member"}`, field: "email", msg: "string"},
		{name: "role missing", body: `{"email":"ada@example.com"}`, field: "role", msg: "member"},
		{name: "role unknown", body: `{"email":"ada@example.com","role":"owner"}`, field: "role"},
		{name: "name too long", body: `{"email":"ada@example.com","role":"member","name":"` + strings.Repeat("n", 201) + `"}`, field: "name"},
		{name: "password too short", body: `{"email":"ada@example.com","role":"member","password":"short"}`, field: "password", msg: "12 to 256"},
		{name: "password too long", body: `{"email":"ada@example.com","role":"member","password":"` + strings.Repeat("p", 257) + `"}`, field: "password"},
		{name: "duplicate email", body: `{"email":"Other@Example.com","role":"member"}`, status: 409, code: api.CodeConflict, field: "email"},
	} {
		tc.route = c
		cases = append(cases, defaults(tc))
	}
	const u = "PATCH /api/v1/users/{user}"
	for _, tc := range jsonCases(u) {
		tc.path = "/api/v1/users/other@example.com"
		cases = append(cases, tc)
	}
	for _, tc := range []badCase{
		{name: "nothing to change", body: `{}`, field: "disabled", msg: "nothing to change"},
		{name: "role unknown", body: `{"role":"root"}`, field: "role"},
		{name: "disabled wrong type", body: `{"disabled":"yes"}`, field: "disabled", msg: "boolean"},
		{name: "disable yourself", path: "/api/v1/users/root@example.com", body: `{"disabled":true}`, field: "disabled", msg: "yourself"},
		{name: "demote yourself", path: "/api/v1/users/root@example.com", body: `{"role":"member"}`, field: "role", msg: "your own role"},
		{name: "unknown user", path: "/api/v1/users/nobody@example.com", body: `{"disabled":true}`, status: 404, code: api.CodeNotFound, msg: "nobody@example.com"},
		{name: "unknown user ID", path: "/api/v1/users/usr_nope", body: `{"disabled":true}`, status: 404, code: api.CodeNotFound},
	} {
		tc.route = u
		if tc.path == "" {
			tc.path = "/api/v1/users/other@example.com"
		}
		cases = append(cases, defaults(tc))
	}
	const pw = "PUT /api/v1/users/{user}/password"
	for _, tc := range jsonCases(pw) {
		tc.path = "/api/v1/users/other@example.com/password"
		cases = append(cases, tc)
	}
	for _, tc := range []badCase{
		{name: "password missing", body: `{}`, field: "password"},
		{name: "password too short", body: `{"password":"eleven char"}`, field: "password", msg: "12 to 256"},
		{name: "password blank", body: `{"password":"              "}`, field: "password"},
		{name: "unknown user", path: "/api/v1/users/nobody@example.com/password", body: `{"password":"a long new password"}`,
			status: 404, code: api.CodeNotFound},
	} {
		tc.route = pw
		if tc.path == "" {
			tc.path = "/api/v1/users/other@example.com/password"
		}
		cases = append(cases, defaults(tc))
	}
	return cases
}

// grantCases are the refused requests of the grant routes.
func grantCases() []badCase {
	return append(loginCases(), []badCase{
		{name: "all not a flag", route: "GET /api/v1/grants", path: "/api/v1/grants?all=yes", status: 400, code: api.CodeInvalidField, field: "all"},
		{name: "unknown grant", route: "DELETE /api/v1/grants/{id}", path: "/api/v1/grants/grt_nope", status: 404, code: api.CodeNotFound, msg: "grt_nope"},
	}...)
}

// defaults fills a case's status and code for a field error.
func defaults(tc badCase) badCase {
	if tc.status == 0 {
		tc.status = http.StatusBadRequest
	}
	if tc.code == "" {
		tc.code = api.CodeInvalidField
	}
	return tc
}

func TestCreateUser(t *testing.T) {
	f := newFixture(t)
	var u api.User
	f.call(t, http.MethodPost, "/api/v1/users",
		api.CreateUserRequest{Email: "Ada@Example.com", Name: "Ada", Role: store.RoleMember, Password: "correct horse battery"},
		http.StatusCreated, &u)
	if u.Email != "ada@example.com" || u.Role != store.RoleMember || u.ID == "" {
		t.Errorf("created %+v", u)
	}
	hash, err := f.st.GetPasswordHash(t.Context(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _, _ := identity.VerifyPassword(hash, "correct horse battery", identity.DefaultPasswordParams); !ok {
		t.Error("the stored hash does not verify the password")
	}
	ev := f.auditEvents(t)[0]
	if ev.Code != audit.CodeUserCreated || strings.Contains(string(ev.Response), "horse") ||
		!strings.Contains(string(ev.Response), `"password_set":true`) {
		t.Errorf("audit event %s: %s", ev.Code, ev.Response)
	}
	var noPassword api.User
	f.call(t, http.MethodPost, "/api/v1/users", api.CreateUserRequest{Email: "sso@example.com", Role: store.RoleEditor},
		http.StatusCreated, &noPassword)
	if _, err := f.st.GetPasswordHash(t.Context(), noPassword.ID); err == nil {
		t.Error("a user created without a password has one")
	}
	_, member := f.newUser(t, "member@example.com", store.RoleMember, false)
	if r := f.do(t, member, http.MethodPost, "/api/v1/users", api.CreateUserRequest{Email: "x@example.com", Role: "admin"}); r.status != 403 {
		t.Errorf("a member created a user: %s", r)
	}
}

func TestDisableAndResetPassword(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	u, token := f.newUser(t, "member@example.com", store.RoleMember, false)
	sessions, err := identity.NewSessions(identity.SessionConfig{Store: f.st, Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	cookie, _, err := sessions.Start(ctx, u.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	f.call(t, http.MethodPut, "/api/v1/users/member@example.com/password", api.SetPasswordRequest{Password: "a brand new password"},
		http.StatusNoContent, nil)
	if _, _, err := sessions.Resolve(ctx, cookie); err == nil {
		t.Error("a password reset left a browser session alive")
	}
	hash, _ := f.st.GetPasswordHash(ctx, u.ID)
	if ok, _, _ := identity.VerifyPassword(hash, "a brand new password", identity.DefaultPasswordParams); !ok {
		t.Error("the new password does not verify")
	}
	cookie, _, _ = sessions.Start(ctx, u.ID, "")
	yes := true
	var got api.User
	f.call(t, http.MethodPatch, "/api/v1/users/"+u.ID, api.UpdateUserRequest{Disabled: &yes}, http.StatusOK, &got)
	if !got.Disabled {
		t.Errorf("user after disable: %+v", got)
	}
	if _, _, err := sessions.Resolve(ctx, cookie); err == nil {
		t.Error("disabling left a browser session alive")
	}
	if r := f.do(t, token, http.MethodGet, "/api/v1/me", nil); r.status != http.StatusUnauthorized {
		t.Errorf("a disabled user's API token still works: %s", r)
	}
	if ev := f.auditEvents(t)[0]; ev.Code != audit.CodeUserUpdated || !strings.Contains(string(ev.Response), `"disabled":true`) {
		t.Errorf("audit event %s: %s", ev.Code, ev.Response)
	}
}

// addGrant stores a grant of userID on endpoint main, as a token exchange
// would.
func addGrant(t *testing.T, f *fixture, userID string) store.Grant {
	t.Helper()
	ctx := t.Context()
	now := f.clock.Now()
	ep, err := f.st.GetEndpointByName(ctx, "main")
	if err != nil {
		t.Fatal(err)
	}
	cl := store.OAuthClient{ID: identity.NewID("cl"), Name: "Claude", RedirectURIs: []string{"http://127.0.0.1/cb"},
		AuthMethod: store.ClientAuthNone, Source: store.ClientSourceDCR, CreatedAt: now, LastUsedAt: now}
	if err := f.st.CreateOAuthClient(ctx, cl); err != nil {
		t.Fatal(err)
	}
	_, hash := identity.NewSecret(identity.AuthCodePrefix)
	code := store.AuthCode{Hash: hash, ClientID: cl.ID, UserID: userID, EndpointID: ep.ID, CreatedAt: now, ExpiresAt: now.Add(time.Minute)}
	if err := f.st.CreateAuthCode(ctx, code); err != nil {
		t.Fatal(err)
	}
	g := store.Grant{ID: identity.NewID("grt"), UserID: userID, ClientID: cl.ID, EndpointID: ep.ID, CreatedAt: now, ExpiresAt: now.Add(30 * 24 * time.Hour)}
	if _, err := f.st.RedeemAuthCode(ctx, hash, now, func(store.AuthCode) (store.Grant, []store.OAuthToken, error) {
		return g, nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	return g
}

func TestGrants(t *testing.T) {
	f := newFixture(t)
	member, memberToken := f.newUser(t, "member@example.com", store.RoleMember, false)
	mine, theirs := addGrant(t, f, f.admin.ID), addGrant(t, f, member.ID)

	var own, all api.List[api.Grant]
	f.call(t, http.MethodGet, "/api/v1/grants", nil, http.StatusOK, &own)
	if len(own.Items) != 1 || own.Items[0].ID != mine.ID || own.Items[0].Endpoint != "main" ||
		own.Items[0].ClientName != "Claude" || own.Items[0].Status != "active" {
		t.Errorf("own grants = %+v", own.Items)
	}
	f.call(t, http.MethodGet, "/api/v1/grants?all=1", nil, http.StatusOK, &all)
	if len(all.Items) != 2 {
		t.Errorf("all grants = %+v", all.Items)
	}
	if r := f.do(t, memberToken, http.MethodGet, "/api/v1/grants?all=1", nil); r.status != http.StatusForbidden {
		t.Errorf("a member listed every grant: %s", r)
	}
	if r := f.do(t, memberToken, http.MethodDelete, "/api/v1/grants/"+mine.ID, nil); r.status != http.StatusNotFound {
		t.Errorf("a member revoked another user's grant: %s", r)
	}
	if r := f.do(t, memberToken, http.MethodDelete, "/api/v1/grants/"+theirs.ID, nil); r.status != http.StatusNoContent {
		t.Errorf("a member could not revoke their own grant: %s", r)
	}
	f.call(t, http.MethodDelete, "/api/v1/grants/"+theirs.ID, nil, http.StatusNoContent, nil) // again: idempotent
	g, _ := f.st.GetGrant(t.Context(), theirs.ID)
	if g.RevokedAt.IsZero() || g.RevokeReason != "user" {
		t.Errorf("grant after revocation: %+v", g)
	}
	revoked := 0
	for _, ev := range f.auditEvents(t) {
		if ev.Code == audit.CodeGrantRevoked {
			revoked++
			var view api.Grant
			if err := json.Unmarshal(ev.Request, &view); err != nil || view.ID != theirs.ID {
				t.Errorf("grant revoked event: %s", ev.Request)
			}
		}
	}
	if revoked != 1 {
		t.Errorf("%d grant revocation events, want 1", revoked)
	}
}
