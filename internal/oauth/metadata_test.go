package oauth

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
)

// TestMetadataForSDKClient fetches the documents the way the go-sdk
// client does, with its validation: issuer match, PKCE, URL checks and
// the resource of RFC 9728.
func TestMetadataForSDKClient(t *testing.T) {
	e := newEnv(t)
	asm, err := auth.GetAuthServerMetadata(t.Context(), e.http.URL, e.http.Client())
	if err != nil || asm == nil {
		t.Fatalf("GetAuthServerMetadata = %v, %v", asm, err)
	}
	if asm.TokenEndpoint != e.http.URL+"/oauth/token" || asm.RegistrationEndpoint != e.http.URL+"/oauth/register" ||
		asm.RevocationEndpoint != e.http.URL+"/oauth/revoke" || strings.Join(asm.CodeChallengeMethodsSupported, ",") != "S256" ||
		!asm.AuthorizationResponseIssParameterSupported {
		t.Errorf("metadata = %+v", asm)
	}
	prm, err := oauthex.GetProtectedResourceMetadata(t.Context(), e.http.URL+"/.well-known/oauth-protected-resource/mcp/dev",
		e.http.URL+"/mcp/dev", e.http.Client())
	if err != nil || len(prm.AuthorizationServers) != 1 || prm.AuthorizationServers[0] != e.http.URL {
		t.Fatalf("protected resource metadata = %+v, %v", prm, err)
	}
	status, _, _ := e.do(t, http.MethodGet, "/.well-known/oauth-protected-resource/mcp/nope", "", "", nil)
	if status != http.StatusNotFound {
		t.Errorf("metadata of an unknown endpoint = %d, want 404", status)
	}
}

func TestMetadataDocument(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"} {
		status, h, body := e.do(t, http.MethodGet, path, "", "", nil)
		var m map[string]any
		if err := json.Unmarshal([]byte(body), &m); err != nil || status != http.StatusOK {
			t.Fatalf("GET %s = %d %s", path, status, body)
		}
		if _, ok := m["jwks_uri"]; ok {
			t.Errorf("%s has a jwks_uri, which strict clients reject when empty", path)
		}
		if h.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%s lacks CORS for browser-based clients", path)
		}
	}
	status, h, _ := e.do(t, http.MethodOptions, "/oauth/token", "", "", http.Header{"Origin": {"https://inspector.example"}})
	if status != http.StatusNoContent || !strings.Contains(h.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("preflight = %d %v", status, h)
	}
}
