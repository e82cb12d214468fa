package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/apiclient"
)

func groupCmd() *command {
	return &command{
		name:    "group",
		aliases: []string{"groups"},
		summary: "List groups of users (SSO groups follow the identity provider)",
		example: "switchboard group list\nswitchboard group list --json",
		subs:    []*command{groupListCmd()},
	}
}

func groupListCmd() *command {
	return listCmd("List groups and their members",
		"switchboard group list\nswitchboard group list --json",
		(*apiclient.Client).ListGroups, printGroups)
}

// printGroups prints one row per group; a member managed by SSO is
// marked "(sso)".
func printGroups(w io.Writer, groups []api.Group) error {
	if len(groups) == 0 {
		fmt.Fprintln(w, "No groups.")
		return nil
	}
	t := newTable(w, "NAME", "SOURCE", "MEMBERS", "CREATED", "ID")
	for _, g := range groups {
		names := make([]string, 0, len(g.Members))
		for _, m := range g.Members {
			n := m.Email
			if m.Source == "sso" {
				n += " (sso)"
			}
			names = append(names, n)
		}
		members := strings.Join(names, ", ")
		if members == "" {
			members = "-"
		}
		t.row(g.Name, g.Source, members, fmtTime(g.CreatedAt), g.ID)
	}
	return t.flush()
}
