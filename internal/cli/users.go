package cli

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/apiclient"
)

func userCmd() *command {
	return &command{
		name:    "user",
		aliases: []string{"users"},
		summary: "Manage users",
		example: "switchboard user list\nswitchboard user create --email ada@example.com --role member",
		subs: []*command{userListCmd(), userCreateCmd(), userSetDisabledCmd("disable", true),
			userSetDisabledCmd("enable", false), userResetPasswordCmd()},
	}
}

func userListCmd() *command {
	return listCmd("List users",
		"switchboard user list\nswitchboard user list --json",
		(*apiclient.Client).ListUsers, printUsers)
}

func printUsers(w io.Writer, users []api.User) error {
	if len(users) == 0 {
		fmt.Fprintln(w, "No users.")
		return nil
	}
	t := newTable(w, "EMAIL", "NAME", "ROLE", "STATUS", "CREATED", "ID")
	for _, u := range users {
		t.row(u.Email, u.Name, u.Role, userStatus(u), fmtTime(u.CreatedAt), u.ID)
	}
	return t.flush()
}

func userStatus(u api.User) string {
	if u.Disabled {
		return "disabled"
	}
	return "active"
}

func whoamiCmd() *command {
	return &command{
		name:    "whoami",
		summary: "Show the user that SWITCHBOARD_TOKEN belongs to",
		example: "switchboard whoami\nswitchboard whoami --json",
		setup: func(fs *flag.FlagSet) action {
			asJSON := fs.Bool("json", false, "print the API's JSON")
			return func(ctx context.Context, s *session, args []string) error {
				if err := noArgs(args); err != nil {
					return err
				}
				c, err := s.client()
				if err != nil {
					return err
				}
				me, err := c.Me(ctx)
				if err != nil {
					return err
				}
				if *asJSON {
					return printJSON(s.io.Out, me)
				}
				return fields(s.io.Out, "Email", me.Email, "Name", me.Name, "Role", me.Role,
					"Status", userStatus(*me), "ID", me.ID, "Server", c.BaseURL())
			}
		},
	}
}
