package admin

import (
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/upstream"
	"github.com/switchboard-mcp/switchboard/internal/upstream/oauthclient"
)

// waitingForOAuth is the SyncError of an oauth server until someone
// connects an account: the catalog needs a token.
const waitingForOAuth = "waiting for an OAuth connection to sync the catalog"

// scopeRE is one OAuth scope token (RFC 6749 §3.3), in a space-separated
// list.
var scopeRE = regexp.MustCompile(`^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$`)

// validateOAuthServer checks the fields of an auth=oauth server after the
// common ones; the secret field is not used, the client secret is.
func validateOAuthServer(req *api.CreateServerRequest) error {
	req.OAuthScopes = strings.Join(strings.Fields(req.OAuthScopes), " ")
	switch {
	case req.AuthHeader != "":
		return invalid("auth_header", "is only used with auth=header")
	case req.CredentialMode != store.ModeShared && req.CredentialMode != store.ModePersonal:
		return invalid("credential_mode", "must be shared or personal")
	case req.Secret != "":
		return invalid("secret", "is not used with auth=oauth; accounts are connected in the browser (oauth_client_secret is the client's secret)")
	case req.OAuthClientSecret != "" && req.OAuthClientID == "":
		return invalid("oauth_client_id", "is required with oauth_client_secret")
	case len(req.OAuthClientID) > 512 || strings.ContainsAny(req.OAuthClientID, "\r\n\t "):
		return invalid("oauth_client_id", "must be at most 512 characters without spaces or line breaks")
	case len(req.OAuthClientSecret) > 2048 || strings.ContainsAny(req.OAuthClientSecret, "\r\n"):
		return invalid("oauth_client_secret", "must be at most 2048 characters without line breaks")
	case len(req.OAuthScopes) > 1024 || (req.OAuthScopes != "" && !scopeRE.MatchString(req.OAuthScopes)):
		return invalid("oauth_scopes", "must be space-separated OAuth scope names")
	case oauthclient.CheckURL("url", req.URL) != nil:
		return invalid("url", "must be https (or http on a loopback host) for auth=oauth")
	}
	return nil
}

// createOAuthServer adds an auth=oauth server: discovery and client
// registration first, so that an unusable server is refused before
// anything is stored; then the server and its OAuth configuration. The
// catalog syncs once an account is connected (ConnectURL).
func (a *API) createOAuthServer(w http.ResponseWriter, r *http.Request, p identity.Principal, req api.CreateServerRequest) error {
	ctx := r.Context()
	now := a.cfg.Now().UTC()
	s := store.Server{
		ID: identity.NewID("srv"), Name: req.Name, Description: req.Description, URL: req.URL,
		Transport: req.Transport, AuthMethod: store.AuthOAuth, CredentialMode: req.CredentialMode,
		SyncError: waitingForOAuth, CreatedAt: now, UpdatedAt: now,
	}
	if _, err := a.cfg.Store.GetServerByName(ctx, s.Name); err == nil {
		return conflict("name", "a server named %q exists already", s.Name)
	}
	o, err := a.cfg.Pool.SetupOAuth(ctx, s, upstream.OAuthSetup{
		ClientID: req.OAuthClientID, ClientSecret: req.OAuthClientSecret, Scopes: strings.Fields(req.OAuthScopes),
	}, now)
	if errors.Is(err, oauthclient.ErrNoRegistration) {
		return invalid("oauth_client_id", "the authorization server of %s has no dynamic client registration; register a client there (redirect URI %s) and give its ID and secret",
			s.URL, a.cfg.Pool.OAuthRedirectURI())
	} else if err != nil {
		a.cfg.Logger.WarnContext(ctx, "oauth discovery failed", "server", s.Name, "err", err)
		return upstreamFailed("url", "OAuth setup of %s failed: %s", s.URL, safeUpstreamError(err))
	}
	if err := a.cfg.Store.CreateServer(ctx, s, nil); errors.Is(err, store.ErrConflict) {
		return conflict("name", "a server named %q exists already", s.Name)
	} else if err != nil {
		return err
	}
	if err := a.cfg.Store.PutServerOAuth(ctx, o); err != nil {
		// Nothing half-written: without its configuration the server is useless.
		if derr := a.cfg.Store.DeleteServer(ctx, s.ID); derr != nil {
			a.cfg.Logger.ErrorContext(ctx, "remove server after failed oauth setup", "server", s.Name, "err", derr)
		}
		return err
	}
	resp := api.CreateServerResponse{ConnectURL: upstream.ConnectURL(a.cfg.PublicURL, s)}
	if resp.Server, err = a.serverView(ctx, s, false); err != nil {
		return err
	}
	after := map[string]any{"server": resp.Server, "oauth": map[string]any{
		"issuer": o.Issuer, "client_id": o.ClientID, "scopes": o.Scopes, "resource": o.Resource,
		"dynamic_registration": req.OAuthClientID == "",
	}}
	if err := a.record(ctx, p, audit.CodeServerCreated, target{server: s.Name}, nil, after); err != nil {
		return err
	}
	a.changed(ctx)
	writeJSON(w, http.StatusCreated, resp)
	return nil
}
