package cli

import (
	"context"
	"flag"
	"fmt"
	"net/url"

	"github.com/switchboard-mcp/switchboard/internal/apiclient"
)

// oauthStartPath is the browser step that connects an upstream OAuth
// account (internal/web/upstream_oauth.go).
const oauthStartPath = "/connections/oauth/start"

// connectOAuth connects your own account to a personal oauth server: the
// browser goes to the upstream's authorization server and back. It
// reports false when name is not an oauth server, so that the caller can
// ask for a secret instead.
func connectOAuth(ctx context.Context, s *session, name string) (bool, error) {
	c, err := s.client()
	if err != nil {
		return false, err
	}
	conns, err := c.ListConnections(ctx)
	if err != nil {
		return false, err
	}
	for _, conn := range conns {
		if conn.Server == name && conn.Auth == "oauth" {
			return true, openConnect(s, c, name, "your account at "+name)
		}
	}
	return false, nil
}

// openConnect prints the start of the browser flow and opens it.
func openConnect(s *session, c *apiclient.Client, name, what string) error {
	u := c.BaseURL() + oauthStartPath + "?" + url.Values{"server": {name}, "return_to": {"/connections"}}.Encode()
	fmt.Fprintf(s.io.Err, "Opening the browser to connect %s. If it does not open, visit:\n  %s\n", what, u)
	if err := s.io.OpenBrowser(u); err != nil {
		fmt.Fprintln(s.io.Err, "(could not open a browser; open the address above yourself)")
	}
	return nil
}

// serverConnectCmd connects the shared account of a shared-mode oauth
// server, as an admin, in the browser.
func serverConnectCmd() *command {
	return &command{
		name:    "connect",
		summary: "Connect the shared account of an OAuth server in the browser",
		args:    "NAME",
		long: "Servers added with --auth oauth and --credential-mode shared call the upstream with one\n" +
			"account, which an admin connects once: the browser goes to the upstream's sign-in page\n" +
			"and comes back to Switchboard, which keeps the tokens (encrypted) and refreshes them.\n" +
			"The catalog syncs after the first connection. Run it again to reconnect.",
		example: "switchboard server connect linear",
		setup: func(*flag.FlagSet) action {
			return func(ctx context.Context, s *session, args []string) error {
				name, err := oneArg(args, "NAME")
				if err != nil {
					return err
				}
				c, err := s.client()
				if err != nil {
					return err
				}
				srv, err := c.GetServer(ctx, name)
				if err != nil {
					return err
				}
				if srv.Auth != "oauth" {
					return usageErrorf("server %s uses auth %s, not oauth; set its secret with: switchboard server set-secret %s", name, srv.Auth, name)
				}
				if srv.CredentialMode != "shared" {
					return usageErrorf("server %s is personal: each user connects their own account with: switchboard connect %s", name, name)
				}
				return openConnect(s, c, name, "the shared account of "+name)
			}
		},
	}
}

// oauthAddOpts are the flags of `server add --auth oauth`.
type oauthAddOpts struct {
	clientID, scopes string
	secretSrc        secretSource
	secret           string
}

func (o *oauthAddOpts) flags(fs *flag.FlagSet) {
	fs.StringVar(&o.clientID, "client-id", "", "auth oauth: `ID` of a client registered at the upstream's authorization server, when it has no dynamic registration")
	fs.BoolVar(&o.secretSrc.stdin, "client-secret-stdin", false, "auth oauth: read that client's secret from stdin")
	fs.StringVar(&o.secretSrc.env, "client-secret-env", "", "auth oauth: read that client's secret from environment variable `VAR`")
	fs.StringVar(&o.scopes, "scopes", "", "auth oauth: space-separated `SCOPES` to ask for (default: what the server advertises)")
}

// read checks the oauth flags against --auth and reads the client secret.
func (o *oauthAddOpts) read(s *session, auth, name string) error {
	used := o.clientID != "" || o.scopes != "" || o.secretSrc.set()
	if auth != "oauth" {
		if used {
			return usageErrorf("--client-id, --client-secret-* and --scopes are for --auth oauth")
		}
		return nil
	}
	if err := o.secretSrc.check(); err != nil {
		return err
	}
	if o.secretSrc.set() && o.clientID == "" {
		return usageErrorf("a client secret needs its --client-id")
	}
	var err error
	o.secret, err = o.secretSrc.read(s, "the OAuth client of server "+name)
	return err
}

// printOAuthNext tells the admin how to connect an oauth server just added.
func printOAuthNext(s *session, connectURL, name, mode string) {
	if connectURL == "" {
		return
	}
	if mode == "personal" {
		fmt.Fprintf(s.io.Out, "Each user connects their own account (the catalog syncs after the first): switchboard connect %s\n  %s\n", name, connectURL)
		return
	}
	fmt.Fprintf(s.io.Out, "Connect the shared account to sync the catalog: switchboard server connect %s\n  %s\n", name, connectURL)
}
