package gateway

import (
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// TestCustomRoleConnectsByGlob: a user whose custom role allows connect on
// endpoints matching team-a-* connects at /mcp/team-a-dev without a grant,
// not at /mcp/team-b-dev; when the role loses connect the next
// verification refuses them.
func TestCustomRoleConnectsByGlob(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	up := newFakeUpstream(t, "", "")
	s := e.addServer(t, "one", up.srv.URL, store.AuthNone, "", "")
	e.addEndpoint(t, "team-a-dev", []store.Server{s}, "one/echo")
	e.addEndpoint(t, "team-b-dev", []store.Server{s}, "one/echo")
	role := store.Role{ID: identity.NewID("rol"), Name: "team-a", CreatedAt: e.now, UpdatedAt: e.now,
		Permissions: []store.Permission{{Resource: "endpoints", Actions: []string{"connect"},
			Conditions: []store.Condition{{Op: "glob", Values: []string{"team-a-*"}}}}}}
	u := store.User{ID: identity.NewID("usr"), Email: "a@example.com", Role: role.Name, CreatedAt: e.now, UpdatedAt: e.now}
	text, hash := identity.NewToken()
	for _, err := range []error{
		e.st.CreateRole(ctx, role), e.st.CreateUser(ctx, u),
		e.st.CreateAPIToken(ctx, store.APIToken{ID: identity.NewID("tok"), Name: "t", UserID: u.ID, Hash: hash, Prefix: text[:8], CreatedAt: e.now}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	cs, err := e.connectAs(text, "team-a-dev")
	if err != nil {
		t.Fatalf("connect by glob: %v", err)
	}
	if _, err := cs.ListTools(ctx, nil); err != nil {
		t.Fatalf("tools/list: %v", err)
	}
	cs.Close()
	if _, err := e.connectAs(text, "team-b-dev"); err == nil {
		t.Fatal("connected to an endpoint outside the glob")
	}

	if _, err := e.st.UpdateRole(ctx, role.ID, func(r store.Role) (store.Role, error) {
		r.Permissions = []store.Permission{{Resource: "endpoints", Actions: []string{"read"}}}
		r.UpdatedAt = time.Now()
		return r, nil
	}); err != nil {
		t.Fatal(err)
	}
	e.skew.Add(int64(identity.MaxTokenCacheTTL))
	if _, err := e.connectAs(text, "team-a-dev"); err == nil {
		t.Fatal("connected after the role lost connect")
	}
}
