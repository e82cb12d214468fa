package cli

import (
	"fmt"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// permissionSyntax is the help text of the --permission flag.
const permissionSyntax = "A permission is RESOURCE:ACTIONS[:CONDITIONS]:\n" +
	"  RESOURCE    servers, endpoints, audit, users, groups, roles, service-accounts, settings, clients\n" +
	"  ACTIONS     comma-separated: read, create, edit, delete, connect (endpoints), export (audit)\n" +
	"  CONDITIONS  on the resource's name, ';'-separated, all must hold:\n" +
	"              eq=NAME, ne=NAME, glob=PATTERN (*, ?, [a-z]), in=A|B|C\n" +
	"Without conditions a permission covers every resource of the kind; with them it\n" +
	"covers the named ones only (lists show just those).\n" +
	"The server checks every permission when the role is saved, and refuses any you\n" +
	"do not hold yourself."

// parsePermission reads the text form of a permission, e.g.
// "endpoints:read,edit:glob=team-a-*". It checks the shape only; the
// server validates names of resources, actions and operators.
func parsePermission(s string) (api.Permission, error) {
	parts := strings.SplitN(strings.TrimSpace(s), ":", 3)
	if len(parts) < 2 || strings.TrimSpace(parts[0]) == "" {
		return api.Permission{}, fmt.Errorf("permission %q: want RESOURCE:ACTIONS[:CONDITIONS], e.g. endpoints:read,edit:glob=team-a-*", s)
	}
	p := api.Permission{Resource: strings.TrimSpace(parts[0])}
	for a := range strings.SplitSeq(parts[1], ",") {
		if a = strings.TrimSpace(a); a != "" {
			p.Actions = append(p.Actions, a)
		}
	}
	if len(p.Actions) == 0 {
		return api.Permission{}, fmt.Errorf("permission %q: name at least one action, e.g. %s:read", s, p.Resource)
	}
	if len(parts) < 3 {
		return p, nil
	}
	for c := range strings.SplitSeq(parts[2], ";") {
		op, value, ok := strings.Cut(strings.TrimSpace(c), "=")
		op = strings.TrimSpace(op)
		if !ok || op == "" || value == "" {
			return api.Permission{}, fmt.Errorf("permission %q: condition %q: want eq=, ne=, glob= or in= and a value", s, c)
		}
		cond := api.Condition{Op: op, Values: []string{value}}
		if op == "in" {
			cond.Values = strings.Split(value, "|")
		}
		p.Conditions = append(p.Conditions, cond)
	}
	return p, nil
}

// formatPermission writes p in the text form parsePermission reads.
func formatPermission(p api.Permission) string {
	s := p.Resource + ":" + strings.Join(p.Actions, ",")
	conds := make([]string, 0, len(p.Conditions))
	for _, c := range p.Conditions {
		conds = append(conds, c.Op+"="+strings.Join(c.Values, "|"))
	}
	if len(conds) > 0 {
		s += ":" + strings.Join(conds, ";")
	}
	return s
}
