package oauth

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// AuthRequest is a validated authorization request: RFC 6749 §4.1.1 with
// PKCE (RFC 7636, S256 only) and one resource indicator (RFC 8707).
type AuthRequest struct {
	Client      store.OAuthClient
	RedirectURI string // as requested; it matched a registered one
	State       string
	Challenge   string // the S256 code challenge
	Scope       string
	Endpoint    store.Endpoint
	Resource    string // <Issuer>/mcp/{Endpoint.Name}
	// Params are the request's parameters, carried unchanged through
	// sign-in and the consent form and validated again there.
	Params url.Values
}

// AuthorizeError is a refused authorization request. With RedirectURI
// set, the error goes back to the client; without, the client or its
// redirect URI could not be trusted and the browser gets an error page
// instead (RFC 6749 §4.1.2.1).
type AuthorizeError struct {
	*Error
	ClientID    string
	RedirectURI string
	State       string
}

// challengeRE is a base64url SHA-256: 43 characters, no padding.
var challengeRE = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

// ParseAuthorize validates the parameters of an authorization request.
// It is called by /oauth/authorize and again by each consent step.
func (s *Server) ParseAuthorize(ctx context.Context, q url.Values) (*AuthRequest, *AuthorizeError) {
	c, redirect, aerr := s.clientAndRedirect(ctx, q)
	if aerr != nil {
		return nil, aerr
	}
	req := &AuthRequest{Client: c, RedirectURI: redirect, State: q.Get("state"), Scope: q.Get("scope"),
		Challenge: q.Get("code_challenge"), Params: q}
	fail := func(code, desc string) *AuthorizeError {
		return &AuthorizeError{Error: oauthErr(code, desc, desc), ClientID: c.ID, RedirectURI: redirect, State: req.State}
	}
	for k, vs := range q {
		if len(vs) > 1 && k != "resource" {
			return nil, fail(errInvalidRequest, "parameter "+k+" is repeated")
		}
	}
	switch {
	case q.Get("response_type") != "code":
		return nil, fail(errUnsupportedResponseType, `response_type must be "code"`)
	case !slices.Contains(c.GrantTypes, grantAuthCode):
		return nil, fail(errUnauthorizedClient, "this client did not register the authorization_code grant")
	case req.Challenge == "":
		return nil, fail(errInvalidRequest, "code_challenge is required (PKCE with S256)")
	case q.Get("code_challenge_method") != "S256":
		return nil, fail(errInvalidRequest, "code_challenge_method must be S256; plain is not accepted")
	case !challengeRE.MatchString(req.Challenge):
		return nil, fail(errInvalidRequest, "code_challenge must be 43 base64url characters")
	case len(req.State) > 2000 || !printable(req.Scope, 1000):
		return nil, fail(errInvalidRequest, "state or scope is too long")
	}
	ep, err := s.resourceEndpoint(ctx, q["resource"])
	if err != nil {
		e := asError(err)
		return nil, &AuthorizeError{Error: e, ClientID: c.ID, RedirectURI: redirect, State: req.State}
	}
	req.Endpoint, req.Resource = ep, s.ResourceURL(ep.Name)
	return req, nil
}

