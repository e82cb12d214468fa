package cli

import (
	"context"
	"flag"
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
		summary: "Manage groups of users (SSO groups follow the identity provider)",
		example: "switchboard group create sre\nswitchboard group add-member sre ada@example.com\n" +
			"switchboard endpoint grant prod --group sre\nswitchboard group list --json",
		subs: []*command{groupListCmd(), groupCreateCmd(), groupAddMemberCmd(), groupRemoveMemberCmd(), groupDeleteCmd()},
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

func groupCreateCmd() *command {
	return &command{
		name:    "create",
		summary: "Create a local group",
		args:    "NAME [flags]",
		long:    "Grant the group endpoints with `switchboard endpoint grant ENDPOINT --group NAME`.",
		example: "switchboard group create sre",
		setup: func(fs *flag.FlagSet) action {
			asJSON := fs.Bool("json", false, "print the API's JSON answer")
			return func(ctx context.Context, s *session, args []string) error {
				name, err := oneArg(args, "NAME")
				if err != nil {
					return err
				}
				c, err := s.client()
				if err != nil {
					return err
				}
				g, err := c.CreateGroup(ctx, name)
				if err != nil {
					return err
				}
				if *asJSON {
					return printJSON(s.io.Out, g)
				}
				fmt.Fprintf(s.io.Out, "Created group %q. Add members with:\n  switchboard group add-member %s EMAIL\n", g.Name, g.Name)
				return nil
			}
		},
	}
}

func groupAddMemberCmd() *command {
	return groupMemberCmd("add-member", "Add a user to a group", "switchboard group add-member sre ada@example.com",
		(*apiclient.Client).AddGroupMember, "Added %s to group %q.\n")
}

func groupRemoveMemberCmd() *command {
	return groupMemberCmd("remove-member", "Take a user out of a group (an SSO membership returns at their next sign-in)",
		"switchboard group remove-member sre ada@example.com", (*apiclient.Client).RemoveGroupMember, "Removed %s from group %q.\n")
}

// groupMemberCmd builds add-member and remove-member: GROUP EMAIL.
func groupMemberCmd(name, summary, example string,
	call func(*apiclient.Client, context.Context, string, string) (*api.Group, error), done string,
) *command {
	return &command{
		name:    name,
		summary: summary,
		args:    "GROUP EMAIL [flags]",
		example: example,
		setup: func(fs *flag.FlagSet) action {
			asJSON := fs.Bool("json", false, "print the API's JSON answer: the group afterwards")
			return func(ctx context.Context, s *session, args []string) error {
				if len(args) != 2 {
					return usageErrorf("want GROUP EMAIL, got %d arguments", len(args))
				}
				c, err := s.client()
				if err != nil {
					return err
				}
				g, err := call(c, ctx, args[0], args[1])
				if err != nil {
					return err
				}
				if *asJSON {
					return printJSON(s.io.Out, g)
				}
				fmt.Fprintf(s.io.Out, done, args[1], g.Name)
				return nil
			}
		},
	}
}

func groupDeleteCmd() *command {
	return deleteCmd("Delete a group with its memberships and endpoint grants", "group",
		"switchboard group delete sre", (*apiclient.Client).DeleteGroup)
}
