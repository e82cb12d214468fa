package admin

import (
	"net/http"
	"slices"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/identity"
)

// listGroups serves GET /api/v1/groups: every group with its members,
// ordered by name, members by email.
func (a *API) listGroups(w http.ResponseWriter, r *http.Request, _ identity.Principal) error {
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
