package server

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// TestAccessControlWithCLI drives custom roles, groups and service
// account deletion through the real CLI against a whole server: what the
// CLI sends is what the server stores, bad permissions are refused at
// save time with the field named, a role still assigned cannot go, and
// the user's token follows the role.
func TestAccessControlWithCLI(t *testing.T) {
	is := newIntegrityServer(t)
	ctx := t.Context()
	run := func(want int, args ...string) string {
		t.Helper()
		code, out, errOut := is.cli(t, args...)
		if code != want {
			t.Fatalf("switchboard %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, want, out, errOut)
		}
		return out + errOut
	}
	run(0, "role", "create", "team-a", "--permission", "endpoints:read,edit:glob=team-a-*", "--permission", "roles:read",
		"--description", "Team A")
	if out := run(0, "role", "list"); !strings.Contains(out, "endpoints:read,edit:glob=team-a-*") || !strings.Contains(out, "auditor (built-in)") {
		t.Errorf("role list:\n%s", out)
	}
	out := run(1, "role", "create", "bad", "--permission", "audit:delete")
	if !strings.Contains(out, "permissions[0].actions") || !strings.Contains(out, "read, export") {
		t.Errorf("bad permission: %s", out)
	}
	out = run(1, "role", "create", "bad", "--permission", "endpoints:edit:glob=team-[a")
	if !strings.Contains(out, "malformed glob") {
		t.Errorf("bad glob: %s", out)
	}

	run(0, "user", "create", "--email", "ann@example.com", "--role", "member")
	run(0, "role", "assign", "team-a", "ann@example.com")
	u, err := is.s.store.GetUserByEmail(ctx, "ann@example.com")
	if err != nil || u.Role != "team-a" {
		t.Fatalf("ann = %+v %v", u, err)
	}
	text, hash := identity.NewToken()
	if err := is.s.store.CreateAPIToken(ctx, store.APIToken{ID: identity.NewID("tok"), Name: "t", UserID: u.ID, Hash: hash,
		Prefix: text[:8], CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	as := func(args ...string) (int, string) {
		saved := is.token
		is.token = text
		defer func() { is.token = saved }()
		code, out, errOut := is.cli(t, args...)
		return code, out + errOut
	}
	if code, out := as("role", "show", "team-a", "--json"); code != 0 || !strings.Contains(out, `"glob"`) {
		t.Errorf("ann reads her role: %d %s", code, out)
	}
	if code, out := as("role", "create", "wider", "--permission", "endpoints:edit"); code == 0 || !strings.Contains(out, "does not allow") {
		t.Errorf("ann creates a role: %d %s", code, out)
	}

	out = run(1, "role", "delete", "team-a")
	if !strings.Contains(out, "assigned to 1 users") {
		t.Errorf("delete of an assigned role: %s", out)
	}
	run(0, "role", "assign", "member", "ann@example.com")
	run(0, "role", "delete", "team-a")

	run(0, "group", "create", "sre")
	run(0, "group", "add-member", "sre", "ann@example.com")
	var groups api.List[api.Group]
	if err := json.Unmarshal([]byte(run(0, "group", "list", "--json")), &groups); err != nil || len(groups.Items) != 1 ||
		len(groups.Items[0].Members) != 1 || groups.Items[0].Members[0].Email != "ann@example.com" {
		t.Errorf("group list: %+v %v", groups, err)
	}
	run(0, "group", "remove-member", "sre", "ann@example.com")
	run(0, "group", "delete", "sre")
	run(0, "service-account", "create", "ci")
	run(0, "service-account", "delete", "ci")
	if out := run(0, "service-account", "list"); strings.Contains(out, "ci ") {
		t.Errorf("service account list after delete:\n%s", out)
	}

	evs, err := is.s.store.ListAudit(ctx, store.AuditFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, ev := range evs {
		seen[ev.Code] = true
	}
	for _, code := range []string{audit.CodeRoleCreated, audit.CodeRoleDeleted, audit.CodeUserUpdated, audit.CodeGroupCreated,
		audit.CodeGroupMemberAdded, audit.CodeGroupMemberRemoved, audit.CodeGroupDeleted, audit.CodeServiceAccountDeleted} {
		if !seen[code] {
			t.Errorf("no %s event", code)
		}
	}
}
