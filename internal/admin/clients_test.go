package admin

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

func clientCases() []badCase {
	const c = "POST /api/v1/clients"
	cases := jsonCases(c)
	for _, tc := range []badCase{
		{name: "name missing", body: `{"redirect_uris":["https://app.example/cb"]}`, field: "name"},
		{name: "name too long", body: `{"name":"` + strings.Repeat("n", 201) + `","redirect_uris":["https://app.example/cb"]}`, field: "name"},
		{name: "no redirect URIs", body: `{"name":"app"}`, field: "redirect_uris"},
		{name: "relative redirect URI", body: `{"name":"app","redirect_uris":["/cb"]}`, field: "redirect_uris"},
		{name: "confidential wrong type", body: `{"name":"app","redirect_uris":["https://app.example/cb"],"confidential":"yes"}`, field: "confidential", msg: "boolean"},
	} {
		tc.route = c
		cases = append(cases, defaults(tc))
	}
	return append(cases, badCase{name: "unknown client", route: "DELETE /api/v1/clients/{id}", path: "/api/v1/clients/cl_nope",
		status: 404, code: api.CodeNotFound, msg: "cl_nope"})
}

func TestClients(t *testing.T) {
	f := newFixture(t)
	var conf api.CreateClientResponse
	f.call(t, http.MethodPost, "/api/v1/clients", api.CreateClientRequest{Name: "CI bot",
		RedirectURIs: []string{"https://ci.example/cb"}, Confidential: true}, http.StatusCreated, &conf)
	if !strings.HasPrefix(conf.Secret, identity.ClientSecretPrefix) || !conf.Client.Confidential ||
		conf.Client.Source != store.ClientSourceAdmin || conf.Client.AuthMethod != store.ClientAuthBasic {
		t.Fatalf("created %+v", conf)
	}
	stored, err := f.st.GetOAuthClient(t.Context(), conf.Client.ID)
	if err != nil || string(stored.SecretHash) != string(identity.HashToken(conf.Secret)) {
		t.Errorf("stored secret is not the SHA-256 of the shown one: %v", err)
	}
	var pub api.CreateClientResponse
	f.call(t, http.MethodPost, "/api/v1/clients", api.CreateClientRequest{Name: "desktop",
		RedirectURIs: []string{"http://127.0.0.1/cb"}}, http.StatusCreated, &pub)
	if pub.Secret != "" || pub.Client.Confidential {
		t.Errorf("public client %+v", pub)
	}

	r := f.call(t, http.MethodGet, "/api/v1/clients", nil, http.StatusOK, nil)
	var list api.List[api.Client]
	if err := json.Unmarshal(r.body, &list); err != nil || len(list.Items) != 2 {
		t.Fatalf("list = %s", r.body)
	}
	if strings.Contains(string(r.body), conf.Secret) || strings.Contains(string(r.body), `"secret"`) {
		t.Errorf("the list shows a secret: %s", r.body)
	}

	_, memberToken := f.newUser(t, "member@example.com", store.RoleMember, false)
	if r := f.do(t, memberToken, http.MethodGet, "/api/v1/clients", nil); r.status != http.StatusForbidden {
		t.Errorf("member lists clients: %s", r)
	}
	if r := f.do(t, memberToken, http.MethodDelete, "/api/v1/clients/"+pub.Client.ID, nil); r.status != http.StatusForbidden {
		t.Errorf("member deletes a client: %s", r)
	}

	f.call(t, http.MethodDelete, "/api/v1/clients/"+conf.Client.ID, nil, http.StatusNoContent, nil)
	f.do(t, f.token, http.MethodDelete, "/api/v1/clients/"+conf.Client.ID, nil)
	evs := f.auditEvents(t)
	var created, deleted bool
	for _, ev := range evs {
		created = created || ev.Code == audit.CodeClientRegistered && strings.Contains(string(ev.Response), "CI bot")
		deleted = deleted || ev.Code == audit.CodeClientDeleted && strings.Contains(string(ev.Request), conf.Client.ID)
		if strings.Contains(string(ev.Request)+string(ev.Response), conf.Secret) {
			t.Errorf("audit event %s holds the secret", ev.Code)
		}
	}
	if !created || !deleted {
		t.Errorf("audit: created %v deleted %v", created, deleted)
	}
}
