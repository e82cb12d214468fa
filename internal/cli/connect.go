package cli

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/apiclient"
)

// secretFormats is the --help text on what a static secret looks like.
const secretFormats = "The secret is read from stdin or an environment variable, never from the command line.\n" +
	"Its form depends on the server's auth method: bearer takes the token; basic takes\n" +
	"\"user:password\"; header takes the value, or one \"Name: value\" line per header when the\n" +
	"server sends several headers."

func connectCmd() *command {
	return &command{
		name:    "connect",
		summary: "Connect your own account to a personal-mode server",
		args:    "SERVER (--secret-stdin | --secret-env VAR) [flags]",
		long: "Calls to a personal-mode server use the caller's own credential, so the upstream sees\n" +
			"the real person. Connecting again replaces your secret.\n" + secretFormats,
		example: "switchboard connect jira --secret-env JIRA_USER_PASS\n" +
			"printf %s \"$GITHUB_PAT\" | switchboard connect github --secret-stdin",
		refused: secretFlags,
		setup: func(fs *flag.FlagSet) action {
			var src secretSource
			src.flags(fs, "your", "")
			asJSON := fs.Bool("json", false, "print the API's JSON answer")
			return func(ctx context.Context, s *session, args []string) error {
				name, err := oneArg(args, "SERVER")
				if err != nil {
					return err
				}
				if err := src.check(); err != nil {
					return err
				}
				if !src.set() {
					if ok, err := connectOAuth(ctx, s, name); ok || err != nil {
						return err
					}
					return usageErrorf("give your secret with --secret-stdin or --secret-env VAR")
				}
				c, err := s.client()
				if err != nil {
					return err
				}
				secret, err := src.read(s, "server "+name)
				if err != nil {
					return err
				}
				conn, err := c.Connect(ctx, name, secret)
				if err != nil {
					return err
				}
				if *asJSON {
					return printJSON(s.io.Out, conn)
				}
				if _, err := fmt.Fprintf(s.io.Out, "Connected to %s (%s).\n", conn.Server, conn.Status); err != nil {
					return err
				}
				if conn.SyncError != "" {
					fmt.Fprintf(s.io.Err, "warning: the tool catalog of %s could not be read with this credential: %s\n"+
						"Check the secret, or ask an admin to run: switchboard server sync %s\n", conn.Server, cell(conn.SyncError), conn.Server)
				}
				return nil
			}
		},
	}
}

func connectionsCmd() *command {
	return &command{
		name:    "connections",
		aliases: []string{"connection"},
		summary: "See and remove your own connections to personal-mode servers",
		example: "switchboard connections list\nswitchboard connections remove github",
		subs: []*command{
			listCmd("List personal-mode servers and whether you are connected",
				"switchboard connections list\nswitchboard connections list --json",
				(*apiclient.Client).ListConnections, printConnections),
			removeCmd("Remove your own connection to a server", "your connection to", "switchboard connections remove github",
				(*apiclient.Client).Disconnect),
		},
	}
}

func printConnections(w io.Writer, conns []api.Connection) error {
	if len(conns) == 0 {
		fmt.Fprintln(w, "No personal-mode servers: every server uses a shared credential.")
		return nil
	}
	t := newTable(w, "SERVER", "AUTH", "STATUS", "CONNECT")
	for _, c := range conns {
		link := ""
		if c.Status != api.ConnectionConnected {
			link = c.ConnectURL
		}
		t.row(c.Server, c.Auth, c.Status, link)
	}
	return t.flush()
}

func serverCredentialsCmd() *command {
	return &command{
		name:    "credentials",
		aliases: []string{"credential"},
		summary: "Show the status of a server's credentials, or revoke a user's",
		args:    "NAME | revoke NAME --user EMAIL",
		long: "Lists who has a credential for the server and whether it works (connected, expired,\n" +
			"needs_reconnect); values are never shown. `revoke` deletes one user's personal\n" +
			"credential: their next call is told to connect again.",
		example: "switchboard server credentials github\n" +
			"switchboard server credentials github --json\n" +
			"switchboard server credentials revoke github --user bob@example.com",
		setup: func(fs *flag.FlagSet) action {
			asJSON := fs.Bool("json", false, "print the API's JSON")
			user := fs.String("user", "", "with revoke: the `EMAIL` of the user whose credential to delete")
			return func(ctx context.Context, s *session, args []string) error {
				if len(args) > 0 && args[0] == "revoke" {
					return revokeCredential(ctx, s, args[1:], *user)
				}
				name, err := oneArg(args, "NAME")
				if err != nil {
					return err
				}
				c, err := s.client()
				if err != nil {
					return err
				}
				creds, err := c.ListCredentials(ctx, name)
				if err != nil {
					return err
				}
				if *asJSON {
					return printJSON(s.io.Out, api.List[api.CredentialStatus]{Items: orEmpty(creds)})
				}
				return printCredentials(s.io.Out, name, creds)
			}
		},
	}
}

func revokeCredential(ctx context.Context, s *session, args []string, user string) error {
	name, err := oneArg(args, "NAME")
	if err != nil {
		return err
	}
	if user == "" {
		return usageErrorf("missing --user EMAIL: whose credential to revoke")
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	if err := c.RevokeCredential(ctx, name, user); err != nil {
		return err
	}
	_, err = fmt.Fprintf(s.io.Out, "Revoked the credential of %s for %s.\n", user, name)
	return err
}

func printCredentials(w io.Writer, server string, creds []api.CredentialStatus) error {
	if len(creds) == 0 {
		fmt.Fprintf(w, "No credentials for %s yet.\n", server)
		return nil
	}
	t := newTable(w, "OWNER", "KIND", "STATUS", "EXPIRES", "UPDATED", "LAST ERROR")
	for _, c := range creds {
		owner := c.User
		if c.Shared {
			owner = "(shared)"
		}
		t.row(owner, c.Kind, c.Status, fmtTimePtr(c.ExpiresAt, "-"), fmtTime(c.UpdatedAt), cell(c.LastError))
	}
	return t.flush()
}

func serverSetSecretCmd() *command {
	return &command{
		name:    "set-secret",
		summary: "Replace the shared secret of a shared-mode server",
		args:    "NAME (--secret-stdin | --secret-env VAR)",
		long:    "Open sessions made with the old secret are closed.\n" + secretFormats,
		example: "switchboard server set-secret github --secret-env NEW_PAT\n" +
			"printf %s \"$NEW_PAT\" | switchboard server set-secret github --secret-stdin",
		refused: secretFlags,
		setup: func(fs *flag.FlagSet) action {
			var src secretSource
			src.flags(fs, "the", "")
			asJSON := fs.Bool("json", false, "print the API's JSON answer")
			return func(ctx context.Context, s *session, args []string) error {
				name, err := oneArg(args, "NAME")
				if err != nil {
					return err
				}
				if err := src.check(); err != nil {
					return err
				}
				if !src.set() {
					return usageErrorf("give the secret with --secret-stdin or --secret-env VAR")
				}
				c, err := s.client()
				if err != nil {
					return err
				}
				secret, err := src.read(s, "server "+name)
				if err != nil {
					return err
				}
				st, err := c.SetSharedSecret(ctx, name, secret)
				if err != nil {
					return err
				}
				if *asJSON {
					return printJSON(s.io.Out, st)
				}
				_, err = fmt.Fprintf(s.io.Out, "Replaced the shared secret of %s.\n", name)
				return err
			}
		},
	}
}
