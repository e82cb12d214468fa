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

func serverCmd() *command {
	return &command{
		name:    "server",
		aliases: []string{"servers"},
		summary: "Manage upstream MCP servers and their tool catalogs",
		example: "switchboard server add github --url https://api.githubcopilot.com/mcp/ --auth bearer --secret-env GITHUB_PAT\n" +
			"switchboard server list",
		subs: []*command{serverAddCmd(), serverListCmd(), serverShowCmd(), serverSyncCmd(), serverRemoveCmd(),
			serverCredentialsCmd(), serverSetSecretCmd(), serverConnectCmd()},
	}
}

type serverAddOpts struct {
	url, transport, auth, header, mode, description string
	secret                                          secretSource
	noSync, json                                    bool
	oauth                                           oauthAddOpts
}

func serverAddCmd() *command {
	return &command{
		name:    "add",
		summary: "Add an upstream MCP server and sync its tools",
		args:    "NAME --url URL [flags]",
		long: "A secret (a token or API key) is read from stdin or an environment variable,\n" +
			"never from the command line. Auth bearer takes the token; basic takes \"user:password\";\n" +
			"header with --header NAME takes the value; --auth header without --header takes one\n" +
			"\"Name: value\" line per header, for upstreams that need several.\n" +
			"A personal server uses each user's own secret (`switchboard connect SERVER`); a secret\n" +
			"given here becomes YOUR personal credential and syncs the catalog. Without one the server\n" +
			"waits for the first connection to sync. New tools start disabled on every endpoint.",
		example: "switchboard server add docs --url https://mcp.example.com/mcp\n" +
			"printf %s \"$GITHUB_PAT\" | switchboard server add github --url https://api.githubcopilot.com/mcp/ --auth bearer --secret-stdin\n" +
			"switchboard server add search --url https://search.example/mcp --header X-API-Key --secret-env SEARCH_KEY\n" +
			"printf 'X-Tenant: acme\\nX-API-Key: %s\\n' \"$KEY\" | switchboard server add crm --url https://crm.example/mcp --auth header --secret-stdin\n" +
			"switchboard server add jira --url https://jira.example/mcp --auth basic --secret-env JIRA_USER_PASS\n" +
			"switchboard server add linear --url https://mcp.linear.app/sse --transport sse --credential-mode personal --auth bearer --secret-env MY_LINEAR_KEY\n" +
			"switchboard server add notion --url https://mcp.notion.com/mcp --auth oauth --credential-mode personal\n" +
			"printf %s \"$SECRET\" | switchboard server add corp --url https://mcp.corp.example/mcp --auth oauth --client-id sb --client-secret-stdin --scopes \"read write\"",
		refused: secretFlags,
		setup: func(fs *flag.FlagSet) action {
			o := &serverAddOpts{}
			fs.StringVar(&o.url, "url", "", "`URL` of the upstream MCP server (required)")
			fs.StringVar(&o.transport, "transport", "", "`TRANSPORT`: streamable-http or sse (default streamable-http)")
			fs.StringVar(&o.auth, "auth", "", "upstream auth `METHOD`: none, bearer, basic, header or oauth (default none)")
			fs.StringVar(&o.header, "header", "", "header `NAME` that carries the secret; implies --auth header")
			fs.StringVar(&o.mode, "credential-mode", "", "credential `MODE`: shared (one for every caller) or personal (default shared)")
			o.secret.flags(fs, "the", "personal mode: your own")
			fs.StringVar(&o.description, "description", "", "`TEXT` that tells people what the server is")
			fs.BoolVar(&o.noSync, "no-sync", false, "do not sync the tool catalog now")
			fs.BoolVar(&o.json, "json", false, "print the API's JSON answer")
			o.oauth.flags(fs)
			return o.run
		},
	}
}

