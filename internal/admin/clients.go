package admin

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// Pre-registered OAuth clients: an admin creates them for clients that do
// not register themselves; a confidential one gets a secret, shown once
// and stored as SHA-256.

func apiClient(c store.OAuthClient) api.Client {
	return api.Client{ID: c.ID, Name: c.Name, RedirectURIs: orEmptyStrings(c.RedirectURIs),
		Confidential: c.AuthMethod != store.ClientAuthNone, AuthMethod: c.AuthMethod, Source: c.Source,
		CreatedAt: c.CreatedAt, LastUsedAt: c.LastUsedAt}
}

func orEmptyStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// listClients serves GET /api/v1/clients: every client, whatever its
// source.
func (a *API) listClients(w http.ResponseWriter, r *http.Request, _ identity.Principal) error {
	cs, err := a.cfg.Store.ListOAuthClients(r.Context())
	if err != nil {
		return err
	}
	out := api.List[api.Client]{Items: make([]api.Client, 0, len(cs))}
	for _, c := range cs {
		out.Items = append(out.Items, apiClient(c))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// createClient serves POST /api/v1/clients.
func (a *API) createClient(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	var req api.CreateClientRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	req.Name = strings.TrimSpace(req.Name)
	if req.Name == "" || len(req.Name) > 200 || strings.IndexFunc(req.Name, unicode.IsControl) >= 0 {
		return invalid("name", "is required, at most 200 printable characters")
	}
	if err := a.checkRedirectURIs(req.RedirectURIs); err != nil {
		return invalid("redirect_uris", "%s", err.Error())
	}
	now := a.cfg.Now().UTC()
	c := store.OAuthClient{ID: identity.NewID("cl"), Name: req.Name, RedirectURIs: req.RedirectURIs,
		AuthMethod: store.ClientAuthNone, GrantTypes: []string{"authorization_code", "refresh_token"},
		Source: store.ClientSourceAdmin, CreatedAt: now, LastUsedAt: now}
	var secret string
	if req.Confidential {
		c.AuthMethod = store.ClientAuthBasic
		secret, c.SecretHash = identity.NewSecret(identity.ClientSecretPrefix)
	}
	ctx := r.Context()
	if err := a.cfg.Store.CreateOAuthClient(ctx, c); err != nil {
		return err
	}
	view := apiClient(c)
	if err := a.record(ctx, p, audit.CodeClientRegistered, target{}, nil, view); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, api.CreateClientResponse{Client: view, Secret: secret})
	return nil
}

func (a *API) checkRedirectURIs(uris []string) error {
	if a.cfg.CheckRedirectURIs != nil {
		return a.cfg.CheckRedirectURIs(uris)
	}
	if len(uris) == 0 {
		return errors.New("give at least one redirect URI")
	}
	for _, u := range uris {
		if pu, err := url.Parse(u); err != nil || !pu.IsAbs() || pu.Fragment != "" {
			return errors.New("must be absolute URLs without a fragment")
		}
	}
	return nil
}

// deleteClient serves DELETE /api/v1/clients/{id}: the client goes with
// its grants and tokens.
func (a *API) deleteClient(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	ctx := r.Context()
	id := r.PathValue("id")
	c, err := a.cfg.Store.GetOAuthClient(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return notFound("no OAuth client with ID %q; list them with `switchboard client list`", id)
	} else if err != nil {
		return err
	}
	if err := a.cfg.Store.DeleteOAuthClient(ctx, id); err != nil {
		return err
	}
	a.forgetTokens()
	if err := a.record(ctx, p, audit.CodeClientDeleted, target{}, apiClient(c), nil); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
