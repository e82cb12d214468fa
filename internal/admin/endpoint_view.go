package admin

import (
	"context"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/toolname"
)

// endpointView renders ep with every catalog tool of its servers and the
// tool's state on ep.
func (a *API) endpointView(ctx context.Context, ep store.Endpoint) (api.Endpoint, error) {
	v := api.Endpoint{ID: ep.ID, Name: ep.Name, Description: ep.Description, URL: a.cfg.PublicURL + "/mcp/" + ep.Name,
		Unprefixed: ep.Unprefixed, Redaction: apiRedaction(ep.Redaction), Servers: []string{}, Tools: []api.EndpointTool{}, CreatedAt: ep.CreatedAt, UpdatedAt: ep.UpdatedAt}
	sel := map[toolname.Ref]store.EndpointTool{}
	for _, t := range ep.Tools {
		sel[toolname.Ref{Server: t.ServerID, Tool: t.Tool}] = t
	}
	for _, id := range ep.ServerIDs {
		s, err := a.cfg.Store.GetServer(ctx, id)
		if err != nil {
			return v, err
		}
		v.Servers = append(v.Servers, s.Name)
		tools, err := a.cfg.Store.ListTools(ctx, id)
		if err != nil {
			return v, err
		}
		for _, t := range tools {
			v.Tools = append(v.Tools, api.EndpointTool{
				Server: s.Name, Tool: t.Name, Description: t.Description,
				ExposedName: toolname.Exposed(s.Name, t.Name, !ep.Unprefixed),
				State:       toolState(sel[toolname.Ref{Server: id, Tool: t.Name}], t),
			})
		}
	}
	return v, nil
}

func toolState(sel store.EndpointTool, t store.Tool) string {
	switch {
	case !sel.Enabled:
		return api.ToolDisabled
	case sel.ApprovedHash != t.Hash:
		return api.ToolDrifted
	default:
		return api.ToolEnabled
	}
}
