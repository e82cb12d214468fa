package policy

import (
	"errors"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

func TestAuthorize(t *testing.T) {
	tests := []struct {
		name     string
		p        identity.Principal
		action   Action
		resource string
		allow    bool
	}{
		{"admin edits servers", identity.Principal{Role: store.RoleAdmin}, ServersEdit, "", true},
		{"editor edits endpoints", identity.Principal{Role: store.RoleEditor}, EndpointsEdit, "", true},
		{"editor cannot read audit", identity.Principal{Role: store.RoleEditor}, AuditRead, "", false},
		{"auditor reads audit", identity.Principal{Role: store.RoleAuditor}, AuditRead, "", true},
		{"auditor cannot edit servers", identity.Principal{Role: store.RoleAuditor}, ServersEdit, "", false},
		{"member without grant", identity.Principal{Role: store.RoleMember}, EndpointConnect, "ep_1", false},
		{"member with grant", identity.Principal{Role: store.RoleMember, Endpoints: []string{"ep_0", "ep_1"}}, EndpointConnect, "ep_1", true},
		{"member with another grant", identity.Principal{Role: store.RoleMember, Endpoints: []string{"ep_2"}}, EndpointConnect, "ep_1", false},
		{"grant does not give edit", identity.Principal{Role: store.RoleMember, Endpoints: []string{"ep_1"}}, EndpointsEdit, "ep_1", false},
		{"grant to empty resource", identity.Principal{Role: store.RoleMember, Endpoints: []string{""}}, EndpointConnect, "", false},
		{"grant without role", identity.Principal{Endpoints: []string{"ep_1"}}, EndpointConnect, "ep_1", false},
		{"auditor with grant", identity.Principal{Role: store.RoleAuditor, Endpoints: []string{"ep_1"}}, EndpointConnect, "ep_1", true},
		{"editor without grant", identity.Principal{Role: store.RoleEditor}, EndpointConnect, "ep_1", true},
		{"service account with grant and scoped token", identity.Principal{Type: "service_account", Endpoints: []string{"ep_1"}, EndpointID: "ep_1"}, EndpointConnect, "ep_1", true},
		{"service account token scoped elsewhere", identity.Principal{Type: "service_account", Endpoints: []string{"ep_1", "ep_2"}, EndpointID: "ep_2"}, EndpointConnect, "ep_1", false},
		{"service account without grant", identity.Principal{Type: "service_account", Endpoints: []string{"ep_2"}, EndpointID: "ep_1"}, EndpointConnect, "ep_1", false},
		{"service account with unscoped token", identity.Principal{Type: "service_account", Endpoints: []string{"ep_1"}}, EndpointConnect, "ep_1", false},
		{"service account reads nothing", identity.Principal{Type: "service_account", Endpoints: []string{"ep_1"}, EndpointID: "ep_1"}, Authenticated, "", false},
		{"service account with a role string", identity.Principal{Type: "service_account", Role: store.RoleAdmin, EndpointID: "ep_1"}, EndpointConnect, "ep_2", false},
		{"member with grant, token bound elsewhere", identity.Principal{Role: store.RoleMember, Endpoints: []string{"ep_1"}, EndpointID: "ep_2"}, EndpointConnect, "ep_1", false},
		{"member cannot edit", identity.Principal{Role: store.RoleMember}, EndpointsEdit, "", false},
		{"unknown role denied", identity.Principal{Role: "root"}, ServersRead, "", false},
		{"no role denied", identity.Principal{}, Authenticated, "", false},
		{"unknown action denied", identity.Principal{Role: store.RoleAdmin}, Action("servers.nuke"), "", false},
		{"public needs nothing", identity.Principal{}, Public, "", true},
		{"bound token at its endpoint", identity.Principal{Role: store.RoleAdmin, EndpointID: "ep_1"}, EndpointConnect, "ep_1", true},
		{"bound token elsewhere", identity.Principal{Role: store.RoleAdmin, EndpointID: "ep_1"}, EndpointConnect, "ep_2", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Authorize(tc.p, tc.action, tc.resource)
			if tc.allow && err != nil {
				t.Errorf("denied: %v", err)
			}
			if !tc.allow && !errors.Is(err, ErrDenied) {
				t.Errorf("err = %v, want ErrDenied", err)
			}
		})
	}
}
