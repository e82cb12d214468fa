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

func clientCmd() *command {
	return &command{
		name:    "client",
		aliases: []string{"clients"},
		summary: "Manage OAuth clients (pre-register, list, remove)",
		long: "Most AI clients register themselves (dynamic registration or a client ID metadata\n" +
			"document). Pre-register one that cannot; dynamically registered clients unused for\n" +
			"30 days are removed automatically.",
		example: "switchboard client create --name \"CI bot\" --redirect-uri https://ci.example/callback --confidential\n" +
			"switchboard client list\nswitchboard client remove cl_3f9a…",
		subs: []*command{clientCreateCmd(), clientListCmd(), clientRemoveCmd()},
	}
}

type clientCreateOpts struct {
	name         string
	redirects    stringList
	confidential bool
	json         bool
}

func clientCreateCmd() *command {
	return &command{
		name:    "create",
		summary: "Pre-register an OAuth client",
		args:    "--name NAME --redirect-uri URI [--redirect-uri URI…] [--confidential]",
		long: "A public client uses PKCE alone. A confidential one authenticates with\n" +
			"client_secret_basic: its secret is printed alone on stdout, once; the server keeps\n" +
			"only a hash. The client ID goes to stderr (and both to --json).",
		example: "switchboard client create --name desktop --redirect-uri http://127.0.0.1/callback\n" +
			"switchboard client create --name \"CI bot\" --redirect-uri https://ci.example/cb --confidential",
		refused: map[string]string{"secret": "the server makes the secret and shows it once"},
		setup: func(fs *flag.FlagSet) action {
			o := &clientCreateOpts{}
			fs.StringVar(&o.name, "name", "", "the client's `NAME`, shown on the consent page (required)")
			fs.Var(&o.redirects, "redirect-uri", "a redirect `URI` (required, repeatable); loopback ones accept any port")
			fs.BoolVar(&o.confidential, "confidential", false, "give the client a secret (client_secret_basic)")
			fs.BoolVar(&o.json, "json", false, "print the API's JSON answer, secret included")
			return o.run
		},
	}
}

func (o *clientCreateOpts) run(ctx context.Context, s *session, args []string) error {
	if err := noArgs(args); err != nil {
		return err
	}
	if o.name == "" || len(o.redirects) == 0 {
		return usageErrorf("missing --name NAME or --redirect-uri URI")
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	resp, err := c.CreateClient(ctx, api.CreateClientRequest{Name: o.name, RedirectURIs: o.redirects, Confidential: o.confidential})
	if err != nil {
		return err
	}
	if o.json {
		return printJSON(s.io.Out, resp)
	}
	fmt.Fprintf(s.io.Err, "Created OAuth client %q.\nclient_id: %s\n", resp.Client.Name, resp.Client.ID)
	if resp.Secret != "" {
		fmt.Fprintln(s.io.Out, resp.Secret)
		fmt.Fprintln(s.io.Err, "The line on stdout is its client_secret. Copy it now: it will not be shown again.")
		return nil
	}
	fmt.Fprintln(s.io.Out, resp.Client.ID)
	return nil
}

func clientListCmd() *command {
	return listCmd("List OAuth clients (never their secrets)",
		"switchboard client list\nswitchboard client list --json",
		(*apiclient.Client).ListClients, printClients)
}

func printClients(w io.Writer, cs []api.Client) error {
	if len(cs) == 0 {
		fmt.Fprintln(w, "No OAuth clients. Pre-register one with: switchboard client create --name NAME --redirect-uri URI")
		return nil
	}
	t := newTable(w, "ID", "NAME", "SOURCE", "AUTH", "REDIRECT URIS", "LAST USED")
	for _, c := range cs {
		t.row(short(c.ID, 60), c.Name, c.Source, c.AuthMethod, short(strings.Join(c.RedirectURIs, " "), 60), fmtTime(c.LastUsedAt))
	}
	return t.flush()
}

func clientRemoveCmd() *command {
	return &command{
		name:    "remove",
		aliases: []string{"rm", "delete"},
		summary: "Remove an OAuth client with its grants and tokens",
		args:    "ID",
		example: "switchboard client list\nswitchboard client remove cl_3f9a…",
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
				if err := c.DeleteClient(ctx, id); err != nil {
					return err
				}
				fmt.Fprintf(s.io.Out, "Removed OAuth client %s and its grants.\n", id)
				return nil
			}
		},
	}
}
