package oauth

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// tokenResponse is RFC 6749 §5.1.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope,omitempty"`
}

// errBadGrant is the one answer for a code or refresh token that cannot
// be used, whatever the reason (RFC 6749 §5.2).
func errBadGrant(reason string) *Error {
	return oauthErr(errInvalidGrant, "the authorization code or refresh token is invalid, expired, revoked or was issued to another client", reason)
}

// token serves POST /oauth/token.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	form, oerr := parseForm(w, r)
	if oerr != nil {
		s.tokenFailed(r, event{}, oerr)
		writeError(w, oerr, false)
		return
	}
	c, basic, oerr := s.authenticateClient(r, form)
	if oerr != nil {
		s.tokenFailed(r, event{clientID: form.Get("client_id")}, oerr)
		writeError(w, oerr, basic)
		return
	}
	var resp tokenResponse
	var err error
	switch gt := form.Get("grant_type"); gt {
	case grantAuthCode:
		resp, err = s.exchangeCode(r, c, form)
	case grantRefresh:
		resp, err = s.refresh(r, c, form)
	case "":
		err = oauthErr(errInvalidRequest, "grant_type is required", "no grant_type")
		s.tokenFailed(r, event{clientID: c.ID}, asError(err))
	default:
		err = oauthErr(errUnsupportedGrantType, "grant_type must be authorization_code or refresh_token", gt)
		s.tokenFailed(r, event{clientID: c.ID}, asError(err))
	}
	if err != nil {
		e := asError(err)
		if e.Code == errServerError {
			s.cfg.Logger.ErrorContext(r.Context(), "token request failed", "err", e.Reason)
		}
		writeError(w, e, false)
		return
	}
	if err := s.cfg.Store.TouchOAuthClient(r.Context(), c.ID, s.cfg.Now().UTC()); err != nil {
		s.cfg.Logger.WarnContext(r.Context(), "touch oauth client", "err", err)
	}
	writeJSON(w, http.StatusOK, resp)
}

// tokenFailed audits a refused token request.
func (s *Server) tokenFailed(r *http.Request, ev event, e *Error) {
	ev.code, ev.err = audit.CodeTokenFailed, e.Code+": "+e.Reason
	_ = s.record(r.Context(), r, ev)
}

// exchangeCode runs the authorization_code grant. The code is spent by
// the first attempt, right or wrong; a second presentation is a replay
// and revokes the grant issued from it (RFC 6749 §4.1.2, OAuth 2.1 §4.1.3).
func (s *Server) exchangeCode(r *http.Request, c store.OAuthClient, form url.Values) (tokenResponse, error) {
	ctx := r.Context()
	code, verifier := form.Get("code"), form.Get("code_verifier")
	if code == "" || verifier == "" {
		e := oauthErr(errInvalidRequest, "code and code_verifier are required", "missing code or verifier")
		s.tokenFailed(r, event{clientID: c.ID}, e)
		return tokenResponse{}, e
	}
	now := s.cfg.Now().UTC()
	var resp tokenResponse
	ac, err := s.cfg.Store.RedeemAuthCode(ctx, identity.HashToken(code), now,
		func(ac store.AuthCode) (store.Grant, []store.OAuthToken, error) {
			if e := s.checkCode(ac, c, form, now); e != nil {
				return store.Grant{}, nil, e
			}
			g := store.Grant{ID: identity.NewID("grt"), UserID: ac.UserID, ClientID: c.ID, EndpointID: ac.EndpointID,
				Resource: ac.Resource, Scope: ac.Scope, CreatedAt: now, ExpiresAt: now.Add(ac.GrantTTL)}
			var toks []store.OAuthToken
			toks, resp = s.mint(g, c, now)
			return g, toks, nil
		})
	ev := event{user: s.user(ctx, ac.UserID), clientID: c.ID, grantID: ac.GrantID, endpoint: s.endpointOf(ac.Resource)}
	switch {
	case errors.Is(err, store.ErrNotFound):
		e := errBadGrant("unknown authorization code")
		s.tokenFailed(r, event{clientID: c.ID}, e)
		return tokenResponse{}, e
	case errors.Is(err, store.ErrConflict):
		return tokenResponse{}, s.codeReplayed(r, ev, ac)
	case err != nil:
		if e, ok := errors.AsType[*Error](err); ok {
			s.tokenFailed(r, ev, e)
		}
		return tokenResponse{}, err
	}
	ev.code, ev.detail = audit.CodeTokenIssued, map[string]any{"grant": grantAuthCode}
	return resp, s.record(ctx, r, ev)
}

