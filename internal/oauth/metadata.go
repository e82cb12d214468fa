package oauth

import (
	"errors"
	"net/http"

	"github.com/modelcontextprotocol/go-sdk/oauthex"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// serverMetadata is the RFC 8414 document. It is our own type, not
// oauthex.AuthServerMeta: that one always emits "jwks_uri", and an empty
// jwks_uri fails strict clients' URL validation. metadata_test.go checks
// that the document decodes into oauthex.AuthServerMeta, which is what the
// go-sdk client reads.
type serverMetadata struct {
	Issuer                            string   `json:"issuer"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	RegistrationEndpoint              string   `json:"registration_endpoint"`
	RevocationEndpoint                string   `json:"revocation_endpoint"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	ResponseModesSupported            []string `json:"response_modes_supported"`
	GrantTypesSupported               []string `json:"grant_types_supported"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	RevocationAuthMethodsSupported    []string `json:"revocation_endpoint_auth_methods_supported"`
	CodeChallengeMethodsSupported     []string `json:"code_challenge_methods_supported"`
	// RFC 9207: the authorization response carries iss, which protects
	// clients that talk to several servers against mix-up attacks.
	AuthorizationResponseIssParameterSupported bool `json:"authorization_response_iss_parameter_supported"`
	ClientIDMetadataDocumentSupported          bool `json:"client_id_metadata_document_supported"`
}

var clientAuthMethods = []string{store.ClientAuthNone, store.ClientAuthBasic, store.ClientAuthPost}

// Metadata returns the authorization server metadata.
func (s *Server) Metadata() any {
	iss := s.cfg.Issuer
	return serverMetadata{
		Issuer:                                     iss,
		AuthorizationEndpoint:                      iss + "/oauth/authorize",
		TokenEndpoint:                              iss + "/oauth/token",
		RegistrationEndpoint:                       iss + "/oauth/register",
		RevocationEndpoint:                         iss + "/oauth/revoke",
		ResponseTypesSupported:                     []string{"code"},
		ResponseModesSupported:                     []string{"query"},
		GrantTypesSupported:                        []string{grantAuthCode, grantRefresh},
		TokenEndpointAuthMethodsSupported:          clientAuthMethods,
		RevocationAuthMethodsSupported:             clientAuthMethods,
		CodeChallengeMethodsSupported:              []string{"S256"},
		AuthorizationResponseIssParameterSupported: true,
		// An https URL as client_id names its metadata document (cimd.go).
		ClientIDMetadataDocumentSupported: true,
	}
}

// metadata serves RFC 8414 at /.well-known/oauth-authorization-server,
// and the same document at the OpenID discovery path that some clients
// probe first.
func (s *Server) metadata(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.Metadata())
}

// resourceMetadata serves RFC 9728 for one endpoint: the resource is the
// endpoint's URL and Switchboard is its only authorization server.
func (s *Server) resourceMetadata(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("endpoint")
	if _, err := s.cfg.Store.GetEndpointByName(r.Context(), name); errors.Is(err, store.ErrNotFound) {
		writeJSON(w, http.StatusNotFound, errorBody{Error: "not_found", Description: "no such endpoint"})
		return
	} else if err != nil {
		s.cfg.Logger.ErrorContext(r.Context(), "resource metadata: look up endpoint", "err", err)
		writeError(w, asError(err), false)
		return
	}
	writeJSON(w, http.StatusOK, &oauthex.ProtectedResourceMetadata{
		Resource:               s.ResourceURL(name),
		AuthorizationServers:   []string{s.cfg.Issuer},
		BearerMethodsSupported: []string{"header"},
		ResourceName:           "Switchboard endpoint " + name,
	})
}