func (o *serverAddOpts) run(ctx context.Context, s *session, args []string) error {
	name, err := oneArg(args, "NAME")
	if err != nil {
		return err
	}
	if err := o.check(); err != nil {
		return err
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	secret, err := o.secret.read(s, "server "+name)
	if err != nil {
		return err
	}
	if err := o.oauth.read(s, o.auth, name); err != nil {
		return err
	}
	resp, err := c.CreateServer(ctx, api.CreateServerRequest{
		Name: name, Description: o.description, URL: o.url, Transport: o.transport,
		Auth: o.auth, AuthHeader: o.header, CredentialMode: o.mode, Secret: secret, SkipSync: o.noSync,
		OAuthClientID: o.oauth.clientID, OAuthClientSecret: o.oauth.secret, OAuthScopes: o.oauth.scopes,
	})
	if err != nil {
		return err
	}
	if o.json {
		return printJSON(s.io.Out, resp)
	}
	printServerAdded(s, resp)
	printOAuthNext(s, resp.ConnectURL, resp.Server.Name, resp.Server.CredentialMode)
	return nil
}

// check catches flag combinations the API would refuse, with advice.
func (o *serverAddOpts) check() error {
	if o.url == "" {
		return usageErrorf("missing --url URL")
	}
	if err := o.secret.check(); err != nil {
		return err
	}
	if o.header != "" && o.auth == "" {
		o.auth = "header"
	}
	switch {
	case o.header != "" && o.auth != "header":
		return usageErrorf("--header is for --auth header, not --auth %s", o.auth)
	case o.secret.set() && (o.auth == "" || o.auth == "none"):
		return usageErrorf("a secret needs an auth method: add --auth bearer, --auth basic or --header NAME")
	}
	return nil
}

func printServerAdded(s *session, resp *api.CreateServerResponse) {
	srv := resp.Server
	w := s.io.Out
	fmt.Fprintf(w, "Added server %q (%s, auth %s, %s credential).\n", srv.Name,
		orDefault(srv.Transport, "streamable-http"), orDefault(srv.Auth, "none"), orDefault(srv.CredentialMode, "shared"))
	switch {
	case resp.Sync == nil && srv.CredentialMode == "personal":
		fmt.Fprintf(w, "The tool catalog syncs when the first user connects: switchboard connect %s\n", srv.Name)
	case resp.Sync == nil:
		fmt.Fprintf(w, "Tool catalog not synced. Sync it with: switchboard server sync %s\n", srv.Name)
	case resp.Sync.Error != "":
		fmt.Fprintf(s.io.Err, "warning: sync failed: %s\nFix the server, then run: switchboard server sync %s\n",
			cell(resp.Sync.Error), srv.Name)
	default:
		fmt.Fprintf(w, "Synced: %s.\n", syncSummary(resp.Sync))
		fmt.Fprintf(w, "Tools start disabled. Offer them on an endpoint:\n  switchboard endpoint create NAME --server %s\n", srv.Name)
	}
}

func serverListCmd() *command {
	return listCmd("List upstream servers",
		"switchboard server list\nswitchboard server list --json",
		(*apiclient.Client).ListServers, printServers)
}

func printServers(w io.Writer, servers []api.Server) error {
	if len(servers) == 0 {
		fmt.Fprintln(w, "No servers yet. Add one with: switchboard server add NAME --url URL")
		return nil
	}
	t := newTable(w, "NAME", "TRANSPORT", "AUTH", "CREDENTIAL", "TOOLS", "SYNCED", "URL")
	for _, srv := range servers {
		synced := fmtTimePtr(srv.SyncedAt, "never")
		switch {
		case strings.HasPrefix(srv.SyncError, "waiting for"): // a personal server before its first connection
			synced = "waiting"
		case srv.SyncError != "":
			synced = "failed"
		}
		t.row(srv.Name, srv.Transport, srv.Auth, srv.CredentialMode, fmt.Sprint(srv.ToolCount), synced, srv.URL)
	}
	return t.flush()
}

func serverShowCmd() *command {
	return showCmd("Show a server and its tool catalog",
		"switchboard server show github\nswitchboard server show github --json",
		(*apiclient.Client).GetServer, printServer)
}

func printServer(w io.Writer, srv *api.Server) error {
	secret := "" // only shown where a shared secret applies
	if srv.Auth != "" && srv.Auth != "none" && srv.CredentialMode != "personal" {
		secret = "not configured"
		if srv.SecretConfigured {
			secret = "configured"
		}
	}
	auth := srv.Auth
	if srv.AuthHeader != "" {
		auth += " (" + srv.AuthHeader + ")"
	}
	if err := fields(w,
		"Name", srv.Name, "Description", srv.Description, "URL", srv.URL,
		"Transport", srv.Transport, "Auth", auth, "Credential mode", srv.CredentialMode,
		"Shared secret", secret, "Tools", fmt.Sprint(srv.ToolCount),
		"Synced", fmtTimePtr(srv.SyncedAt, "never"), "Sync error", srv.SyncError,
		"Created", fmtTime(srv.CreatedAt), "Updated", fmtTime(srv.UpdatedAt),
	); err != nil {
		return err
	}
	if len(srv.Tools) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	t := newTable(w, "TOOL", "DESCRIPTION")
	for _, tool := range srv.Tools {
		t.row(tool.Name, short(tool.Description, 80))
	}
	return t.flush()
}

func serverSyncCmd() *command {
	return &command{
		name:    "sync",
		summary: "Refresh a server's tool catalog from the upstream",
		args:    "NAME [flags]",
		long: "Changed tools are flagged as drifted and stay off until re-approved with\n" +
			"`switchboard endpoint tools enable`.",
		example: "switchboard server sync github",
		setup: func(fs *flag.FlagSet) action {
			asJSON := fs.Bool("json", false, "print the API's JSON")
			return func(ctx context.Context, s *session, args []string) error {
				name, err := oneArg(args, "NAME")
				if err != nil {
					return err
				}
				c, err := s.client()
				if err != nil {
					return err
				}
				res, err := c.SyncServer(ctx, name)
				if err != nil {
					return err
				}
				if *asJSON {
					if err := printJSON(s.io.Out, res); err != nil {
						return err
					}
				} else {
					printSync(s.io.Out, name, res)
				}
				if res.Error != "" {
					return errorf("sync of %s failed: %s", name, res.Error)
				}
				return nil
			}
		},
	}
}

func printSync(w io.Writer, name string, res *api.SyncResult) {
	if res.Error != "" {
		return
	}
	fmt.Fprintf(w, "Synced %s: %s.\n", name, syncSummary(res))
	for _, n := range res.Added {
		fmt.Fprintf(w, "  + %s\n", cell(n))
	}
	for _, n := range res.Changed {
		fmt.Fprintf(w, "  ~ %s\n", cell(n))
	}
	for _, n := range res.Removed {
		fmt.Fprintf(w, "  - %s\n", cell(n))
	}
	if len(res.Changed) > 0 {
		fmt.Fprintln(w, "Changed tools are drifted and off where they were enabled. Review them, then re-approve with:\n"+
			"  switchboard endpoint tools enable ENDPOINT "+name+"/TOOL")
	}
}

func syncSummary(r *api.SyncResult) string {
	return fmt.Sprintf("%d added, %d changed, %d removed, %d unchanged",
		len(r.Added), len(r.Changed), len(r.Removed), r.Unchanged)
}

func serverRemoveCmd() *command {
	return removeCmd("Remove a server, its catalog and its credentials", "server", "switchboard server remove github", (*apiclient.Client).DeleteServer)
}
