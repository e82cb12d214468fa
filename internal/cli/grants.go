package cli

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

func grantCmd() *command {
	return &command{
		name:    "grant",
		aliases: []string{"grants"},
		summary: "List and revoke connected apps (OAuth grants)",
		long: "A grant is one consent: an AI client allowed to use an endpoint as you, until it expires.\n" +
			"Revoking it stops its access and refresh tokens at once.",
		example: "switchboard grant list\nswitchboard grant list --all\nswitchboard grant revoke grt_…",
		subs:    []*command{grantListCmd(), grantRevokeCmd()},
	}
}

func grantListCmd() *command {
	return &command{
		name:    "list",
		aliases: []string{"ls"},
		summary: "List your connected apps; --all lists everyone's (admins)",
		example: "switchboard grant list\nswitchboard grant list --all --json",
		setup: func(fs *flag.FlagSet) action {
			all := fs.Bool("all", false, "list every user's grants (needs users.read)")
			asJSON := fs.Bool("json", false, "print the API's JSON")
			return func(ctx context.Context, s *session, args []string) error {
				if err := noArgs(args); err != nil {
					return err
				}
				c, err := s.client()
				if err != nil {
					return err
				}
				grants, err := c.ListGrants(ctx, *all)
				if err != nil {
					return err
				}
				if *asJSON {
					return printJSON(s.io.Out, api.List[api.Grant]{Items: orEmpty(grants)})
				}
				return printGrants(s.io.Out, grants, *all)
			}
		},
	}
}

func printGrants(w io.Writer, grants []api.Grant, all bool) error {
	if len(grants) == 0 {
		fmt.Fprintln(w, "No connected apps. An AI client appears here once you approve it in the browser.")
		return nil
	}
	header := []string{"ID", "CLIENT", "ENDPOINT", "CREATED", "EXPIRES", "STATUS"}
	if all {
		header = append(header, "USER")
	}
	t := newTable(w, header...)
	for _, g := range grants {
		client := g.ClientName
		if client == "" {
			client = g.ClientID
		}
		row := []string{g.ID, client, g.Endpoint, fmtTime(g.CreatedAt), fmtTime(g.ExpiresAt), g.Status}
		if all {
			row = append(row, g.UserEmail)
		}
		t.row(row...)
	}
	return t.flush()
}

func grantRevokeCmd() *command {
	return &command{
		name:    "revoke",
		aliases: []string{"rm"},
		summary: "Revoke a grant and every token issued under it",
		args:    "ID",
		example: "switchboard grant list\nswitchboard grant revoke grt_3f9a…",
		setup: func(fs *flag.FlagSet) action {
			return func(ctx context.Context, s *session, args []string) error {
				id, err := oneArg(args, "ID")
				if err != nil {
					return err
				}
				c, err := s.client()
				if err != nil {
					return err
				}
				if err := c.RevokeGrant(ctx, id); err != nil {
					return err
				}
				fmt.Fprintf(s.io.Out, "Revoked grant %s; its tokens no longer work.\n", id)
				return nil
			}
		},
	}
}
