package admin

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/upstream"
)

// listCredentials shows the status of every credential of a server, with
// the owner's email, never the value.
func (a *API) listCredentials(w http.ResponseWriter, r *http.Request, _ identity.Principal) error {
	ctx := r.Context()
	s, err := a.server(ctx, r.PathValue("name"))
	if err != nil {
		return err
	}
	creds, err := a.cfg.Store.ListCredentials(ctx, store.CredentialFilter{ServerID: s.ID, AnyUser: true})
	if err != nil {
		return err
	}
	out := api.List[api.CredentialStatus]{Items: make([]api.CredentialStatus, 0, len(creds))}
	for _, c := range creds {
		email := ""
		if c.UserID != "" {
			email = c.UserID
			if u, err := a.cfg.Store.GetUser(ctx, c.UserID); err == nil {
				email = u.Email
			}
		}
		out.Items = append(out.Items, apiCredential(c, email))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// revokeCredential deletes one user's personal credential of a server and
// drops the pooled session made with it, so the user's next call gets
// credential_missing.
func (a *API) revokeCredential(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	ctx := r.Context()
	s, err := a.server(ctx, r.PathValue("name"))
	if err != nil {
		return err
	}
	email := strings.ToLower(strings.TrimSpace(r.PathValue("email")))
	u, err := a.cfg.Store.GetUserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return notFound("no user with email %q", email)
	} else if err != nil {
		return err
	}
	cur, err := a.cfg.Store.GetCredential(ctx, s.ID, u.ID)
	if errors.Is(err, store.ErrNotFound) {
		return notFound("%s has no credential for server %q", email, s.Name)
	} else if err != nil {
		return err
	}
	if err := a.cfg.Store.DeleteCredential(ctx, s.ID, u.ID); err != nil {
		return err
	}
	a.cfg.Pool.ForgetCredential(s.ID, u.ID)
	before := apiCredential(cur, u.Email)
	if err := a.record(ctx, p, audit.CodeCredentialRevoked, target{server: s.Name}, before, nil); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// setSharedSecret replaces the shared secret of a shared-mode server.
func (a *API) setSharedSecret(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	var req api.SecretRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	s, err := a.server(ctx, r.PathValue("name"))
	if err != nil {
		return err
	}
	if s.CredentialMode != store.ModeShared {
		return invalid("credential_mode", "server %q uses personal credentials; each user connects their own with `switchboard connect %s`", s.Name, s.Name)
	}
	if err := checkStaticSecret(s, req.Secret); err != nil {
		return err
	}
	before, err := a.cfg.Store.GetCredential(ctx, s.ID, "")
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	c, err := a.saveSecret(ctx, s, "", req.Secret)
	if err != nil {
		return err
	}
	var beforeView any
	if before.ID != "" {
		beforeView = apiCredential(before, "")
	}
	after := apiCredential(c, "")
	if err := a.record(ctx, p, audit.CodeCredentialReplaced, target{server: s.Name}, beforeView, after); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, after)
	return nil
}

// checkStaticSecret validates secret for server s, whose auth method
// must be a static one.
func checkStaticSecret(s store.Server, secret string) error {
	switch s.AuthMethod {
	case store.AuthBearer, store.AuthBasic, store.AuthHeader:
	case store.AuthNone, "":
		return invalid("secret", "server %q needs no credential (auth none)", s.Name)
	default:
		return invalid("secret", "server %q uses %s; connect it in the browser instead", s.Name, s.AuthMethod)
	}
	if err := upstream.CheckSecret(s, secret); err != nil {
		return invalid("secret", "%s", err.Error())
	}
	return nil
}

// saveSecret seals secret as the static credential of (s, userID), stores
// it connected, and drops the session pooled with the old one.
func (a *API) saveSecret(ctx context.Context, s store.Server, userID, secret string) (store.Credential, error) {
	now := a.cfg.Now().UTC()
	c := store.Credential{ID: identity.NewID("cr"), ServerID: s.ID, UserID: userID, Kind: store.CredentialStatic,
		Status: store.CredentialConnected, CreatedAt: now, UpdatedAt: now}
	sealed, err := a.cfg.Vault.Seal([]byte(secret), "credential", c.ID)
	if err != nil {
		return store.Credential{}, err
	}
	c.Ciphertext = sealed
	if err := a.cfg.Store.PutCredential(ctx, c); err != nil {
		return store.Credential{}, err
	}
	a.cfg.Pool.ForgetCredential(s.ID, userID)
	return c, nil
}

func apiCredential(c store.Credential, email string) api.CredentialStatus {
	return api.CredentialStatus{
		User: email, Shared: c.UserID == "", Kind: orDefault(c.Kind, store.CredentialStatic),
		Status: orDefault(c.Status, store.CredentialConnected), ExpiresAt: timePtr(c.ExpiresAt),
		LastError: c.LastError, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
	}
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
