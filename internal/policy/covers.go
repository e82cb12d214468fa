package policy

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// Covers reports whether p holds every permission in perms, so that p may
// put them in a role or assign a role that has them: each action must be
// allowed to p by a permission on the same resource that is
// unconditional or has exactly the same conditions. When it does not, it
// returns the field of the first permission beyond p, e.g.
// "permissions[2].actions".
func Covers(p identity.Principal, perms []store.Permission) (string, bool) {
	mine, known := permissionsOf(p)
	for i, want := range perms {
		for _, v := range want.Actions {
			if !known || !covered(mine, want, v) {
				return fmt.Sprintf("permissions[%d].actions", i), false
			}
		}
	}
	return "", true
}

func covered(mine []permission, want store.Permission, verb string) bool {
	for i := range mine {
		m := &mine[i]
		if m.Resource != want.Resource || !slices.Contains(m.Actions, verb) {
			continue
		}
		if len(m.Conditions) == 0 || reflect.DeepEqual(m.Conditions, want.Conditions) {
			return true
		}
	}
	return false
}
