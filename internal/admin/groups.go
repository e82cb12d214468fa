package admin

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/policy"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// listGroups serves GET /api/v1/groups: every group the caller may read,
// with its members, ordered by name, members by email.
func (a *API) listGroups(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	ctx := r.Context()
	groups, err := a.cfg.Store.ListGroups(ctx)
	if err != nil {
		return err
	}
	ms, err := a.cfg.Store.ListMemberships(ctx, "")
	if err != nil {
		return err
	}
	users, err := a.cfg.Store.ListUsers(ctx) // ordered by email
	if err != nil {
		return err
	}
	rank, emails := map[string]int{}, map[string]string{}
	for i, u := range users {
		rank[u.ID], emails[u.ID] = i, u.Email
	}
	members := map[string][]api.GroupMember{}
	for _, m := range ms {
		members[m.GroupID] = append(members[m.GroupID], api.GroupMember{UserID: m.UserID, Email: emails[m.UserID], Source: m.Source})
	}
	out := api.List[api.Group]{Items: make([]api.Group, 0, len(groups))}
	for _, g := range groups {
		if !mayRead(p, policy.GroupsRead, g.Name) {
			continue
		}
		mm := members[g.ID]
		sortMembers(mm, rank)
		out.Items = append(out.Items, api.Group{ID: g.ID, Name: g.Name, Source: g.Source, CreatedAt: g.CreatedAt,
			Members: append(make([]api.GroupMember, 0, len(mm)), mm...)})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func sortMembers(mm []api.GroupMember, rank map[string]int) {
	slices.SortFunc(mm, func(a, b api.GroupMember) int { return rank[a.UserID] - rank[b.UserID] })
}

// maxGroupName bounds a local group's name, as SSO sign-in bounds theirs.
const maxGroupName = 200

// createGroup serves POST /api/v1/groups: a group with source local.
func (a *API) createGroup(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	var req api.CreateGroupRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	switch {
	case req.Name == "":
		return invalid("name", "is required")
	case len(req.Name) > maxGroupName || !validGroupName(req.Name):
		return invalid("name", "must be 1-%d characters without control characters or surrounding spaces", maxGroupName)
	}
	g := store.Group{ID: identity.NewID("grp"), Name: req.Name, Source: store.GroupSourceLocal, CreatedAt: a.cfg.Now().UTC()}
	ctx := r.Context()
	if err := a.cfg.Store.CreateGroup(ctx, g); errors.Is(err, store.ErrConflict) {
		return conflict("name", "a group named %q exists already", req.Name)
	} else if err != nil {
		return err
	}
	view := api.Group{ID: g.ID, Name: g.Name, Source: g.Source, CreatedAt: g.CreatedAt, Members: []api.GroupMember{}}
	if err := a.record(ctx, p, audit.CodeGroupCreated, target{}, nil, view); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, view)
	return nil
}

func validGroupName(n string) bool {
	return n == strings.TrimSpace(n) && !strings.ContainsFunc(n, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// deleteGroup serves DELETE /api/v1/groups/{name}: the group, its
// memberships and its endpoint grants go in one transaction. An SSO group
// comes back at its members' next sign-in.
func (a *API) deleteGroup(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	ctx := r.Context()
	before, err := a.groupView(ctx, r.PathValue("name"))
	if err != nil {
		return err
	}
	if err := a.cfg.Store.DeleteGroup(ctx, before.ID); err != nil {
		return err
	}
	a.forgetTokens()
	if err := a.record(ctx, p, audit.CodeGroupDeleted, target{}, before, nil); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// addGroupMember serves POST /api/v1/groups/{name}/members {"email"}: a
// local membership, which SSO sign-in leaves alone.
func (a *API) addGroupMember(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	ctx := r.Context()
	before, err := a.groupView(ctx, r.PathValue("name"))
	if err != nil {
		return err
	}
	var req api.AddGroupMemberRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	email, err := identity.NormalizeEmail(req.Email)
	if err != nil {
		return invalid("email", "must be an email address such as ada@example.com")
	}
	u, err := a.cfg.Store.GetUserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return invalid("email", "no user with email %q; add them with `switchboard user create`", email)
	} else if err != nil {
		return err
	}
	m := store.Membership{GroupID: before.ID, UserID: u.ID, Source: store.GroupSourceLocal, CreatedAt: a.cfg.Now().UTC()}
	if err := a.cfg.Store.AddMembership(ctx, m); errors.Is(err, store.ErrConflict) {
		return conflict("email", "%s is in group %q already", email, before.Name)
	} else if err != nil {
		return err
	}
	return a.membershipChanged(w, r, p, audit.CodeGroupMemberAdded, before, http.StatusCreated)
}

// removeGroupMember serves DELETE /api/v1/groups/{name}/members/{email}.
// Removing an SSO membership lasts until the member's next sign-in.
func (a *API) removeGroupMember(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	ctx := r.Context()
	before, err := a.groupView(ctx, r.PathValue("name"))
	if err != nil {
		return err
	}
	email := r.PathValue("email")
	i := slices.IndexFunc(before.Members, func(m api.GroupMember) bool { return strings.EqualFold(m.Email, email) })
	if i < 0 {
		return notFound("%s is not in group %q", email, before.Name)
	}
	if err := a.cfg.Store.RemoveMembership(ctx, before.ID, before.Members[i].UserID); err != nil {
		return err
	}
	return a.membershipChanged(w, r, p, audit.CodeGroupMemberRemoved, before, http.StatusOK)
}

// membershipChanged applies a membership change to cached principals,
// records it with the group before and after, and answers with the group.
func (a *API) membershipChanged(w http.ResponseWriter, r *http.Request, p identity.Principal, code string, before api.Group, status int) error {
	ctx := r.Context()
	a.forgetTokens()
	after, err := a.groupView(ctx, before.Name)
	if err != nil {
		return err
	}
	if err := a.record(ctx, p, code, target{}, before, after); err != nil {
		return err
	}
	writeJSON(w, status, after)
	return nil
}

// groupView returns the group named name with its members.
func (a *API) groupView(ctx context.Context, name string) (api.Group, error) {
	g, err := a.cfg.Store.GetGroupByName(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return api.Group{}, notFound("no group named %q; list them with `switchboard group list`", name)
	} else if err != nil {
		return api.Group{}, err
	}
	ms, err := a.cfg.Store.ListMemberships(ctx, "")
	if err != nil {
		return api.Group{}, err
	}
	users, err := a.cfg.Store.ListUsers(ctx)
	if err != nil {
		return api.Group{}, err
	}
	rank, emails := map[string]int{}, map[string]string{}
	for i, u := range users {
		rank[u.ID], emails[u.ID] = i, u.Email
	}
	view := api.Group{ID: g.ID, Name: g.Name, Source: g.Source, CreatedAt: g.CreatedAt, Members: []api.GroupMember{}}
	for _, m := range ms {
		if m.GroupID == g.ID {
			view.Members = append(view.Members, api.GroupMember{UserID: m.UserID, Email: emails[m.UserID], Source: m.Source})
		}
	}
	sortMembers(view.Members, rank)
	return view, nil
}
