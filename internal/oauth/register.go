package oauth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// Grant types a client may register.
const (
	grantAuthCode = "authorization_code"
	grantRefresh  = "refresh_token"
)

// Limits of registration metadata.
const (
	maxRegistrationBody = 64 << 10
	maxRedirectURIs     = 10
	maxNameLen          = 200
	maxContacts         = 10
)

// clientMetadata is what a client may register (RFC 7591 §2). Unknown
// fields are ignored, as §2 asks; known ones are validated.
type clientMetadata struct {
	RedirectURIs            []string `json:"redirect_uris"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method"`
	GrantTypes              []string `json:"grant_types"`
	ResponseTypes           []string `json:"response_types"`
	ClientName              string   `json:"client_name,omitempty"`
	ClientURI               string   `json:"client_uri,omitempty"`
	LogoURI                 string   `json:"logo_uri,omitempty"`
	TOSURI                  string   `json:"tos_uri,omitempty"`
	PolicyURI               string   `json:"policy_uri,omitempty"`
	Scope                   string   `json:"scope,omitempty"`
	Contacts                []string `json:"contacts,omitempty"`
	SoftwareID              string   `json:"software_id,omitempty"`
	SoftwareVersion         string   `json:"software_version,omitempty"`
	ApplicationType         string   `json:"application_type,omitempty"`
}

// parseClientMetadata decodes and validates a registration request. The
// error says which field is wrong, in RFC 7591 terms: the client sent it,
// so naming the problem leaks nothing.
func parseClientMetadata(body []byte) (clientMetadata, *Error) {
	var m clientMetadata
	if !bytes.HasPrefix(bytes.TrimLeft(body, " \t\r\n"), []byte("{")) {
		return m, metadataErr("the body must be a JSON object")
	}
	if err := json.Unmarshal(body, &m); err != nil {
		if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok && te.Field != "" {
			return m, metadataErr(te.Field + ": has the wrong JSON type")
		}
		return m, metadataErr("the body is not valid JSON")
	}
	if err := checkRedirectURIs(m.RedirectURIs); err != nil {
		return m, err
	}
	m.defaults()
	if err := m.check(); err != nil {
		return m, err
	}
	return m, nil
}

func metadataErr(desc string) *Error { return oauthErr(errInvalidClientMetadata, desc, desc) }

func checkRedirectURIs(uris []string) *Error {
	if len(uris) == 0 || len(uris) > maxRedirectURIs {
		desc := fmt.Sprintf("redirect_uris: give 1 to %d redirect URIs", maxRedirectURIs)
		return oauthErr(errInvalidRedirectURI, desc, desc)
	}
	for i, u := range uris {
		if err := checkRedirectURI(u); err != nil {
			desc := fmt.Sprintf("redirect_uris[%d]: %v", i, err)
			return oauthErr(errInvalidRedirectURI, desc, desc)
		}
		if slices.Index(uris, u) != i {
			desc := fmt.Sprintf("redirect_uris[%d]: listed twice", i)
			return oauthErr(errInvalidRedirectURI, desc, desc)
		}
	}
	return nil
}

// defaults fills RFC 7591's defaults: client_secret_basic, the
// authorization_code grant and the code response type.
func (m *clientMetadata) defaults() {
	if m.TokenEndpointAuthMethod == "" {
		m.TokenEndpointAuthMethod = store.ClientAuthBasic
	}
	if len(m.GrantTypes) == 0 {
		m.GrantTypes = []string{grantAuthCode}
	}
	if len(m.ResponseTypes) == 0 {
		m.ResponseTypes = []string{"code"}
	}
	m.ClientName = strings.TrimSpace(m.ClientName)
}

func (m *clientMetadata) check() *Error {
	switch {
	case !slices.Contains(clientAuthMethods, m.TokenEndpointAuthMethod):
		return metadataErr("token_endpoint_auth_method: must be none, client_secret_basic or client_secret_post")
	case !slices.Contains(m.GrantTypes, grantAuthCode) || !subset(m.GrantTypes, grantAuthCode, grantRefresh):
		return metadataErr("grant_types: must include authorization_code and may add refresh_token, nothing else")
	case !subset(m.ResponseTypes, "code"):
		return metadataErr(`response_types: only "code" is supported`)
	case !printable(m.ClientName, maxNameLen):
		return metadataErr(fmt.Sprintf("client_name: at most %d printable characters", maxNameLen))
	case !printable(m.SoftwareID, maxNameLen) || !printable(m.SoftwareVersion, maxNameLen):
		return metadataErr(fmt.Sprintf("software_id, software_version: at most %d printable characters", maxNameLen))
	case !printable(m.Scope, 1000):
		return metadataErr("scope: at most 1000 printable characters")
	case m.ApplicationType != "" && m.ApplicationType != "web" && m.ApplicationType != "native":
		return metadataErr(`application_type: must be "web" or "native"`)
	case len(m.Contacts) > maxContacts || !all(m.Contacts, func(c string) bool { return c != "" && printable(c, 320) }):
		return metadataErr(fmt.Sprintf("contacts: at most %d addresses", maxContacts))
	}
	for name, u := range map[string]string{"client_uri": m.ClientURI, "logo_uri": m.LogoURI, "tos_uri": m.TOSURI, "policy_uri": m.PolicyURI} {
		if u != "" && !webURL(u) {
			return metadataErr(name + ": must be an https URL")
		}
	}
	return nil
}

