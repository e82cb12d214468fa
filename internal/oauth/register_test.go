package oauth

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

func TestParseClientMetadata(t *testing.T) {
	for name, tc := range map[string]struct {
		body, code, field string
	}{
		"public client":        {body: `{"redirect_uris":["http://127.0.0.1/cb"],"token_endpoint_auth_method":"none"}`},
		"defaults":             {body: `{"redirect_uris":["https://app.example/cb"],"unknown_field":{"x":1}}`},
		"native app":           {body: `{"redirect_uris":["cursor://a/b"],"application_type":"native","client_name":"Cursor"}`},
		"no redirect":          {body: `{}`, code: errInvalidRedirectURI, field: "redirect_uris"},
		"empty redirects":      {body: `{"redirect_uris":[]}`, code: errInvalidRedirectURI},
		"http redirect":        {body: `{"redirect_uris":["http://app.example/cb"]}`, code: errInvalidRedirectURI, field: "redirect_uris[0]"},
		"javascript redirect":  {body: `{"redirect_uris":["javascript:alert(1)"]}`, code: errInvalidRedirectURI},
		"duplicate redirect":   {body: `{"redirect_uris":["myapp://x","myapp://x"]}`, code: errInvalidRedirectURI, field: "twice"},
		"redirects wrong type": {body: `{"redirect_uris":"https://a/cb"}`, code: errInvalidClientMetadata, field: "redirect_uris"},
		"not an object":        {body: `["x"]`, code: errInvalidClientMetadata},
		"not JSON":             {body: `{"redirect_uris":`, code: errInvalidClientMetadata},
		"private_key_jwt":      {body: `{"redirect_uris":["myapp://x"],"token_endpoint_auth_method":"private_key_jwt"}`, code: errInvalidClientMetadata, field: "token_endpoint_auth_method"},
		"implicit grant":       {body: `{"redirect_uris":["myapp://x"],"grant_types":["implicit"]}`, code: errInvalidClientMetadata, field: "grant_types"},
		"refresh only":         {body: `{"redirect_uris":["myapp://x"],"grant_types":["refresh_token"]}`, code: errInvalidClientMetadata},
		"token response":       {body: `{"redirect_uris":["myapp://x"],"response_types":["token"]}`, code: errInvalidClientMetadata},
		"name with control":    {body: `{"redirect_uris":["myapp://x"],"client_name":"a\u0007b"}`, code: errInvalidClientMetadata, field: "client_name"},
		"long name":            {body: `{"redirect_uris":["myapp://x"],"client_name":"` + strings.Repeat("n", 201) + `"}`, code: errInvalidClientMetadata},
		"logo over http":       {body: `{"redirect_uris":["myapp://x"],"logo_uri":"http://app.example/logo.png"}`, code: errInvalidClientMetadata, field: "logo_uri"},
		"bad application type": {body: `{"redirect_uris":["myapp://x"],"application_type":"desktop"}`, code: errInvalidClientMetadata},
	} {
		m, err := parseClientMetadata([]byte(tc.body))
		switch {
		case tc.code == "" && err != nil:
			t.Errorf("%s: refused: %v", name, err)
		case tc.code != "" && (err == nil || err.Code != tc.code || !strings.Contains(err.Description, tc.field)):
			t.Errorf("%s: err = %v, want %s mentioning %q", name, err, tc.code, tc.field)
		case tc.code == "" && (m.TokenEndpointAuthMethod == "" || len(m.GrantTypes) == 0 || len(m.ResponseTypes) == 0):
			t.Errorf("%s: defaults not filled: %+v", name, m)
		}
	}
}

func FuzzParseClientMetadata(f *testing.F) {
	for _, s := range []string{
		`{"redirect_uris":["http://127.0.0.1/cb"],"token_endpoint_auth_method":"none","grant_types":["authorization_code","refresh_token"]}`,
		`{"redirect_uris":["https://app.example/cb"],"client_name":"App","logo_uri":"https://app.example/l.png","contacts":["a@b"]}`,
		`{"redirect_uris":["cursor://x/y"],"jwks":{"keys":[]},"scope":"mcp"}`,
		`{"redirect_uris":7}`, `null`, `{}`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		m, err := parseClientMetadata(body)
		if err != nil {
			if err.Code != errInvalidClientMetadata && err.Code != errInvalidRedirectURI {
				t.Fatalf("unexpected error code %q", err.Code)
			}
			return
		}
		if len(m.RedirectURIs) == 0 || len(m.RedirectURIs) > maxRedirectURIs {
			t.Fatalf("accepted %d redirect URIs", len(m.RedirectURIs))
		}
		for _, u := range m.RedirectURIs {
			if checkRedirectURI(u) != nil {
				t.Fatalf("accepted redirect URI %q", u)
			}
		}
		if !all(m.GrantTypes, func(g string) bool { return g == grantAuthCode || g == grantRefresh }) ||
			(m.TokenEndpointAuthMethod != store.ClientAuthNone && m.TokenEndpointAuthMethod != store.ClientAuthBasic &&
				m.TokenEndpointAuthMethod != store.ClientAuthPost) {
			t.Fatalf("accepted %+v", m)
		}
		if _, err := json.Marshal(m); err != nil {
			t.Fatalf("accepted metadata does not encode: %v", err)
		}
	})
}

func TestRegister(t *testing.T) {
	e := newEnv(t)
	status, pub := e.registerJSON(t, `{"redirect_uris":["http://127.0.0.1/cb"],"token_endpoint_auth_method":"none","client_name":"Pub"}`)
	if status != http.StatusCreated || pub["client_id"] == "" || pub["client_secret"] != nil || pub["client_name"] != "Pub" {
		t.Errorf("public registration = %d %v", status, pub)
	}
	status, conf := e.registerJSON(t, `{"redirect_uris":["https://app.example/cb"]}`)
	secret, _ := conf["client_secret"].(string)
	if status != http.StatusCreated || !strings.HasPrefix(secret, "sbk_") || conf["token_endpoint_auth_method"] != store.ClientAuthBasic ||
		conf["client_secret_expires_at"] != float64(0) {
		t.Errorf("confidential registration = %d %v", status, conf)
	}
	c, err := e.st.GetOAuthClient(t.Context(), conf["client_id"].(string))
	if err != nil || strings.Contains(string(c.SecretHash), secret) || len(c.SecretHash) != 32 {
		t.Errorf("stored client %+v, %v: want only a SHA-256 of the secret", c, err)
	}
	status, bad := e.registerJSON(t, `{"redirect_uris":["http://evil.example/cb"]}`)
	if status != http.StatusBadRequest || bad["error"] != errInvalidRedirectURI {
		t.Errorf("bad registration = %d %v", status, bad)
	}
	status, _, body := e.do(t, http.MethodPost, "/oauth/register", "text/plain", `{}`, nil)
	if status != http.StatusBadRequest || !strings.Contains(body, "invalid_request") {
		t.Errorf("wrong content type = %d %s", status, body)
	}
}

func TestRegisterIsThrottled(t *testing.T) {
	e := newEnv(t)
	for i := range DefaultRegisterRate.Burst {
		if status, _ := e.registerJSON(t, `{"redirect_uris":["myapp://cb"]}`); status != http.StatusCreated {
			t.Fatalf("registration %d = %d", i, status)
		}
	}
	status, _, _ := e.do(t, http.MethodPost, "/oauth/register", "application/json", `{"redirect_uris":["myapp://cb"]}`, nil)
	if status != http.StatusTooManyRequests {
		t.Errorf("registration past the burst = %d, want 429", status)
	}
}
