package admin

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/policy"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// listServiceAccounts serves GET /api/v1/service-accounts: every account
// the caller may read, with its tokens, ordered by name.
func (a *API) listServiceAccounts(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	ctx := r.Context()
	accounts, err := a.cfg.Store.ListServiceAccounts(ctx)
	if err != nil {
		return err
	}
	names, err := a.endpointNames(ctx)
	if err != nil {
		return err
	}
	out := api.List[api.ServiceAccount]{Items: make([]api.ServiceAccount, 0, len(accounts))}
	for _, sa := range accounts {
		if !mayRead(p, policy.ServiceAccountsRead, sa.Name) {
			continue
		}
		toks, err := a.cfg.Store.ListServiceAccountTokens(ctx, sa.ID)
		if err != nil {
			return err
		}
		v := apiServiceAccount(sa)
		for _, t := range toks {
			v.Tokens = append(v.Tokens, apiSAToken(t, names[t.EndpointID]))
		}
		out.Items = append(out.Items, v)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// createServiceAccount serves POST /api/v1/service-accounts.
func (a *API) createServiceAccount(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	var req api.CreateServiceAccountRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	req.Description = strings.TrimSpace(req.Description)
	switch {
	case req.Name == "":
		return invalid("name", "is required")
	case !nameRE.MatchString(req.Name):
		return invalid("name", "must be 1-40 characters of a-z, 0-9 and '-', starting with a letter or digit")
	case len(req.Description) > 500:
		return invalid("description", "must be at most 500 characters")
	}
	ctx := r.Context()
	sa := store.ServiceAccount{ID: identity.NewID("sa"), Name: req.Name, Description: req.Description, CreatedAt: a.cfg.Now().UTC()}
	err := a.cfg.Store.CreateServiceAccount(ctx, sa)
	if errors.Is(err, store.ErrConflict) {
		return conflict("name", "a service account named %q exists", req.Name)
	} else if err != nil {
		return err
	}
	view := apiServiceAccount(sa)
	if err := a.record(ctx, p, audit.CodeServiceAccountCreated, target{}, nil, view); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, view)
	return nil
}

// deleteServiceAccount serves DELETE /api/v1/service-accounts/{name}: the
// account, its tokens and its endpoint grants go in one transaction, and
// its tokens stop working at once.
func (a *API) deleteServiceAccount(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	ctx := r.Context()
	sa, err := a.serviceAccount(ctx, r.PathValue("name"))
	if err != nil {
		return err
	}
	toks, err := a.cfg.Store.ListServiceAccountTokens(ctx, sa.ID)
	if err != nil {
		return err
	}
	names, err := a.endpointNames(ctx)
	if err != nil {
		return err
	}
	before := apiServiceAccount(sa)
	for _, t := range toks {
		before.Tokens = append(before.Tokens, apiSAToken(t, names[t.EndpointID]))
	}
	if err := a.cfg.Store.DeleteServiceAccount(ctx, sa.ID); err != nil {
		return err
	}
	a.forgetTokens()
	if err := a.record(ctx, p, audit.CodeServiceAccountDeleted, target{}, before, nil); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// createServiceAccountToken serves POST
// /api/v1/service-accounts/{name}/tokens: a token bound to one endpoint,
// with an expiry. It works only while the account holds a grant of it.
func (a *API) createServiceAccountToken(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	ctx := r.Context()
	sa, err := a.serviceAccount(ctx, r.PathValue("name"))
	if err != nil {
		return err
	}
	var req api.CreateServiceAccountTokenRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if req.Endpoint == "" {
		return invalid("endpoint", "is required: a service account token works on one endpoint")
	}
	ep, err := a.cfg.Store.GetEndpointByName(ctx, req.Endpoint)
	if errors.Is(err, store.ErrNotFound) {
		return invalid("endpoint", "no endpoint named %q", req.Endpoint)
	} else if err != nil {
		return err
	}
	d, err := time.ParseDuration(req.ExpiresIn)
	if err != nil || d <= 0 || d > maxTokenLifetime {
		return invalid("expires_in", "is required: a positive duration such as 720h, at most 5 years")
	}
	req.Name = strings.TrimSpace(req.Name)
	if req.Name == "" {
		req.Name = ep.Name
	}
	if len(req.Name) > 100 {
		return invalid("name", "must be at most 100 characters")
	}
	now := a.cfg.Now().UTC()
	text, hash := identity.NewServiceAccountToken()
	t := store.ServiceAccountToken{ID: identity.NewID("tok"), Name: req.Name, ServiceAccountID: sa.ID, Hash: hash,
		Prefix: text[:len(identity.ServiceAccountTokenPrefix)+4], EndpointID: ep.ID, CreatedAt: now, ExpiresAt: now.Add(d)}
	if err := a.cfg.Store.CreateServiceAccountToken(ctx, t); err != nil {
		return err
	}
	view := apiSAToken(t, ep.Name)
	if err := a.record(ctx, p, audit.CodeSATokenCreated, target{endpoint: ep.Name}, nil, view); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, api.CreateTokenResponse{Token: view, Value: text})
	return nil
}

// revokeServiceAccountToken serves DELETE
// /api/v1/service-accounts/{name}/tokens/{id}.
func (a *API) revokeServiceAccountToken(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	ctx := r.Context()
	sa, err := a.serviceAccount(ctx, r.PathValue("name"))
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	toks, err := a.cfg.Store.ListServiceAccountTokens(ctx, sa.ID)
	if err != nil {
		return err
	}
	var found *store.ServiceAccountToken
	for i := range toks {
		if toks[i].ID == id {
			found = &toks[i]
		}
	}
	if found == nil {
		return notFound("service account %q has no token with ID %q", sa.Name, id)
	}
	if found.RevokedAt.IsZero() {
		now := a.cfg.Now().UTC()
		if err := a.cfg.Store.RevokeServiceAccountToken(ctx, id, now); err != nil {
			return err
		}
		a.forgetTokens()
		names, err := a.endpointNames(ctx)
		if err != nil {
			return err
		}
		before := apiSAToken(*found, names[found.EndpointID])
		after := before
		after.RevokedAt = &now
		if err := a.record(ctx, p, audit.CodeSATokenRevoked, target{endpoint: before.Endpoint}, before, after); err != nil {
			return err
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) serviceAccount(ctx context.Context, name string) (store.ServiceAccount, error) {
	sa, err := a.cfg.Store.GetServiceAccountByName(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return sa, notFound("no service account named %q; list them with `switchboard service-account list`", name)
	}
	return sa, err
}

// endpointNames maps endpoint IDs to names.
func (a *API) endpointNames(ctx context.Context) (map[string]string, error) {
	eps, err := a.cfg.Store.ListEndpoints(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(eps))
	for _, ep := range eps {
		names[ep.ID] = ep.Name
	}
	return names, nil
}

func apiServiceAccount(sa store.ServiceAccount) api.ServiceAccount {
	return api.ServiceAccount{ID: sa.ID, Name: sa.Name, Description: sa.Description, CreatedAt: sa.CreatedAt, Tokens: []api.Token{}}
}

func apiSAToken(t store.ServiceAccountToken, endpoint string) api.Token {
	return api.Token{ID: t.ID, Name: t.Name, UserID: t.ServiceAccountID, Prefix: t.Prefix, Endpoint: endpoint,
		CreatedAt: t.CreatedAt, ExpiresAt: timePtr(t.ExpiresAt), RevokedAt: timePtr(t.RevokedAt)}
}