func subset(vs []string, allowed ...string) bool {
	return all(vs, func(v string) bool { return slices.Contains(allowed, v) })
}

func all(vs []string, ok func(string) bool) bool {
	for _, v := range vs {
		if !ok(v) {
			return false
		}
	}
	return true
}

// printable accepts at most n characters, none of them control characters.
func printable(s string, n int) bool {
	count := 0
	for _, r := range s {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return false
		}
		count++
	}
	return count <= n
}

// webURL accepts an https URL, or plain http on loopback.
func webURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || len(s) > maxURILen || u.Host == "" || u.User != nil {
		return false
	}
	return u.Scheme == "https" || u.Scheme == "http" && isLoopbackHost(u.Hostname())
}

// registrationResponse is RFC 7591 §3.2.1: the metadata as accepted, the
// client ID and, for a confidential client, its secret, shown only here.
type registrationResponse struct {
	clientMetadata
	ClientID              string `json:"client_id"`
	ClientSecret          string `json:"client_secret,omitempty"`
	ClientIDIssuedAt      int64  `json:"client_id_issued_at"`
	ClientSecretExpiresAt *int64 `json:"client_secret_expires_at,omitempty"`
}

// register serves POST /oauth/register.
func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	key := "register:" + clientIP(r)
	if wait, err := s.cfg.Registrations.Allow(ctx, key); err != nil || wait > 0 {
		w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
		writeJSON(w, http.StatusTooManyRequests, errorBody{Error: errInvalidRequest,
			Description: "too many registrations from this address; try again later"})
		return
	}
	_ = s.cfg.Registrations.Fail(ctx, key) // every registration takes a token
	m, oerr := readRegistration(w, r)
	if oerr != nil {
		s.record(ctx, r, event{code: audit.CodeClientRegistered, err: oerr.Reason})
		writeError(w, oerr, false)
		return
	}
	resp, err := s.createClient(r, m)
	if err != nil {
		s.cfg.Logger.ErrorContext(ctx, "register client", "err", err)
		writeError(w, asError(err), false)
		return
	}
	writeJSON(w, http.StatusCreated, resp)
}

func readRegistration(w http.ResponseWriter, r *http.Request) (clientMetadata, *Error) {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return clientMetadata{}, oauthErr(errInvalidRequest, "send Content-Type: application/json", "content type "+ct)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRegistrationBody))
	if err != nil {
		return clientMetadata{}, oauthErr(errInvalidRequest, "the body is unreadable or larger than 64 KiB", err.Error())
	}
	return parseClientMetadata(body)
}

// createClient stores the client, records the event and builds the answer.
func (s *Server) createClient(r *http.Request, m clientMetadata) (registrationResponse, error) {
	now := s.cfg.Now().UTC()
	meta, _ := json.Marshal(m)
	c := store.OAuthClient{
		ID: identity.NewID("cl"), Name: m.ClientName, RedirectURIs: m.RedirectURIs,
		AuthMethod: m.TokenEndpointAuthMethod, GrantTypes: m.GrantTypes, Metadata: meta,
		Source: store.ClientSourceDCR, CreatedAt: now, LastUsedAt: now,
	}
	resp := registrationResponse{clientMetadata: m, ClientID: c.ID, ClientIDIssuedAt: now.Unix()}
	if c.AuthMethod != store.ClientAuthNone {
		var never int64
		resp.ClientSecret, c.SecretHash = identity.NewSecret(identity.ClientSecretPrefix)
		resp.ClientSecretExpiresAt = &never
	}
	if err := s.cfg.Store.CreateOAuthClient(r.Context(), c); err != nil {
		return resp, err
	}
	err := s.record(r.Context(), r, event{code: audit.CodeClientRegistered, clientID: c.ID,
		detail: map[string]any{"client_name": c.Name, "redirect_uris": c.RedirectURIs, "auth_method": c.AuthMethod}})
	return resp, err
}
