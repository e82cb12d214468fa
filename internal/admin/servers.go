package admin

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/policy"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/upstream"
)

// nameRE is the shape of server and endpoint names. No underscores: "__"
// separates server and tool in exposed names.
var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

// headerRE is an HTTP header field name (RFC 9110 token).
var headerRE = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")

func (a *API) listServers(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	servers, err := a.cfg.Store.ListServers(r.Context())
	if err != nil {
		return err
	}
	out := api.List[api.Server]{Items: make([]api.Server, 0, len(servers))}
	for _, s := range servers {
		if !mayRead(p, policy.ServersRead, s.Name) {
			continue
		}
		v, err := a.serverView(r.Context(), s, false)
		if err != nil {
			return err
		}
		out.Items = append(out.Items, v)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) getServer(w http.ResponseWriter, r *http.Request, _ identity.Principal) error {
	s, err := a.server(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	v, err := a.serverView(r.Context(), s, true)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// serverView renders s; withTools includes the catalog entries.
func (a *API) serverView(ctx context.Context, s store.Server, withTools bool) (api.Server, error) {
	tools, err := a.cfg.Store.ListTools(ctx, s.ID)
	if err != nil {
		return api.Server{}, err
	}
	_, cerr := a.cfg.Store.GetCredential(ctx, s.ID, "")
	if cerr != nil && !errors.Is(cerr, store.ErrNotFound) {
		return api.Server{}, cerr
	}
	v := apiServer(s, tools, cerr == nil)
	if withTools {
		v.Tools = make([]api.Tool, len(tools))
		for i, t := range tools {
			v.Tools[i] = apiTool(t)
		}
	}
	return v, nil
}

// server finds a server by name, with a 404 that names it.
func (a *API) server(ctx context.Context, name string) (store.Server, error) {
	s, err := a.cfg.Store.GetServerByName(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return s, notFound("no server named %q; list them with `switchboard server list`", name)
	}
	return s, err
}

func (a *API) createServer(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	var req api.CreateServerRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := validateServer(&req); err != nil {
		return err
	}
	if req.Auth == store.AuthOAuth {
		return a.createOAuthServer(w, r, p, req)
	}
	ctx := r.Context()
	now := a.cfg.Now().UTC()
	s := store.Server{
		ID: identity.NewID("srv"), Name: req.Name, Description: req.Description, URL: req.URL,
		Transport: req.Transport, AuthMethod: req.Auth, AuthHeader: req.AuthHeader,
		CredentialMode: req.CredentialMode, CreatedAt: now, UpdatedAt: now,
	}
	// A personal server's secret is the adding admin's own credential.
	owner := ""
	if s.CredentialMode == store.ModePersonal {
		if err := ownConnections(p); err != nil && req.Secret != "" {
			return invalid("secret", "a service account has no personal credential; add the server without a secret")
		}
		owner = p.ID
	}
	cred, err := a.sealStatic(s.ID, owner, req.Secret, now)
	if err != nil {
		return err
	}
	if err := a.cfg.Store.CreateServer(ctx, s, cred); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return conflict("name", "a server named %q exists already", s.Name)
		}
		return err
	}
	resp := api.CreateServerResponse{}
	if resp.Sync, err = a.firstSync(ctx, s, owner, req.SkipSync, cred != nil, now); err != nil {
		return err
	}
	if s, err := a.cfg.Store.GetServer(ctx, s.ID); err == nil {
		resp.Server, err = a.serverView(ctx, s, true)
		if err != nil {
			return err
		}
	}
	if err := a.record(ctx, p, audit.CodeServerCreated, target{server: s.Name}, nil, resp.Server); err != nil {
		return err
	}
	a.changed(ctx)
	writeJSON(w, http.StatusCreated, resp)
	return nil
}

// sealStatic returns the credential row of a static secret for
// (serverID, owner), sealed; nil when there is no secret.
func (a *API) sealStatic(serverID, owner, secret string, now time.Time) (*store.Credential, error) {
	if secret == "" {
		return nil, nil
	}
	c := store.Credential{ID: identity.NewID("cr"), ServerID: serverID, UserID: owner, Kind: store.CredentialStatic,
		Status: store.CredentialConnected, CreatedAt: now, UpdatedAt: now}
	sealed, err := a.cfg.Vault.Seal([]byte(secret), "credential", c.ID)
	if err != nil {
		return nil, err
	}
	c.Ciphertext = sealed
	return &c, nil
}

// firstSync syncs a new server's catalog with owner's credential. A
// server that needs a credential nobody has connected yet waits; one
// whose first sync fails is removed again, so nothing is half-written.
func (a *API) firstSync(ctx context.Context, s store.Server, owner string, skip, hasCred bool, now time.Time) (*api.SyncResult, error) {
	if skip {
		return nil, nil
	}
	if s.AuthMethod != store.AuthNone && !hasCred {
		a.setSyncError(ctx, s, waitingForCredential)
		return nil, nil
	}
	res, err := a.cfg.Pool.SyncAs(ctx, s, owner, now)
	if err != nil {
		if derr := a.cfg.Store.DeleteServer(ctx, s.ID); derr != nil {
			a.cfg.Logger.ErrorContext(ctx, "remove server after failed sync", "server", s.Name, "err", derr)
		}
		a.cfg.Logger.WarnContext(ctx, "first sync failed", "server", s.Name, "err", err)
		return nil, upstreamFailed("url", "could not list the tools of %s: %s; check the URL, transport and secret, or add it with --no-sync", s.URL, safeUpstreamError(err))
	}
	sr := apiSync(res)
	return &sr, nil
}

// validateServer applies defaults and checks every field, reporting the
// first bad one by name.
func validateServer(req *api.CreateServerRequest) error {
	req.Name = strings.TrimSpace(req.Name)
	if req.Transport == "" {
		req.Transport = store.TransportStreamableHTTP
	}
	if req.Auth == "" {
		req.Auth = store.AuthNone
	}
	if req.CredentialMode == "" {
		req.CredentialMode = store.ModeShared
	}
	switch {
	case req.Name == "":
		return invalid("name", "is required")
	case !nameRE.MatchString(req.Name):
		return invalid("name", "must be 1-40 characters of a-z, 0-9 and '-', starting with a letter or digit")
	case req.URL == "":
		return invalid("url", "is required")
	case !validHTTPURL(req.URL):
		return invalid("url", "must be an absolute http:// or https:// URL")
	case req.Transport != store.TransportStreamableHTTP && req.Transport != store.TransportSSE:
		return invalid("transport", "must be streamable-http or sse")
	case req.Auth != store.AuthNone && req.Auth != store.AuthBearer && req.Auth != store.AuthHeader && req.Auth != store.AuthBasic &&
		req.Auth != store.AuthOAuth:
		return invalid("auth", "must be none, bearer, basic, header or oauth")
	case req.Auth == store.AuthOAuth:
		return validateOAuthServer(req)
	case req.OAuthClientID != "" || req.OAuthClientSecret != "" || req.OAuthScopes != "":
		return invalid("oauth_client_id", "is only used with auth=oauth")
	case req.Auth == store.AuthHeader && req.AuthHeader != "" && !headerRE.MatchString(req.AuthHeader):
		return invalid("auth_header", "must be an HTTP header name, e.g. X-API-Key, or empty to send several headers given as \"Name: value\" lines in the secret")
	case req.Auth != store.AuthHeader && req.AuthHeader != "":
		return invalid("auth_header", "is only used with auth=header")
	case req.CredentialMode != store.ModeShared && req.CredentialMode != store.ModePersonal:
		return invalid("credential_mode", "must be shared or personal")
	case req.Auth == store.AuthNone && req.Secret != "":
		return invalid("secret", "is not used with auth=none")
	case req.Auth != store.AuthNone && req.CredentialMode == store.ModeShared && req.Secret == "":
		return invalid("secret", "is required for a shared %s credential", req.Auth)
	}
	if req.Secret != "" {
		s := store.Server{Name: req.Name, AuthMethod: req.Auth, AuthHeader: req.AuthHeader}
		if err := upstream.CheckSecret(s, req.Secret); err != nil {
			return invalid("secret", "%s", err.Error())
		}
	}
	return nil
}

func validHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

func (a *API) deleteServer(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	ctx := r.Context()
	s, err := a.server(ctx, r.PathValue("name"))
	if err != nil {
		return err
	}
	before, err := a.serverView(ctx, s, false)
	if err != nil {
		return err
	}
	if err := a.cfg.Store.DeleteServer(ctx, s.ID); errors.Is(err, store.ErrConflict) {
		return conflict("name", "server %q is still part of an endpoint; remove that endpoint first", s.Name)
	} else if err != nil {
		return err
	}
	a.cfg.Pool.Forget(s.ID)
	if err := a.record(ctx, p, audit.CodeServerDeleted, target{server: s.Name}, before, nil); err != nil {
		return err
	}
	a.changed(ctx)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) syncServer(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	ctx := r.Context()
	s, err := a.server(ctx, r.PathValue("name"))
	if err != nil {
		return err
	}
	owner, err := a.syncCredential(ctx, s, p)
	if err != nil {
		return err
	}
	res, err := a.cfg.Pool.SyncAs(ctx, s, owner, a.cfg.Now().UTC())
	if err != nil {
		msg := safeUpstreamError(err)
		a.setSyncError(ctx, s, msg)
		return upstreamFailed("", "sync of %s failed: %s; the previous catalog is kept", s.Name, msg)
	}
	out := apiSync(res)
	if err := a.record(ctx, p, audit.CodeServerSynced, target{server: s.Name}, nil, out); err != nil {
		return err
	}
	a.changed(ctx)
	writeJSON(w, http.StatusOK, out)
	return nil
}

// safeUpstreamError keeps the part of an upstream failure that helps an
// admin (status, refused connection) without our internals.
func safeUpstreamError(err error) string {
	msg := err.Error()
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	return msg
}

// syncCredential picks whose credential syncs the catalog of s: the
// shared one, or for a personal server the caller's own if connected,
// else any connected user's.
func (a *API) syncCredential(ctx context.Context, s store.Server, p identity.Principal) (string, error) {
	if s.CredentialMode != store.ModePersonal || s.AuthMethod == store.AuthNone {
		return "", nil
	}
	creds, err := a.cfg.Store.ListCredentials(ctx, store.CredentialFilter{ServerID: s.ID, AnyUser: true})
	if err != nil {
		return "", err
	}
	owner := ""
	for _, c := range creds {
		if c.UserID != "" && c.Usable() && (owner == "" || c.UserID == p.ID) {
			owner = c.UserID
		}
	}
	if owner == "" {
		return "", conflict("name", "nobody has connected server %q yet; connect with `switchboard connect %s`, then sync", s.Name, s.Name)
	}
	return owner, nil
}
