package admin

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

func TestEndpointGrantLifecycle(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	amy, memberToken := f.newUser(t, "amy@example.com", store.RoleMember, false)
	devs := store.Group{ID: "grp_devs", Name: "devs", Source: store.GroupSourceLocal, CreatedAt: f.clock.Now()}
	if err := f.st.CreateGroup(ctx, devs); err != nil {
		t.Fatal(err)
	}

	var ug, gg api.EndpointGrant
	f.call(t, http.MethodPost, "/api/v1/endpoints/main/grants", map[string]any{"user": "Amy@Example.com"}, http.StatusCreated, &ug)
	if ug.PrincipalType != store.GrantUser || ug.PrincipalID != amy.ID || ug.Principal != amy.Email || ug.Endpoint != "main" {
		t.Errorf("user grant = %+v", ug)
	}
	f.call(t, http.MethodPost, "/api/v1/endpoints/main/grants", map[string]any{"group": "devs"}, http.StatusCreated, &gg)
	if gg.PrincipalType != store.GrantGroup || gg.PrincipalID != devs.ID || gg.Principal != "devs" {
		t.Errorf("group grant = %+v", gg)
	}
	if r := f.do(t, f.token, http.MethodPost, "/api/v1/endpoints/main/grants", map[string]any{"group": "devs"}); r.status != http.StatusConflict {
		t.Errorf("second grant to devs: %s, want 409", r)
	}
	if r := f.do(t, memberToken, http.MethodPost, "/api/v1/endpoints/main/grants", map[string]any{"user": amy.Email}); r.status != http.StatusForbidden {
		t.Errorf("a member granting themselves: %s, want 403", r)
	}

	var ep api.Endpoint
	f.call(t, http.MethodGet, "/api/v1/endpoints/main", nil, http.StatusOK, &ep)
	if len(ep.Grants) != 2 || ep.Grants[0].ID != gg.ID || ep.Grants[1].ID != ug.ID {
		t.Errorf("grants in GET endpoint = %+v", ep.Grants)
	}

	f.call(t, http.MethodDelete, "/api/v1/endpoints/main/grants/"+ug.ID, nil, http.StatusNoContent, nil)
	if r := f.do(t, f.token, http.MethodDelete, "/api/v1/endpoints/main/grants/"+ug.ID, nil); r.status != http.StatusNotFound {
		t.Errorf("second revoke: %s, want 404", r)
	}
	f.call(t, http.MethodGet, "/api/v1/endpoints/main", nil, http.StatusOK, &ep)
	if len(ep.Grants) != 1 || ep.Grants[0].ID != gg.ID {
		t.Errorf("grants after revoke = %+v", ep.Grants)
	}

	var granted, revoked []store.AuditEvent
	for _, ev := range f.auditEvents(t) {
		switch ev.Code {
		case audit.CodeEndpointGrant:
			granted = append(granted, ev)
		case audit.CodeEndpointRevoke:
			revoked = append(revoked, ev)
		}
	}
	if len(granted) != 2 || len(revoked) != 1 {
		t.Fatalf("granted %d, revoked %d events; want 2 and 1", len(granted), len(revoked))
	}
	var before api.EndpointGrant
	for _, ev := range granted {
		var after api.EndpointGrant
		if err := json.Unmarshal(ev.Response, &after); err != nil || (after.ID != ug.ID && after.ID != gg.ID) || len(ev.Request) != 0 {
			t.Errorf("grant event after = %s (%v), before = %s", ev.Response, err, ev.Request)
		}
	}
	if err := json.Unmarshal(revoked[0].Request, &before); err != nil || before.ID != ug.ID || len(revoked[0].Response) != 0 {
		t.Errorf("revoke event before = %s (%v), after = %s", revoked[0].Request, err, revoked[0].Response)
	}
	if revoked[0].Endpoint != "main" || revoked[0].ActorType != audit.ActorUser {
		t.Errorf("revoke event = %+v", revoked[0])
	}
}
