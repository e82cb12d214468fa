package policy

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// Bounds on a custom role, so that one role stays cheap to evaluate.
const (
	MaxPermissions = 50
	MaxConditions  = 10
	MaxValues      = 50
	MaxValueLen    = 200
)

// unnamed are the resources that have no names to match conditions on.
var unnamed = []string{"audit", "settings"}

// PermissionError says which part of a role's permissions is wrong, as a
// JSON path such as "permissions[1].actions", and why.
type PermissionError struct {
	Field   string
	Message string
}

func (e *PermissionError) Error() string { return e.Field + ": " + e.Message }

func permErr(field, format string, args ...any) *PermissionError {
	return &PermissionError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// ValidatePermissions checks the permissions of a custom role before it
// is saved and returns them normalized: names trimmed, actions in the
// order of Resources without duplicates. The error is a *PermissionError.
func ValidatePermissions(ps []store.Permission) ([]store.Permission, error) {
	if len(ps) > MaxPermissions {
		return nil, permErr("permissions", "at most %d permissions", MaxPermissions)
	}
	out := make([]store.Permission, 0, len(ps))
	for i, p := range ps {
		n, err := validatePermission(fmt.Sprintf("permissions[%d]", i), p)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

func validatePermission(field string, p store.Permission) (store.Permission, error) {
	res := strings.TrimSpace(p.Resource)
	verbs, ok := Resources[res]
	if !ok {
		return p, permErr(field+".resource", "unknown resource %q: use one of %s", res, strings.Join(ResourceNames, ", "))
	}
	if len(p.Actions) == 0 {
		return p, permErr(field+".actions", "name at least one of %s", strings.Join(verbs, ", "))
	}
	var acts []string
	for _, a := range p.Actions {
		a = strings.TrimSpace(a)
		if !slices.Contains(verbs, a) {
			return p, permErr(field+".actions", "%q does not apply to %s: use %s", a, res, strings.Join(verbs, ", "))
		}
		acts = append(acts, a)
	}
	n := store.Permission{Resource: res}
	for _, v := range verbs { // canonical order, no duplicates
		if slices.Contains(acts, v) {
			n.Actions = append(n.Actions, v)
		}
	}
	if len(p.Conditions) > 0 && slices.Contains(unnamed, res) {
		return p, permErr(field+".conditions", "%s has no names to match: drop the conditions", res)
	}
	if len(p.Conditions) > MaxConditions {
		return p, permErr(field+".conditions", "at most %d conditions", MaxConditions)
	}
	for j, c := range p.Conditions {
		nc, err := validateCondition(fmt.Sprintf("%s.conditions[%d]", field, j), c)
		if err != nil {
			return p, err
		}
		n.Conditions = append(n.Conditions, nc)
	}
	return n, nil
}

func validateCondition(field string, c store.Condition) (store.Condition, error) {
	op := strings.TrimSpace(c.Op)
	n := store.Condition{Op: op}
	for _, v := range c.Values {
		v = strings.TrimSpace(v)
		switch {
		case v == "":
			return c, permErr(field+".values", "a value is empty")
		case len(v) > MaxValueLen:
			return c, permErr(field+".values", "a value is longer than %d characters", MaxValueLen)
		case strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }):
			return c, permErr(field+".values", "a value holds a control character")
		}
		n.Values = append(n.Values, v)
	}
	switch op {
	case OpEq, OpNe, OpGlob:
		if len(n.Values) != 1 {
			return c, permErr(field+".values", "%s takes exactly one value, got %d", op, len(n.Values))
		}
	case OpIn:
		if len(n.Values) == 0 || len(n.Values) > MaxValues {
			return c, permErr(field+".values", "in takes 1 to %d values, got %d", MaxValues, len(n.Values))
		}
	default:
		return c, permErr(field+".op", "unknown operator %q: use eq, ne, glob or in", op)
	}
	if op == OpGlob {
		if _, err := path.Match(n.Values[0], ""); err != nil {
			return c, permErr(field+".values", "malformed glob %q: use *, ? and [a-z] as in team-a-*", n.Values[0])
		}
	}
	return n, nil
}
