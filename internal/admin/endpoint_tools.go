package admin

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/toolname"
)

// toolChange is one validated enable or disable.
type toolChange struct {
	ref    toolname.Ref // by server ID
	hash   string
	enable bool
}

func (a *API) updateTools(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	var req api.UpdateToolsRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	ep, err := a.endpoint(ctx, r.PathValue("name"))
	if err != nil {
		return err
	}
	if len(req.Enable)+len(req.Disable) == 0 {
		return invalid("enable", "name at least one tool to enable or disable, as server/tool")
	}
	changes, names, err := a.toolChanges(ctx, ep, req)
	if err != nil {
		return err
	}
	before, err := a.endpointView(ctx, ep)
	if err != nil {
		return err
	}
	ep, err = a.cfg.Store.UpdateEndpoint(ctx, ep.ID, func(e store.Endpoint) (store.Endpoint, error) {
		e.Tools = applyToolChanges(e.Tools, changes)
		e.UpdatedAt = a.cfg.Now().UTC()
		return e, checkCollisions(e, names)
	})
	if err != nil {
		return err
	}
	after, err := a.endpointView(ctx, ep)
	if err != nil {
		return err
	}
	if err := a.record(ctx, p, audit.CodeEndpointUpdate, target{endpoint: ep.Name}, toolStates(before), toolStates(after)); err != nil {
		return err
	}
	a.changed(ctx)
	writeJSON(w, http.StatusOK, after)
	return nil
}

// toolChanges resolves "server/tool" references against ep's servers and
// their catalogs. names maps server IDs to names for collision checks.
func (a *API) toolChanges(ctx context.Context, ep store.Endpoint, req api.UpdateToolsRequest) ([]toolChange, map[string]string, error) {
	names := map[string]string{}
	byName := map[string]map[string]store.Tool{}
	for _, id := range ep.ServerIDs {
		s, err := a.cfg.Store.GetServer(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		tools, err := a.cfg.Store.ListTools(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		names[id] = s.Name
		byName[s.Name] = map[string]store.Tool{}
		for _, t := range tools {
			byName[s.Name][t.Name] = t
		}
	}
	var out []toolChange
	for _, list := range []struct {
		field  string
		refs   []string
		enable bool
	}{{"enable", req.Enable, true}, {"disable", req.Disable, false}} {
		for _, ref := range list.refs {
			server, tool, ok := strings.Cut(ref, "/")
			if !ok || server == "" || tool == "" {
				return nil, nil, invalid(list.field, "%q must be written as server/tool", ref)
			}
			catalog, ok := byName[server]
			if !ok {
				return nil, nil, invalid(list.field, "server %q is not part of endpoint %q", server, ep.Name)
			}
			t, ok := catalog[tool]
			if !ok {
				return nil, nil, invalid(list.field, "server %q has no tool %q; run `switchboard server sync %s` if it is new", server, tool, server)
			}
			if list.enable && !objectSchema(t.InputSchema) {
				return nil, nil, invalid(list.field, "tool %s has an input schema that is not a JSON object schema, so it cannot be exposed", ref)
			}
			out = append(out, toolChange{ref: toolname.Ref{Server: t.ServerID, Tool: t.Name}, hash: t.Hash, enable: list.enable})
		}
	}
	return out, names, nil
}

func applyToolChanges(tools []store.EndpointTool, changes []toolChange) []store.EndpointTool {
	for _, c := range changes {
		i := indexTool(tools, c.ref)
		if i < 0 {
			tools = append(tools, store.EndpointTool{ServerID: c.ref.Server, Tool: c.ref.Tool})
			i = len(tools) - 1
		}
		tools[i].Enabled = c.enable
		if c.enable {
			tools[i].ApprovedHash = c.hash // enabling approves the current definition
		}
	}
	return tools
}

func indexTool(tools []store.EndpointTool, ref toolname.Ref) int {
	for i, t := range tools {
		if t.ServerID == ref.Server && t.Tool == ref.Tool {
			return i
		}
	}
	return -1
}

// checkCollisions refuses a selection in which two enabled tools would
// share an exposed name.
func checkCollisions(e store.Endpoint, names map[string]string) error {
	var refs []toolname.Ref
	for _, t := range e.Tools {
		if t.Enabled {
			refs = append(refs, toolname.Ref{Server: names[t.ServerID], Tool: t.Tool})
		}
	}
	if _, err := toolname.Assign(refs, !e.Unprefixed); err != nil {
		var ce *toolname.CollisionError
		if errors.As(err, &ce) {
			return conflict("enable", "%s", ce.Error())
		}
		return err
	}
	return nil
}

func objectSchema(raw json.RawMessage) bool {
	var s struct {
		Type string `json:"type"`
	}
	return json.Unmarshal(raw, &s) == nil && s.Type == "object"
}

// toolStates is the part of an endpoint that a tool change audits.
func toolStates(v api.Endpoint) map[string]string {
	out := map[string]string{}
	for _, t := range v.Tools {
		if t.State != api.ToolDisabled {
			out[t.Server+"/"+t.Tool] = t.State
		}
	}
	return out
}
