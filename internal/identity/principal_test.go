package identity

import (
	"reflect"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// TestVerifyResolvesCustomRole: a token's principal carries its custom
// role's permissions, resolved once per verification; a role that does
// not exist stays unresolved, and a built-in role needs no lookup.
func TestVerifyResolvesCustomRole(t *testing.T) {
	st := newStore(t)
	ctx := t.Context()
	now := time.Now().UTC()
	perms := []store.Permission{{Resource: "endpoints", Actions: []string{"read", "edit"},
		Conditions: []store.Condition{{Op: "glob", Values: []string{"team-a-*"}}}}}
	if err := st.CreateRole(ctx, store.Role{ID: "rol_1", Name: "team-a", Permissions: perms, CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	token := func(email, role string) string {
		u := store.User{ID: NewID("usr"), Email: email, Role: role, CreatedAt: now, UpdatedAt: now}
		text, hash := NewToken()
		for _, err := range []error{st.CreateUser(ctx, u),
			st.CreateAPIToken(ctx, store.APIToken{ID: NewID("tok"), Name: "t", UserID: u.ID, Hash: hash, Prefix: text[:8], CreatedAt: now})} {
			if err != nil {
				t.Fatal(err)
			}
		}
		return text
	}
	v := NewVerifier(st, nil, func() time.Time { return now }, 0)
	tests := []struct {
		email, role, custom string
		perms               []store.Permission
	}{
		{"a@example.com", "team-a", "team-a", perms},
		{"b@example.com", "gone", "", nil},
		{"c@example.com", store.RoleEditor, "", nil},
	}
	for _, tc := range tests {
		p, err := v.Verify(ctx, token(tc.email, tc.role))
		if err != nil {
			t.Fatal(err)
		}
		if p.Role != tc.role || p.CustomRole != tc.custom || !reflect.DeepEqual(p.Permissions, tc.perms) {
			t.Errorf("%s: principal role %q custom %q perms %+v; want %q %+v", tc.email, p.Role, p.CustomRole, p.Permissions, tc.custom, tc.perms)
		}
	}
}