// checkCode validates a code against the request that presents it.
func (s *Server) checkCode(ac store.AuthCode, c store.OAuthClient, form url.Values, now time.Time) *Error {
	redirect := form.Get("redirect_uri")
	if redirect == "" && len(c.RedirectURIs) == 1 {
		redirect = c.RedirectURIs[0]
	}
	switch {
	case ac.ClientID != c.ID:
		return errBadGrant("code of another client")
	case !now.Before(ac.ExpiresAt):
		return errBadGrant("code expired")
	case redirect != ac.RedirectURI:
		return errBadGrant("redirect_uri differs from the authorization request")
	case !pkceMatches(form.Get("code_verifier"), ac.Challenge):
		return errBadGrant("PKCE verifier does not match the challenge")
	}
	return s.checkResource(form, ac.Resource)
}

// checkResource refuses a resource parameter that names anything but the
// grant's resource; none at all means the grant's.
func (s *Server) checkResource(form url.Values, resource string) *Error {
	rs := form["resource"]
	if len(rs) == 0 || len(rs) == 1 && rs[0] == resource {
		return nil
	}
	return oauthErr(errInvalidTarget, "resource must be the endpoint that the user approved", "resource "+strings.Join(rs, " "))
}

// codeReplayed answers a second presentation of a code: the grant issued
// from it is revoked, since either the client or an attacker holds a copy.
func (s *Server) codeReplayed(r *http.Request, ev event, ac store.AuthCode) error {
	ctx := r.Context()
	if ac.GrantID != "" {
		if err := s.cfg.Store.RevokeGrant(ctx, ac.GrantID, s.cfg.Now().UTC(), "code_replay"); err != nil {
			return err
		}
		s.cfg.Tokens.Forget()
	}
	ev.code, ev.err = audit.CodeCodeReplayed, "authorization code presented again; grant revoked"
	if err := s.record(ctx, r, ev); err != nil {
		return err
	}
	return errBadGrant("replayed code")
}

// mint makes the tokens of grant g: an access token for AccessTTL (never
// past the grant) and, when the client registered the refresh_token
// grant, a refresh token that lives as long as the grant.
func (s *Server) mint(g store.Grant, c store.OAuthClient, now time.Time) ([]store.OAuthToken, tokenResponse) {
	access, ah := identity.NewSecret(identity.AccessTokenPrefix)
	exp := now.Add(s.cfg.AccessTTL)
	if g.ExpiresAt.Before(exp) {
		exp = g.ExpiresAt
	}
	toks := []store.OAuthToken{{ID: identity.NewID("oat"), Hash: ah, Kind: store.TokenAccess, GrantID: g.ID,
		CreatedAt: now, ExpiresAt: exp}}
	resp := tokenResponse{AccessToken: access, TokenType: "Bearer", ExpiresIn: int64(exp.Sub(now) / time.Second), Scope: g.Scope}
	if slices.Contains(c.GrantTypes, grantRefresh) {
		refresh, rh := identity.NewSecret(identity.RefreshTokenPrefix)
		toks = append(toks, store.OAuthToken{ID: identity.NewID("ort"), Hash: rh, Kind: store.TokenRefresh,
			GrantID: g.ID, CreatedAt: now, ExpiresAt: g.ExpiresAt})
		resp.RefreshToken = refresh
	}
	return toks, resp
}
