package admin

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// badCase is one request that the API must refuse without writing anything.
type badCase struct {
	name        string
	route       string // the pattern of routes() the case exercises
	path        string // defaults to the route's path
	body        any
	contentType string // overrides application/json
	status      int
	code        string
	field       string
	msg         string // a substring of the message
}

// fixture is an env with servers alpha and beta (tools echo and greet) and
// endpoint main over alpha.
type fixture struct {
	*env
	up         *fakeUpstream
	otherToken string // the ID of another user's token
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{env: newEnv(t), up: newFakeUpstream(t, "", "", "echo", "greet")}
	f.addServer(t, "alpha", f.up.url)
	f.addServer(t, "beta", f.up.url)
	f.addEndpoint(t, "main", false, "alpha")
	if err := f.st.CreateServiceAccount(t.Context(), store.ServiceAccount{ID: "sa_ci", Name: "ci", CreatedAt: f.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	u, _ := f.newUser(t, "other@example.com", store.RoleAdmin, false)
	toks, err := f.st.ListAPITokens(t.Context(), u.ID)
	if err != nil || len(toks) != 1 {
		t.Fatalf("tokens of other user: %v %v", toks, err)
	}
	f.otherToken = toks[0].ID
	return f
}

// jsonCases are the decoding failures every JSON route shares.
func jsonCases(route string) []badCase {
	return []badCase{
		{name: "malformed JSON", route: route, body: `{"name" "x"}`, status: 400, code: api.CodeBadRequest, msg: "malformed JSON at byte"},
		{name: "truncated JSON", route: route, body: `{"name":`, status: 400, code: api.CodeBadRequest, msg: "malformed JSON"},
		{name: "empty body", route: route, body: "", status: 400, code: api.CodeBadRequest, msg: "body is empty"},
		{name: "not an object", route: route, body: `["x"]`, status: 400, code: api.CodeBadRequest, msg: "JSON object"},
		{name: "trailing data", route: route, body: `{} {}`, status: 400, code: api.CodeBadRequest, msg: "after the JSON object"},
		{name: "unknown field", route: route, body: `{"colour":"red"}`, status: 400, code: api.CodeInvalidField, field: "colour", msg: "unknown field"},
		{name: "wrong content type", route: route, body: `{}`, contentType: "text/plain", status: 415, code: api.CodeBadRequest, msg: "application/json"},
	}
}

func serverCases(t *testing.T, f *fixture) []badCase {
	const r = "POST /api/v1/servers"
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close() // nothing listens at its address any more
	locked := newFakeUpstream(t, "Authorization", "Bearer right", "echo")
	ok := func(over map[string]any) map[string]any {
		req := map[string]any{"name": "new", "url": f.up.url}
		for k, v := range over {
			if v == nil {
				delete(req, k)
			} else {
				req[k] = v
			}
		}
		return req
	}
	cases := jsonCases(r)
	for _, c := range []badCase{
		{name: "name wrong type", body: ok(map[string]any{"name": 7}), status: 400, field: "name", msg: "must be a string"},
		{name: "skip_sync wrong type", body: ok(map[string]any{"skip_sync": "yes"}), status: 400, field: "skip_sync", msg: "must be a boolean"},
		{name: "name missing", body: ok(map[string]any{"name": nil}), status: 400, field: "name", msg: "required"},
		{name: "name blank", body: ok(map[string]any{"name": "   "}), status: 400, field: "name", msg: "required"},
		{name: "name upper case", body: ok(map[string]any{"name": "Alpha"}), status: 400, field: "name"},
		{name: "name underscore", body: ok(map[string]any{"name": "a_b"}), status: 400, field: "name"},
		{name: "name leading dash", body: ok(map[string]any{"name": "-a"}), status: 400, field: "name"},
		{name: "name too long", body: ok(map[string]any{"name": strings.Repeat("a", 41)}), status: 400, field: "name"},
		{name: "url missing", body: ok(map[string]any{"url": nil}), status: 400, field: "url", msg: "required"},
		{name: "url ftp", body: ok(map[string]any{"url": "ftp://example.com/mcp"}), status: 400, field: "url", msg: "http"},
		{name: "url relative", body: ok(map[string]any{"url": "/mcp"}), status: 400, field: "url"},
		{name: "url without host", body: ok(map[string]any{"url": "http://"}), status: 400, field: "url"},
		{name: "url with user info", body: ok(map[string]any{"url": "http://u:p@example.com/"}), status: 400, field: "url"},
		{name: "unknown transport", body: ok(map[string]any{"transport": "stdio"}), status: 400, field: "transport"},
		{name: "unknown auth", body: ok(map[string]any{"auth": "digest", "secret": "x"}), status: 400, field: "auth"},
		{name: "header lines without a colon", body: ok(map[string]any{"auth": "header", "secret": "x"}), status: 400, field: "secret", msg: "Header-Name: value"},
		{name: "basic secret without a colon", body: ok(map[string]any{"auth": "basic", "secret": "x"}), status: 400, field: "secret", msg: "user:password"},
		{name: "header auth with bad header name", body: ok(map[string]any{"auth": "header", "auth_header": "X API", "secret": "x"}), status: 400, field: "auth_header"},
		{name: "header name with bearer auth", body: ok(map[string]any{"auth": "bearer", "auth_header": "X-Key", "secret": "x"}), status: 400, field: "auth_header"},
		{name: "unknown credential mode", body: ok(map[string]any{"credential_mode": "team"}), status: 400, field: "credential_mode"},
		{name: "secret with auth none", body: ok(map[string]any{"secret": "x"}), status: 400, field: "secret", msg: "auth=none"},
		{name: "shared bearer without secret", body: ok(map[string]any{"auth": "bearer"}), status: 400, field: "secret", msg: "required"},
		{name: "secret with line break", body: ok(map[string]any{"auth": "bearer", "secret": "a\r\nX-Evil: 1"}), status: 400, field: "secret"},
		{name: "secret too long", body: ok(map[string]any{"auth": "bearer", "secret": strings.Repeat("s", 8193)}), status: 400, field: "secret"},
		{name: "duplicate name", body: ok(map[string]any{"name": "alpha"}), status: 409, code: api.CodeConflict, field: "name", msg: "alpha"},
		{name: "unreachable upstream", body: ok(map[string]any{"url": gone.URL + "/mcp", "auth": "bearer", "secret": "sekrit"}),
			status: 502, code: api.CodeUpstream, field: "url", msg: "could not list the tools"},
		{name: "upstream rejects the secret", body: ok(map[string]any{"url": locked.url, "auth": "bearer", "secret": "wrong"}),
			status: 502, code: api.CodeUpstream, field: "url", msg: "could not list the tools"},
		{name: "oauth with a secret", body: ok(map[string]any{"auth": "oauth", "secret": "x"}), status: 400, field: "secret", msg: "auth=oauth"},
		{name: "oauth with a header name", body: ok(map[string]any{"auth": "oauth", "auth_header": "X-Key"}), status: 400, field: "auth_header"},
		{name: "oauth client secret without id", body: ok(map[string]any{"auth": "oauth", "oauth_client_secret": "s"}), status: 400, field: "oauth_client_id"},
		{name: "oauth client id with spaces", body: ok(map[string]any{"auth": "oauth", "oauth_client_id": "a b"}), status: 400, field: "oauth_client_id"},
		{name: "oauth scopes with a quote", body: ok(map[string]any{"auth": "oauth", "oauth_scopes": `read "write`}), status: 400, field: "oauth_scopes"},
		{name: "oauth plain http off loopback", body: ok(map[string]any{"auth": "oauth", "url": "http://mcp.example.com/mcp"}), status: 400, field: "url", msg: "https"},
		{name: "oauth fields without oauth", body: ok(map[string]any{"oauth_client_id": "abc"}), status: 400, field: "oauth_client_id", msg: "auth=oauth"},
		{name: "oauth without authorization server", body: ok(map[string]any{"auth": "oauth"}),
			status: 502, code: api.CodeUpstream, field: "url", msg: "no authorization server metadata at"},
	} {
		c.route = r
		if c.code == "" {
			c.code = api.CodeInvalidField
		}
		cases = append(cases, c)
	}
	return append(cases,
		badCase{name: "unknown server", route: "GET /api/v1/servers/{name}", path: "/api/v1/servers/nope", status: 404, code: api.CodeNotFound, msg: `"nope"`},
		badCase{name: "unknown server", route: "DELETE /api/v1/servers/{name}", path: "/api/v1/servers/nope", status: 404, code: api.CodeNotFound, msg: `"nope"`},
		badCase{name: "server in use", route: "DELETE /api/v1/servers/{name}", path: "/api/v1/servers/alpha", status: 409, code: api.CodeConflict, field: "name", msg: "endpoint"},
		badCase{name: "unknown server", route: "POST /api/v1/servers/{name}/sync", path: "/api/v1/servers/nope/sync", status: 404, code: api.CodeNotFound, msg: `"nope"`},
	)
}

func endpointCases() []badCase {
	const r = "POST /api/v1/endpoints"
	cases := jsonCases(r)
	for _, c := range []badCase{
		{name: "servers wrong type", body: `{"name":"e","servers":"alpha"}`, status: 400, field: "servers", msg: "array"},
		{name: "unprefixed wrong type", body: `{"name":"e","servers":["alpha"],"unprefixed":"yes"}`, status: 400, field: "unprefixed"},
		{name: "name missing", body: `{"servers":["alpha"]}`, status: 400, field: "name", msg: "required"},
		{name: "name bad characters", body: `{"name":"My Endpoint","servers":["alpha"]}`, status: 400, field: "name"},
		{name: "servers missing", body: `{"name":"e"}`, status: 400, field: "servers"},
		{name: "servers empty", body: `{"name":"e","servers":[]}`, status: 400, field: "servers"},
		{name: "unknown server", body: `{"name":"e","servers":["alpha","nope"]}`, status: 400, field: "servers", msg: `"nope"`},
		{name: "server twice", body: `{"name":"e","servers":["alpha","alpha"]}`, status: 400, field: "servers", msg: "twice"},
		{name: "duplicate name", body: `{"name":"main","servers":["beta"]}`, status: 409, code: api.CodeConflict, field: "name", msg: "main"},
	} {
		c.route = r
		if c.code == "" {
			c.code = api.CodeInvalidField
		}
		cases = append(cases, c)
	}
	const p = "PATCH /api/v1/endpoints/{name}/tools"
	for _, c := range jsonCases(p) {
		c.path = "/api/v1/endpoints/main/tools"
		cases = append(cases, c)
	}
	for _, c := range []badCase{
		{name: "enable wrong type", body: `{"enable":"alpha/echo"}`, status: 400, field: "enable", msg: "array"},
		{name: "nothing to change", body: `{}`, status: 400, field: "enable"},
		{name: "empty lists", body: `{"enable":[],"disable":[]}`, status: 400, field: "enable"},
		{name: "ref without server", body: `{"enable":["echo"]}`, status: 400, field: "enable", msg: "server/tool"},
		{name: "ref with empty server", body: `{"enable":["/echo"]}`, status: 400, field: "enable", msg: "server/tool"},
		{name: "ref with empty tool", body: `{"enable":["alpha/"]}`, status: 400, field: "enable", msg: "server/tool"},
		{name: "server not on endpoint", body: `{"enable":["beta/echo"]}`, status: 400, field: "enable", msg: `"beta"`},
		{name: "unknown tool", body: `{"enable":["alpha/echo","alpha/nope"]}`, status: 400, field: "enable", msg: `"nope"`},
		{name: "bad disable ref", body: `{"enable":["alpha/echo"],"disable":["greet"]}`, status: 400, field: "disable", msg: "server/tool"},
	} {
		c.route, c.path = p, "/api/v1/endpoints/main/tools"
		if c.code == "" {
			c.code = api.CodeInvalidField
		}
		cases = append(cases, c)
	}
	const u = "PATCH /api/v1/endpoints/{name}"
	for _, c := range jsonCases(u) {
		c.path = "/api/v1/endpoints/main"
		cases = append(cases, c)
	}
	for _, c := range []badCase{
		{name: "nothing to change", body: `{}`, status: 400, field: "redaction"},
		{name: "bad level", body: `{"redaction":{"audit":"some"}}`, status: 400, field: "redaction.audit", msg: "off, secrets or all"},
		{name: "bad request level", body: `{"redaction":{"requests":"ALL!"}}`, status: 400, field: "redaction.requests"},
		{name: "redaction wrong type", body: `{"redaction":"all"}`, status: 400, field: "redaction", msg: "object"},
	} {
		c.route, c.path = u, "/api/v1/endpoints/main"
		if c.code == "" {
			c.code = api.CodeInvalidField
		}
		cases = append(cases, c)
	}
	cases = append(cases, badCase{name: "bad redaction level", route: "POST /api/v1/endpoints",
		body: `{"name":"red","servers":["alpha"],"redaction":{"responses":"most"}}`, status: 400,
		code: api.CodeInvalidField, field: "redaction.responses"})
	const g = "POST /api/v1/endpoints/{name}/grants"
	for _, c := range jsonCases(g) {
		c.path = "/api/v1/endpoints/main/grants"
		cases = append(cases, c)
	}
	for _, c := range []badCase{
		{name: "neither user nor group", body: `{}`, status: 400, field: "user", msg: "required"},
		{name: "blank user", body: `{"user":"  "}`, status: 400, field: "user", msg: "required"},
		{name: "both user and group", body: `{"user":"admin@example.com","group":"devs"}`, status: 400, field: "group", msg: "not both"},
		{name: "user wrong type", body: `{"user":7}`, status: 400, field: "user", msg: "string"},
		{name: "unknown user", body: `{"user":"nobody@example.com"}`, status: 400, field: "user", msg: `"nobody@example.com"`},
		{name: "unknown group", body: `{"group":"nope"}`, status: 400, field: "group", msg: `"nope"`},
		{name: "unknown service account", body: `{"service_account":"nope"}`, status: 400, field: "service_account", msg: `"nope"`},
		{name: "user and service account", body: `{"user":"admin@example.com","service_account":"ci"}`, status: 400, field: "group", msg: "not both"},
	} {
		c.route, c.path = g, "/api/v1/endpoints/main/grants"
		if c.code == "" {
			c.code = api.CodeInvalidField
		}
		cases = append(cases, c)
	}
	return append(cases,
		badCase{name: "unknown endpoint", route: g, path: "/api/v1/endpoints/nope/grants", body: `{"user":"a@example.com"}`, status: 404, code: api.CodeNotFound, msg: `"nope"`},
		badCase{name: "unknown endpoint", route: "DELETE /api/v1/endpoints/{name}/grants/{id}", path: "/api/v1/endpoints/nope/grants/egr_1", status: 404, code: api.CodeNotFound, msg: `"nope"`},
		badCase{name: "unknown grant", route: "DELETE /api/v1/endpoints/{name}/grants/{id}", path: "/api/v1/endpoints/main/grants/egr_1", status: 404, code: api.CodeNotFound, msg: `"egr_1"`},
		badCase{name: "unknown endpoint", route: u, path: "/api/v1/endpoints/nope", body: `{"redaction":{"audit":"all"}}`, status: 404, code: api.CodeNotFound, msg: `"nope"`},
		badCase{name: "unknown endpoint", route: p, path: "/api/v1/endpoints/nope/tools", body: `{"enable":["alpha/echo"]}`, status: 404, code: api.CodeNotFound, msg: `"nope"`},
		badCase{name: "unknown endpoint", route: "GET /api/v1/endpoints/{name}", path: "/api/v1/endpoints/nope", status: 404, code: api.CodeNotFound, msg: `"nope"`},
		badCase{name: "unknown endpoint", route: "DELETE /api/v1/endpoints/{name}", path: "/api/v1/endpoints/nope", status: 404, code: api.CodeNotFound, msg: `"nope"`},
	)
}

func serviceAccountCases() []badCase {
	const r = "POST /api/v1/service-accounts"
	cases := jsonCases(r)
	for _, c := range []badCase{
		{name: "name missing", body: `{}`, status: 400, field: "name", msg: "required"},
		{name: "name wrong type", body: `{"name":1}`, status: 400, field: "name", msg: "string"},
		{name: "name upper case", body: `{"name":"CI"}`, status: 400, field: "name"},
		{name: "description too long", body: `{"name":"x","description":"` + strings.Repeat("d", 501) + `"}`, status: 400, field: "description"},
		{name: "duplicate name", body: `{"name":"ci"}`, status: 409, code: api.CodeConflict, field: "name", msg: `"ci"`},
	} {
		c.route = r
		if c.code == "" {
			c.code = api.CodeInvalidField
		}
		cases = append(cases, c)
	}
	const tr = "POST /api/v1/service-accounts/{name}/tokens"
	for _, c := range jsonCases(tr) {
		c.path = "/api/v1/service-accounts/ci/tokens"
		cases = append(cases, c)
	}
	for _, c := range []badCase{
		{name: "endpoint missing", body: `{"expires_in":"720h"}`, status: 400, field: "endpoint", msg: "required"},
		{name: "unknown endpoint", body: `{"endpoint":"nope","expires_in":"720h"}`, status: 400, field: "endpoint", msg: `"nope"`},
		{name: "expiry missing", body: `{"endpoint":"main"}`, status: 400, field: "expires_in", msg: "required"},
		{name: "expiry negative", body: `{"endpoint":"main","expires_in":"-1h"}`, status: 400, field: "expires_in"},
		{name: "expiry too long", body: `{"endpoint":"main","expires_in":"50000h"}`, status: 400, field: "expires_in"},
		{name: "name too long", body: `{"endpoint":"main","expires_in":"1h","name":"` + strings.Repeat("n", 101) + `"}`, status: 400, field: "name"},
	} {
		c.route, c.path = tr, "/api/v1/service-accounts/ci/tokens"
		if c.code == "" {
			c.code = api.CodeInvalidField
		}
		cases = append(cases, c)
	}
	return append(cases,
		badCase{name: "unknown service account", route: tr, path: "/api/v1/service-accounts/nope/tokens", body: `{"endpoint":"main","expires_in":"1h"}`, status: 404, code: api.CodeNotFound, msg: `"nope"`},
		badCase{name: "unknown service account", route: "DELETE /api/v1/service-accounts/{name}/tokens/{id}", path: "/api/v1/service-accounts/nope/tokens/tok_1", status: 404, code: api.CodeNotFound, msg: `"nope"`},
		badCase{name: "unknown token", route: "DELETE /api/v1/service-accounts/{name}/tokens/{id}", path: "/api/v1/service-accounts/ci/tokens/tok_1", status: 404, code: api.CodeNotFound, msg: `"tok_1"`},
		badCase{name: "unknown service account", route: "DELETE /api/v1/service-accounts/{name}", path: "/api/v1/service-accounts/nope", status: 404, code: api.CodeNotFound, msg: `"nope"`},
	)
}

func tokenCases(f *fixture) []badCase {
	const r = "POST /api/v1/tokens"
	cases := jsonCases(r)
	for _, c := range []badCase{
		{name: "name wrong type", body: `{"name":true}`, status: 400, field: "name", msg: "string"},
		{name: "name missing", body: `{}`, status: 400, field: "name"},
		{name: "name blank", body: `{"name":"  "}`, status: 400, field: "name"},
		{name: "name too long", body: `{"name":"` + strings.Repeat("n", 101) + `"}`, status: 400, field: "name"},
		{name: "expires_in not a duration", body: `{"name":"t","expires_in":"soon"}`, status: 400, field: "expires_in"},
		{name: "expires_in without unit", body: `{"name":"t","expires_in":"10"}`, status: 400, field: "expires_in"},
		{name: "expires_in negative", body: `{"name":"t","expires_in":"-1h"}`, status: 400, field: "expires_in"},
		{name: "expires_in zero", body: `{"name":"t","expires_in":"0s"}`, status: 400, field: "expires_in"},
		{name: "expires_in past five years", body: `{"name":"t","expires_in":"43801h"}`, status: 400, field: "expires_in"},
		{name: "expires_in wrong type", body: `{"name":"t","expires_in":3600}`, status: 400, field: "expires_in", msg: "string"},
		{name: "unknown endpoint", body: `{"name":"t","endpoint":"nope"}`, status: 400, field: "endpoint", msg: `"nope"`},
	} {
		c.route = r
		if c.code == "" {
			c.code = api.CodeInvalidField
		}
		cases = append(cases, c)
	}
	const d = "DELETE /api/v1/tokens/{id}"
	return append(cases,
		badCase{name: "unknown token", route: d, path: "/api/v1/tokens/tok_nope", status: 404, code: api.CodeNotFound, msg: "tok_nope"},
		badCase{name: "another user's token", route: d, path: "/api/v1/tokens/" + f.otherToken, status: 404, code: api.CodeNotFound},
	)
}

func auditCases() []badCase {
	const l = "GET /api/v1/audit"
	cases := []badCase{}
	for _, c := range []badCase{
		{name: "since not a time", path: "/api/v1/audit?since=yesterday", field: "since"},
		{name: "since date only", path: "/api/v1/audit?since=2026-01-02", field: "since"},
		{name: "until not a time", path: "/api/v1/audit?until=1700000000", field: "until"},
		{name: "limit zero", path: "/api/v1/audit?limit=0", field: "limit"},
		{name: "limit too big", path: "/api/v1/audit?limit=1001", field: "limit"},
		{name: "limit not a number", path: "/api/v1/audit?limit=ten", field: "limit"},
		{name: "cursor not a number", path: "/api/v1/audit?cursor=abc", field: "cursor"},
		{name: "cursor zero", path: "/api/v1/audit?cursor=0", field: "cursor"},
		{name: "cursor negative", path: "/api/v1/audit?cursor=-5", field: "cursor"},
	} {
		c.route, c.status, c.code = l, 400, api.CodeInvalidField
		cases = append(cases, c)
	}
	const g = "GET /api/v1/audit/{seq}"
	return append(cases,
		badCase{name: "seq not a number", route: g, path: "/api/v1/audit/abc", status: 400, code: api.CodeInvalidField, field: "seq"},
		badCase{name: "seq zero", route: g, path: "/api/v1/audit/0", status: 400, code: api.CodeInvalidField, field: "seq"},
		badCase{name: "unknown seq", route: g, path: "/api/v1/audit/999999", status: 404, code: api.CodeNotFound},
	)
}

// TestBadInput sends invalid requests to every route that takes input and
// checks the status, the error body and that the database is unchanged.
func TestBadInput(t *testing.T) {
	f := newFixture(t)
	var cases []badCase
	cases = append(cases, serverCases(t, f)...)
	cases = append(cases, endpointCases()...)
	cases = append(cases, tokenCases(f)...)
	cases = append(cases, serviceAccountCases()...)
	cases = append(cases, auditCases()...)
	cases = append(cases, checkpointCases()...) // audit_integrity_test.go
	cases = append(cases, exportCases()...)     // audit_export_test.go
	cases = append(cases, userCases()...)       // users_test.go
	cases = append(cases, grantCases()...)      // users_test.go
	cases = append(cases, clientCases()...)     // clients_test.go
	cases = append(cases, roleCases(t, f)...)   // roles_test.go
	cases = append(cases, groupCases(t, f)...)  // groups_test.go
	cases = append(cases, vaultCases()...)      // vault_test.go
	cases = append(cases, credentialCases(t, f)...)
	cases = append(cases, toolRuleCases(t, f)...) // tool_rules_test.go
	cases = append(cases,
		badCase{name: "unknown route", route: "", path: "/api/v1/nope", status: 404, code: api.CodeNotFound},
		badCase{name: "unknown method", route: "", path: "/api/v1/servers", body: `{}`, status: 404, code: api.CodeNotFound},
	)
	methods := map[string]string{"unknown route": http.MethodGet, "unknown method": http.MethodPut}

	covered := map[string]bool{}
	for _, tc := range cases {
		method, path, _ := strings.Cut(tc.route, " ")
		if m, ok := methods[tc.name]; ok && tc.route == "" {
			method = m
		}
		if tc.path != "" {
			path = tc.path
		}
		covered[tc.route] = true
		t.Run(strings.ReplaceAll(tc.route, "/api/v1", "")+"/"+tc.name, func(t *testing.T) {
			before, reloads := f.snapshot(t), f.reloads.Load()
			h := bearerHeader(f.token)
			if tc.contentType != "" {
				h.Set("Content-Type", tc.contentType)
			}
			r := f.doHeaders(t, method, path, tc.body, h)
			if r.status != tc.status {
				t.Fatalf("%s %s = %s, want status %d", method, path, r, tc.status)
			}
			got := apiErrorBody(t, r)
			if got.Code != tc.code || got.Field != tc.field {
				t.Errorf("error = %+v, want code %q field %q", got, tc.code, tc.field)
			}
			if !strings.Contains(got.Message, tc.msg) {
				t.Errorf("message %q does not contain %q", got.Message, tc.msg)
			}
			if strings.Contains(got.Message, "api.") || strings.Contains(got.Message, "admin.") {
				t.Errorf("message %q leaks Go type names", got.Message)
			}
			f.unchanged(t, before)
			if n := f.reloads.Load(); n != reloads {
				t.Errorf("OnChange ran %d times for a refused request", n-reloads)
			}
		})
	}

	// Every route that reads a body, a path value or a query has a case.
	for _, rt := range (&API{}).routes() {
		switch rt.pattern {
		case "GET /api/v1/openapi.json", "GET /api/v1/me", "GET /api/v1/users", "GET /api/v1/groups",
			"GET /api/v1/servers", "GET /api/v1/endpoints", "GET /api/v1/tokens",
			"GET /api/v1/audit/verify", "GET /api/v1/audit/public-key", "GET /api/v1/clients", "GET /api/v1/service-accounts",
			"GET /api/v1/roles",
			"GET /api/v1/vault", "GET /api/v1/me/connections":
			continue // no input beyond the token; see TestAuth
		}
		if !covered[rt.pattern] {
			t.Errorf("route %s has no bad-input case", rt.pattern)
		}
	}
}
