package policy

import (
	"path"
	"slices"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// Condition operators on a resource's name.
const (
	OpEq   = "eq"   // the name is the value
	OpNe   = "ne"   // the name is not the value
	OpGlob = "glob" // the name matches the pattern, path.Match semantics
	OpIn   = "in"   // the name is one of the values
)

// allows reports whether perm lets verb act on the resource kind and
// name. A permission with conditions never matches "" (the collection).
func allows(perm *store.Permission, resource, verb, name string) bool {
	if perm.Resource != resource || !slices.Contains(perm.Actions, verb) {
		return false
	}
	if len(perm.Conditions) == 0 {
		return true
	}
	if name == "" {
		return false
	}
	for i := range perm.Conditions {
		if !holds(&perm.Conditions[i], name) {
			return false
		}
	}
	return true
}

// holds evaluates one condition; an unknown operator or a malformed
// pattern is false, so a role that escaped validation denies.
func holds(c *store.Condition, name string) bool {
	switch {
	case c.Op == OpIn:
		return slices.Contains(c.Values, name)
	case len(c.Values) != 1:
		return false
	case c.Op == OpEq:
		return name == c.Values[0]
	case c.Op == OpNe:
		return name != c.Values[0]
	case c.Op == OpGlob:
		ok, err := path.Match(c.Values[0], name)
		return ok && err == nil
	}
	return false
}
