package admin

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// maxTokenLifetime bounds expires_in.
const maxTokenLifetime = 5 * 365 * 24 * time.Hour

func (a *API) listTokens(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	tokens, err := a.cfg.Store.ListAPITokens(r.Context(), p.ID)
	if err != nil {
		return err
	}
	out := api.List[api.Token]{Items: make([]api.Token, 0, len(tokens))}
	for _, t := range tokens {
		out.Items = append(out.Items, apiToken(t, a.endpointName(r, t.EndpointID)))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) endpointName(r *http.Request, id string) string {
	if id == "" {
		return ""
	}
	if ep, err := a.cfg.Store.GetEndpoint(r.Context(), id); err == nil {
		return ep.Name
	}
	return id
}

func (a *API) createToken(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	var req api.CreateTokenRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	now := a.cfg.Now().UTC()
	req.Name = strings.TrimSpace(req.Name)
	if req.Name == "" || len(req.Name) > 100 {
		return invalid("name", "is required, at most 100 characters")
	}
	t := store.APIToken{ID: identity.NewID("tok"), Name: req.Name, UserID: p.ID, CreatedAt: now}
	if req.ExpiresIn != "" {
		d, err := time.ParseDuration(req.ExpiresIn)
		if err != nil || d <= 0 || d > maxTokenLifetime {
			return invalid("expires_in", "must be a positive duration such as 720h, at most 5 years")
		}
		t.ExpiresAt = now.Add(d)
	}
	if req.Endpoint != "" {
		ep, err := a.cfg.Store.GetEndpointByName(ctx, req.Endpoint)
		if errors.Is(err, store.ErrNotFound) {
			return invalid("endpoint", "no endpoint named %q", req.Endpoint)
		} else if err != nil {
			return err
		}
		t.EndpointID = ep.ID
	}
	text, hash := identity.NewToken()
	t.Hash, t.Prefix = hash, text[:8]
	if err := a.cfg.Store.CreateAPIToken(ctx, t); err != nil {
		return err
	}
	view := apiToken(t, req.Endpoint)
	if err := a.record(ctx, p, audit.CodeTokenCreated, target{endpoint: req.Endpoint}, nil, view); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, api.CreateTokenResponse{Token: view, Value: text})
	return nil
}

func (a *API) revokeToken(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	ctx := r.Context()
	id := r.PathValue("id")
	tokens, err := a.cfg.Store.ListAPITokens(ctx, p.ID)
	if err != nil {
		return err
	}
	var found *store.APIToken
	for i := range tokens {
		if tokens[i].ID == id {
			found = &tokens[i]
		}
	}
	if found == nil {
		return notFound("you have no token with ID %q; list them with `switchboard token list`", id)
	}
	if err := a.cfg.Store.RevokeAPIToken(ctx, id, a.cfg.Now().UTC()); err != nil {
		return err
	}
	a.cfg.Verifier.Forget()
	if err := a.record(ctx, p, audit.CodeTokenRevoked, target{}, apiToken(*found, a.endpointName(r, found.EndpointID)), nil); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) me(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	u, err := a.cfg.Store.GetUser(r.Context(), p.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, apiUser(u))
	return nil
}

func (a *API) listUsers(w http.ResponseWriter, r *http.Request, _ identity.Principal) error {
	users, err := a.cfg.Store.ListUsers(r.Context())
	if err != nil {
		return err
	}
	out := api.List[api.User]{Items: make([]api.User, 0, len(users))}
	for _, u := range users {
		out.Items = append(out.Items, apiUser(u))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
