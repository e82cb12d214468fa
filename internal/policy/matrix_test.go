package policy

import (
	"errors"
	"fmt"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// matrixCases are the (action, resource name) pairs every principal of
// TestAuthorizeMatrix is asked about. Connect uses the endpoint ID
// "ep_"+name for grants and the name for role conditions.
var matrixCases = []struct {
	action Action
	name   string
}{
	{ServersRead, ""}, {ServersRead, "github"}, {ServersCreate, ""}, {ServersEdit, "github"},
	{ServersEdit, "gitlab"}, {ServersDelete, "github"},
	{EndpointsRead, ""}, {EndpointsRead, "team-a-x"}, {EndpointsRead, "prod"}, {EndpointsCreate, ""},
	{EndpointsEdit, "team-a-x"}, {EndpointsEdit, "team-b-x"}, {EndpointsEdit, "team-a"},
	{EndpointsDelete, "team-a-x"}, {EndpointConnect, "team-a-x"}, {EndpointConnect, "prod"},
	{AuditRead, ""}, {AuditExport, ""},
	{UsersRead, ""}, {UsersEdit, "ada@example.com"}, {GroupsRead, ""}, {GroupsEdit, "sre"},
	{GroupsCreate, ""}, {GroupsDelete, "sre"}, {RolesRead, ""}, {RolesCreate, ""}, {RolesEdit, "team-a"},
	{RolesDelete, "team-a"}, {ServiceAccountsRead, "ci"}, {ServiceAccountsRead, "deploy"},
	{ServiceAccountsDelete, "bot"}, {ServiceAccountsEdit, "ci"}, {ServiceAccountsRead, ""},
	{SettingsEdit, ""}, {ClientsRead, ""}, {ClientsEdit, ""},
	{TokensOwn, ""}, {ConnectionsOwn, ""}, {Authenticated, ""},
	{Action("servers.nuke"), "github"}, {Action("nonsense"), ""},
}

// custom returns a user principal with a resolved custom role.
func custom(name string, perms ...store.Permission) identity.Principal {
	return identity.Principal{Type: "user", ID: "usr_" + name, Role: name, CustomRole: name, Permissions: perms}
}

func perm(resource string, actions []string, conds ...store.Condition) store.Permission {
	return store.Permission{Resource: resource, Actions: actions, Conditions: conds}
}

func cond(op string, values ...string) store.Condition {
	return store.Condition{Op: op, Values: values}
}

var own = []string{"tokens.own:", "connections.own:", "authenticated:"}

func TestAuthorizeMatrix(t *testing.T) {
	teamA := custom("team-a-editor",
		perm("endpoints", []string{"read", "edit", "connect"}, cond(OpGlob, "team-a-*")),
		perm("servers", []string{"read"}))
	principals := []struct {
		name  string
		p     identity.Principal
		allow []string // "action:name" keys; every other case must be denied
	}{
		{"admin", identity.Principal{Type: "user", Role: store.RoleAdmin}, nil}, // nil = every known action
		{"editor", identity.Principal{Type: "user", Role: store.RoleEditor}, append([]string{
			"servers.read:", "servers.read:github", "servers.create:", "servers.edit:github", "servers.edit:gitlab",
			"servers.delete:github", "endpoints.read:", "endpoints.read:team-a-x", "endpoints.read:prod",
			"endpoints.create:", "endpoints.edit:team-a-x", "endpoints.edit:team-b-x", "endpoints.edit:team-a",
			"endpoints.delete:team-a-x", "endpoints.connect:team-a-x", "endpoints.connect:prod"}, own...)},
		{"auditor", identity.Principal{Type: "user", Role: store.RoleAuditor},
			append([]string{"audit.read:", "audit.export:"}, own...)},
		{"member", identity.Principal{Type: "user", Role: store.RoleMember}, own},
		{"member with a grant", identity.Principal{Type: "user", Role: store.RoleMember, Endpoints: []string{"ep_prod"}},
			append([]string{"endpoints.connect:prod"}, own...)},
		{"custom glob", teamA, append([]string{"servers.read:", "servers.read:github", "endpoints.read:team-a-x",
			"endpoints.edit:team-a-x", "endpoints.connect:team-a-x"}, own...)},
		{"custom eq", custom("github-editor", perm("servers", []string{"edit", "read"}, cond(OpEq, "github"))),
			append([]string{"servers.read:github", "servers.edit:github"}, own...)},
		{"custom ne", custom("not-prod", perm("endpoints", []string{"read", "delete"}, cond(OpNe, "prod"))),
			append([]string{"endpoints.read:team-a-x", "endpoints.delete:team-a-x"}, own...)},
		{"custom in", custom("bots", perm("service-accounts", []string{"read", "delete"}, cond(OpIn, "ci", "bot"))),
			append([]string{"service-accounts.read:ci", "service-accounts.delete:bot"}, own...)},
		{"custom glob and ne", custom("a-not-x", perm("endpoints", []string{"edit"}, cond(OpGlob, "team-a*"), cond(OpNe, "team-a"))),
			append([]string{"endpoints.edit:team-a-x"}, own...)},
		{"custom unconditional", custom("auditors-plus", perm("audit", []string{"read"}), perm("groups", []string{"read", "edit"}),
			perm("roles", []string{"read"})),
			append([]string{"audit.read:", "groups.read:", "groups.edit:sre", "roles.read:"}, own...)},
		{"custom role with no permissions", custom("nothing"), own},
		{"custom role not resolved", identity.Principal{Type: "user", Role: "team-a-editor", Permissions: teamA.Permissions}, nil},
		{"custom role resolved for another name", identity.Principal{Type: "user", Role: "other", CustomRole: "team-a-editor",
			Permissions: teamA.Permissions}, nil},
		{"service account with grant", identity.Principal{Type: identity.PrincipalServiceAccount, Role: store.RoleAdmin,
			Endpoints: []string{"ep_prod"}, EndpointID: "ep_prod"}, []string{"endpoints.connect:prod"}},
		{"no principal", identity.Principal{}, nil},
	}
	for _, pc := range principals {
		allowed := map[string]bool{}
		for _, k := range pc.allow {
			allowed[k] = true
		}
		for _, c := range matrixCases {
			key := fmt.Sprintf("%s:%s", c.action, c.name)
			want := allowed[key]
			if pc.name == "admin" {
				want = c.action != "servers.nuke" && c.action != "nonsense"
			}
			t.Run(pc.name+"/"+key, func(t *testing.T) {
				err := AuthorizeNamed(pc.p, c.action, "ep_"+c.name, c.name)
				if c.action != EndpointConnect {
					err = Authorize(pc.p, c.action, c.name)
				}
				if want && err != nil {
					t.Errorf("denied: %v", err)
				}
				if !want && !errors.Is(err, ErrDenied) {
					t.Errorf("err = %v, want ErrDenied", err)
				}
			})
		}
	}
}

// TestBuiltinRolesAreDocumentedSets keeps the built-in roles as the issue
// describes them.
func TestBuiltinRolesAreDocumentedSets(t *testing.T) {
	for _, r := range store.BuiltinRoles {
		if !ValidRole(r) {
			t.Errorf("built-in role %q unknown to policy", r)
		}
		ps, _ := BuiltinPermissions(r)
		if _, err := ValidatePermissions(ps); err != nil {
			t.Errorf("built-in role %q does not validate: %v", r, err)
		}
	}
	if ValidRole("team-a-editor") {
		t.Error("a custom role name is not a built-in role")
	}
}

// BenchmarkAuthorize measures a decision for a custom role of ten
// permissions whose match is the last one, behind a glob.
func BenchmarkAuthorize(b *testing.B) {
	var perms []store.Permission
	for _, r := range []string{"servers", "audit", "users", "groups", "roles", "service-accounts", "settings", "clients", "servers"} {
		perms = append(perms, perm(r, []string{"read"}))
	}
	perms = append(perms, perm("endpoints", []string{"read", "edit", "connect"}, cond(OpGlob, "team-a-*"), cond(OpNe, "team-a-prod")))
	p := custom("team-a", perms...)
	p.Endpoints = []string{"ep_0", "ep_1"}
	for b.Loop() {
		if AuthorizeNamed(p, EndpointConnect, "ep_9", "team-a-dev") != nil {
			b.Fatal("denied")
		}
	}
}

func BenchmarkAuthorizeBuiltin(b *testing.B) {
	p := identity.Principal{Type: "user", Role: store.RoleMember, Endpoints: []string{"ep_0", "ep_1"}}
	for b.Loop() {
		_ = Authorize(p, EndpointConnect, "ep_1")
	}
}

func TestCovers(t *testing.T) {
	teamA := []store.Permission{perm("endpoints", []string{"read", "edit"}, cond(OpGlob, "team-a-*"))}
	holder := custom("team-a-admin", append([]store.Permission{perm("roles", []string{"create"})}, teamA...)...)
	tests := []struct {
		name  string
		p     identity.Principal
		perms []store.Permission
		field string
	}{
		{"admin covers everything", identity.Principal{Role: store.RoleAdmin}, teamA, ""},
		{"same conditions", holder, teamA, ""},
		{"fewer actions", holder, []store.Permission{perm("endpoints", []string{"read"}, cond(OpGlob, "team-a-*"))}, ""},
		{"wider than held", holder, []store.Permission{perm("servers", []string{"read"}), perm("endpoints", []string{"read"})}, "permissions[0].actions"},
		{"unconditional beyond a glob", holder, []store.Permission{teamA[0], perm("endpoints", []string{"edit"})}, "permissions[1].actions"},
		{"other glob", holder, []store.Permission{perm("endpoints", []string{"edit"}, cond(OpGlob, "*"))}, "permissions[0].actions"},
		{"editor gives audit", identity.Principal{Role: store.RoleEditor}, []store.Permission{perm("audit", []string{"read"})}, "permissions[0].actions"},
		{"service account", identity.Principal{Type: identity.PrincipalServiceAccount}, teamA, "permissions[0].actions"},
		{"nothing to cover", identity.Principal{Role: store.RoleMember}, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			field, ok := Covers(tc.p, tc.perms)
			if field != tc.field || ok != (tc.field == "") {
				t.Errorf("Covers = %q, %v; want %q", field, ok, tc.field)
			}
		})
	}
}

func TestAuthorizeSome(t *testing.T) {
	teamA := custom("team-a", perm("endpoints", []string{"read"}, cond(OpGlob, "team-a-*")))
	tests := []struct {
		name   string
		p      identity.Principal
		action Action
		allow  bool
	}{
		{"conditional read", teamA, EndpointsRead, true},
		{"no edit at all", teamA, EndpointsEdit, false},
		{"other resource", teamA, ServersRead, false},
		{"built-in unconditional", identity.Principal{Role: store.RoleEditor}, ServersRead, true},
		{"member", identity.Principal{Role: store.RoleMember}, ServersRead, false},
		{"unresolved custom role", identity.Principal{Role: "team-a", Permissions: teamA.Permissions}, EndpointsRead, false},
		{"service account", identity.Principal{Type: identity.PrincipalServiceAccount}, EndpointsRead, false},
	}
	for _, tc := range tests {
		if err := AuthorizeSome(tc.p, tc.action); (err == nil) != tc.allow {
			t.Errorf("%s: AuthorizeSome = %v, want allow %v", tc.name, err, tc.allow)
		}
	}
}
