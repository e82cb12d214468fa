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

// maxRoleDescription bounds a role's description.
const maxRoleDescription = 500

// listRoles serves GET /api/v1/roles: the built-in roles, then the
// custom ones by name, each with how many users have it; only those the
// caller may read.
func (a *API) listRoles(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	ctx := r.Context()
	roles, err := a.cfg.Store.ListRoles(ctx)
	if err != nil {
		return err
	}
	counts, err := a.roleUsers(ctx)
	if err != nil {
		return err
	}
	out := api.List[api.Role]{Items: make([]api.Role, 0, len(store.BuiltinRoles)+len(roles))}
	for _, name := range store.BuiltinRoles {
		if mayRead(p, policy.RolesRead, name) {
			out.Items = append(out.Items, builtinRole(name, counts[name]))
		}
	}
	for _, ro := range roles {
		if mayRead(p, policy.RolesRead, ro.Name) {
			out.Items = append(out.Items, apiRole(ro, counts[ro.Name]))
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// getRole serves GET /api/v1/roles/{name}, built-in roles included.
func (a *API) getRole(w http.ResponseWriter, r *http.Request, _ identity.Principal) error {
	ctx := r.Context()
	counts, err := a.roleUsers(ctx)
	if err != nil {
		return err
	}
	name := r.PathValue("name")
	if store.IsBuiltinRole(name) {
		writeJSON(w, http.StatusOK, builtinRole(name, counts[name]))
		return nil
	}
	ro, err := a.findRole(ctx, name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, apiRole(ro, counts[ro.Name]))
	return nil
}

// createRole serves POST /api/v1/roles. The permissions are validated
// whole before anything is written.
func (a *API) createRole(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	var req api.CreateRoleRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	req.Description = strings.TrimSpace(req.Description)
	switch {
	case req.Name == "":
		return invalid("name", "is required")
	case !nameRE.MatchString(req.Name):
		return invalid("name", "must be 1-40 characters of a-z, 0-9 and '-', starting with a letter or digit")
	case store.IsBuiltinRole(req.Name):
		return conflict("name", "%q is a built-in role; pick another name", req.Name)
	case len(req.Description) > maxRoleDescription:
		return invalid("description", "must be at most %d characters", maxRoleDescription)
	case req.Permissions == nil:
		return invalid("permissions", "is required: a list such as [{\"resource\":\"servers\",\"actions\":[\"read\"]}]")
	}
	perms, err := checkPermissions(p, req.Permissions)
	if err != nil {
		return err
	}
	now := a.cfg.Now().UTC()
	ro := store.Role{ID: identity.NewID("rol"), Name: req.Name, Description: req.Description, Permissions: perms,
		CreatedAt: now, UpdatedAt: now}
	ctx := r.Context()
	if err := a.cfg.Store.CreateRole(ctx, ro); errors.Is(err, store.ErrConflict) {
		return conflict("name", "a role named %q exists already", req.Name)
	} else if err != nil {
		return err
	}
	view := apiRole(ro, 0)
	if err := a.record(ctx, p, audit.CodeRoleCreated, target{}, nil, view); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, view)
	return nil
}

// updateRole serves PATCH /api/v1/roles/{name}: description and
// permissions. Users of the role get the change within seconds.
func (a *API) updateRole(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	ctx := r.Context()
	name := r.PathValue("name")
	if store.IsBuiltinRole(name) {
		return conflict("name", "%q is a built-in role and cannot change; create a custom role instead", name)
	}
	var req api.UpdateRoleRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if req.Description == nil && req.Permissions == nil {
		return invalid("permissions", "nothing to change: set description or permissions")
	}
	if req.Description != nil && len(strings.TrimSpace(*req.Description)) > maxRoleDescription {
		return invalid("description", "must be at most %d characters", maxRoleDescription)
	}
	var perms []store.Permission
	if req.Permissions != nil {
		var err error
		if perms, err = checkPermissions(p, *req.Permissions); err != nil {
			return err
		}
	}
	before, err := a.findRole(ctx, name)
	if err != nil {
		return err
	}
	after, err := a.cfg.Store.UpdateRole(ctx, before.ID, func(ro store.Role) (store.Role, error) {
		if req.Description != nil {
			ro.Description = strings.TrimSpace(*req.Description)
		}
		if req.Permissions != nil {
			ro.Permissions = perms
		}
		ro.UpdatedAt = a.cfg.Now().UTC()
		return ro, nil
	})
	if err != nil {
		return err
	}
	a.forgetTokens()
	counts, err := a.roleUsers(ctx)
	if err != nil {
		return err
	}
	view := apiRole(after, counts[after.Name])
	if err := a.record(ctx, p, audit.CodeRoleUpdated, target{}, apiRole(before, counts[before.Name]), view); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, view)
	return nil
}

// deleteRole serves DELETE /api/v1/roles/{name}. A role still assigned
// is refused with 409 and the number of its users.
func (a *API) deleteRole(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	ctx := r.Context()
	name := r.PathValue("name")
	if store.IsBuiltinRole(name) {
		return conflict("name", "%q is a built-in role and cannot be deleted", name)
	}
	ro, err := a.findRole(ctx, name)
	if err != nil {
		return err
	}
	counts, err := a.roleUsers(ctx)
	if err != nil {
		return err
	}
	err = a.cfg.Store.DeleteRole(ctx, ro.ID)
	if errors.Is(err, store.ErrConflict) || counts[name] > 0 {
		return conflict("name", "role %q is assigned to %d users; give them another role first with `switchboard role assign ROLE EMAIL`",
			name, max(counts[name], 1))
	} else if err != nil {
		return err
	}
	a.forgetTokens()
	if err := a.record(ctx, p, audit.CodeRoleDeleted, target{}, apiRole(ro, 0), nil); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// checkPermissions validates perms for saving: each well formed, and none
// beyond what p holds, so that no one hands out more than they have.
func checkPermissions(p identity.Principal, in []api.Permission) ([]store.Permission, error) {
	perms, err := policy.ValidatePermissions(storePermissions(in))
	var pe *policy.PermissionError
	if errors.As(err, &pe) {
		return nil, invalid(pe.Field, "%s", pe.Message)
	} else if err != nil {
		return nil, err
	}
	if field, ok := policy.Covers(p, perms); !ok {
		return nil, invalid(field, "you cannot give a role a permission you do not hold yourself")
	}
	return perms, nil
}

func (a *API) findRole(ctx context.Context, name string) (store.Role, error) {
	ro, err := a.cfg.Store.GetRoleByName(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return ro, notFound("no role named %q; list them with `switchboard role list`", name)
	}
	return ro, err
}

// roleUsers counts the users of each role.
func (a *API) roleUsers(ctx context.Context) (map[string]int, error) {
	users, err := a.cfg.Store.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	for _, u := range users {
		counts[u.Role]++
	}
	return counts, nil
}

func builtinRole(name string, users int) api.Role {
	perms, _ := policy.BuiltinPermissions(name)
	return api.Role{Name: name, Builtin: true, Permissions: apiPermissions(perms), Users: users,
		Description: builtinDescriptions[name]}
}

var builtinDescriptions = map[string]string{
	store.RoleAdmin:   "everything",
	store.RoleEditor:  "manage servers and endpoints, connect to every endpoint",
	store.RoleAuditor: "read and export the audit log",
	store.RoleMember:  "connect to the endpoints granted to them, manage their own tokens and connections",
}

func apiRole(ro store.Role, users int) api.Role {
	return api.Role{Name: ro.Name, Description: ro.Description, Permissions: apiPermissions(ro.Permissions),
		Users: users, CreatedAt: timePtr(ro.CreatedAt), UpdatedAt: timePtr(ro.UpdatedAt)}
}

func apiPermissions(ps []store.Permission) []api.Permission {
	out := make([]api.Permission, 0, len(ps))
	for _, p := range ps {
		ap := api.Permission{Resource: p.Resource, Actions: append([]string{}, p.Actions...)}
		for _, c := range p.Conditions {
			ap.Conditions = append(ap.Conditions, api.Condition{Op: c.Op, Values: append([]string{}, c.Values...)})
		}
		out = append(out, ap)
	}
	return out
}

func storePermissions(ps []api.Permission) []store.Permission {
	out := make([]store.Permission, 0, len(ps))
	for _, p := range ps {
		sp := store.Permission{Resource: p.Resource, Actions: p.Actions}
		for _, c := range p.Conditions {
			sp.Conditions = append(sp.Conditions, store.Condition{Op: c.Op, Values: c.Values})
		}
		out = append(out, sp)
	}
	return out
}
