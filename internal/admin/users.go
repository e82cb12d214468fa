package admin

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/policy"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// maxUserName bounds a display name.
const maxUserName = 200

const rolesHint = "must be admin, editor, auditor, member or a custom role from `switchboard role list`"

// createUser serves POST /api/v1/users. The password, when given, is
// checked and hashed before anything is written.
func (a *API) createUser(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	var req api.CreateUserRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	email, err := identity.NormalizeEmail(req.Email)
	if err != nil {
		return invalid("email", "must be an email address such as ada@example.com")
	}
	name := strings.TrimSpace(req.Name)
	if len(name) > maxUserName {
		return invalid("name", "at most %d characters", maxUserName)
	}
	if err := a.checkRole(r.Context(), p, req.Role); err != nil {
		return err
	}
	var hash string
	if req.Password != "" {
		if hash, err = identity.HashPassword(req.Password, identity.DefaultPasswordParams); err != nil {
			return invalid("password", "%s", strings.TrimPrefix(err.Error(), "password: "))
		}
	}
	now := a.cfg.Now().UTC()
	u := store.User{ID: identity.NewID("usr"), Email: email, Name: name, Role: req.Role, CreatedAt: now, UpdatedAt: now}
	if err := a.cfg.Store.CreateUser(r.Context(), u); errors.Is(err, store.ErrConflict) {
		return conflict("email", "a user with email %q exists already", email)
	} else if err != nil {
		return err
	}
	if hash != "" {
		if err := a.cfg.Store.SetPasswordHash(r.Context(), u.ID, hash, now); err != nil {
			return err
		}
	}
	view := apiUser(u)
	if err := a.record(r.Context(), p, audit.CodeUserCreated, target{}, nil,
		map[string]any{"user": view, "password_set": hash != ""}); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, view)
	return nil
}

// findUser resolves the {user} path value: a user ID or an email.
func (a *API) findUser(r *http.Request) (store.User, error) {
	key := r.PathValue("user")
	var u store.User
	var err error
	if strings.Contains(key, "@") {
		u, err = a.cfg.Store.GetUserByEmail(r.Context(), key)
	} else {
		u, err = a.cfg.Store.GetUser(r.Context(), key)
	}
	if errors.Is(err, store.ErrNotFound) {
		return u, notFound("no user %q; list them with `switchboard user list`", key)
	}
	return u, err
}

// updateUser serves PATCH /api/v1/users/{user}: name, role, disabled.
// Disabling ends the user's browser sessions and, within a second, every
// token; an admin cannot disable or demote themself.
func (a *API) updateUser(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	var req api.UpdateUserRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := validateUserUpdate(req); err != nil {
		return err
	}
	if req.Role != nil {
		if err := a.checkRole(r.Context(), p, *req.Role); err != nil {
			return err
		}
	}
	before, err := a.findUser(r)
	if err != nil {
		return err
	}
	if before.ID == p.ID && req.Disabled != nil && *req.Disabled {
		return invalid("disabled", "you cannot disable yourself; ask another admin")
	}
	if before.ID == p.ID && req.Role != nil && *req.Role != before.Role {
		return invalid("role", "you cannot change your own role; ask another admin")
	}
	after, err := a.cfg.Store.UpdateUser(r.Context(), before.ID, func(u store.User) (store.User, error) {
		applyUserUpdate(req, &u)
		u.UpdatedAt = a.cfg.Now().UTC()
		return u, nil
	})
	if err != nil {
		return err
	}
	if after.Disabled && !before.Disabled {
		if err := a.cfg.Store.DeleteUserSessions(r.Context(), after.ID); err != nil {
			return err
		}
	}
	a.forgetTokens()
	if err := a.record(r.Context(), p, audit.CodeUserUpdated, target{}, apiUser(before), apiUser(after)); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, apiUser(after))
	return nil
}

func validateUserUpdate(req api.UpdateUserRequest) error {
	switch {
	case req.Name == nil && req.Role == nil && req.Disabled == nil:
		return invalid("disabled", "nothing to change: set name, role or disabled")
	case req.Name != nil && len(strings.TrimSpace(*req.Name)) > maxUserName:
		return invalid("name", "at most %d characters", maxUserName)
	}
	return nil
}

// checkRole refuses a role that does not exist, or that holds a
// permission p does not hold: no one hands out more than they have.
func (a *API) checkRole(ctx context.Context, p identity.Principal, role string) error {
	perms, ok := policy.BuiltinPermissions(role)
	if !ok {
		if !nameRE.MatchString(role) {
			return invalid("role", rolesHint)
		}
		ro, err := a.cfg.Store.GetRoleByName(ctx, role)
		if errors.Is(err, store.ErrNotFound) {
			return invalid("role", rolesHint)
		} else if err != nil {
			return err
		}
		perms = ro.Permissions
	}
	if _, ok := policy.Covers(p, perms); !ok {
		return invalid("role", "you cannot assign role %q: it holds permissions you do not", role)
	}
	return nil
}

func applyUserUpdate(req api.UpdateUserRequest, u *store.User) {
	if req.Name != nil {
		u.Name = strings.TrimSpace(*req.Name)
	}
	if req.Role != nil {
		u.Role = *req.Role
	}
	if req.Disabled != nil {
		u.Disabled = *req.Disabled
	}
}

// setPassword serves PUT /api/v1/users/{user}/password. The user is
// signed out of every browser session.
func (a *API) setPassword(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	var req api.SetPasswordRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := identity.CheckPassword(req.Password); err != nil {
		return invalid("password", "%s", strings.TrimPrefix(err.Error(), "password: "))
	}
	u, err := a.findUser(r)
	if err != nil {
		return err
	}
	if err := identity.SetPassword(r.Context(), a.cfg.Store, u.ID, req.Password, identity.DefaultPasswordParams,
		a.cfg.Now().UTC(), true); err != nil {
		return err
	}
	if err := a.record(r.Context(), p, audit.CodeUserUpdated, target{}, nil,
		map[string]any{"user": apiUser(u), "password": "reset"}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// forgetTokens drops the cached answers of both token verifiers, so a
// change to a user or grant applies to the next request.
func (a *API) forgetTokens() {
	a.cfg.Verifier.Forget()
	if a.cfg.OAuthTokens != nil {
		a.cfg.OAuthTokens.Forget()
	}
}