// clientAndRedirect finds the client and the redirect URI to answer on.
// Its errors never redirect.
func (s *Server) clientAndRedirect(ctx context.Context, q url.Values) (store.OAuthClient, string, *AuthorizeError) {
	fail := func(clientID, desc string) *AuthorizeError {
		return &AuthorizeError{Error: oauthErr(errInvalidRequest, desc, desc), ClientID: clientID}
	}
	id := q.Get("client_id")
	cimd := isCIMDClientID(id)
	if id == "" || len(q["client_id"]) > 1 || (len(id) > 200 && !cimd) {
		return store.OAuthClient{}, "", fail("", "client_id is missing or repeated")
	}
	var c store.OAuthClient
	var err error
	if cimd {
		c, err = s.cimdClient(ctx, id)
	} else {
		c, err = s.cfg.Store.GetOAuthClient(ctx, id)
	}
	if errors.Is(err, store.ErrNotFound) {
		return c, "", fail(id, "the application is not registered with this server (unknown client_id)")
	} else if err != nil {
		return c, "", &AuthorizeError{Error: asError(err), ClientID: id}
	}
	requested := q.Get("redirect_uri")
	if len(q["redirect_uri"]) > 1 {
		return c, "", fail(id, "redirect_uri is repeated")
	}
	if requested == "" {
		if len(c.RedirectURIs) != 1 {
			return c, "", fail(id, "redirect_uri is required: the application registered several")
		}
		return c, c.RedirectURIs[0], nil
	}
	if _, ok := matchRedirectURI(c.RedirectURIs, requested); !ok {
		return c, "", fail(id, "redirect_uri is not registered for this application")
	}
	return c, requested, nil
}

// resourceEndpoint resolves the resource parameters to one endpoint.
func (s *Server) resourceEndpoint(ctx context.Context, resources []string) (store.Endpoint, error) {
	desc := "resource must name exactly one endpoint: " + s.cfg.Issuer + "/mcp/{endpoint}"
	if len(resources) != 1 {
		return store.Endpoint{}, oauthErr(errInvalidTarget, desc, "resource count")
	}
	name, ok := strings.CutPrefix(resources[0], s.cfg.Issuer+"/mcp/")
	if !ok || name == "" || strings.ContainsAny(name, "/?#") {
		return store.Endpoint{}, oauthErr(errInvalidTarget, desc, "resource "+resources[0])
	}
	ep, err := s.cfg.Store.GetEndpointByName(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return ep, oauthErr(errInvalidTarget, desc, "no endpoint "+name)
	}
	return ep, err
}

// authorize serves GET /oauth/authorize: it validates the request and
// sends the browser to the consent page with the same parameters. The
// consent page signs the user in first when needed.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	req, aerr := s.ParseAuthorize(r.Context(), r.URL.Query())
	if aerr != nil {
		s.RejectAuthorize(w, r, aerr)
		return
	}
	if err := s.cfg.Store.TouchOAuthClient(r.Context(), req.Client.ID, s.cfg.Now().UTC()); err != nil {
		s.cfg.Logger.WarnContext(r.Context(), "touch oauth client", "err", err)
	}
	http.Redirect(w, r, s.cfg.ConsentPath+"?"+r.URL.RawQuery, http.StatusFound)
}

// RejectAuthorize records a refused authorization request and answers
// it: back to the client's validated redirect URI, or with a plain error
// page when there is none to trust.
func (s *Server) RejectAuthorize(w http.ResponseWriter, r *http.Request, aerr *AuthorizeError) {
	if aerr.Code == errServerError {
		s.cfg.Logger.ErrorContext(r.Context(), "authorization request failed", "err", aerr.Reason)
	}
	_ = s.record(r.Context(), r, event{code: audit.CodeAuthorizeFailed, clientID: aerr.ClientID,
		err: aerr.Code + ": " + aerr.Reason})
	if aerr.RedirectURI == "" {
		h := w.Header()
		h.Set("Content-Type", "text/plain; charset=utf-8")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte("This sign-in request cannot be completed: " + aerr.Description +
			".\nGo back to the application and connect again; if it keeps failing, tell its developer.\n"))
		return
	}
	http.Redirect(w, r, s.redirectURL(aerr.RedirectURI, aerr.State, url.Values{
		"error": {aerr.Code}, "error_description": {aerr.Description}}), http.StatusFound)
}

// redirectURL adds state (when the client sent one) and iss (RFC 9207) to
// the parameters of an authorization response.
func (s *Server) redirectURL(redirectURI, state string, params url.Values) string {
	if state != "" {
		params.Set("state", state)
	}
	params.Set("iss", s.cfg.Issuer)
	return redirectWith(redirectURI, params)
}
