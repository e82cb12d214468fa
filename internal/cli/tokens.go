package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

func tokenCmd() *command {
	return &command{
		name:    "token",
		aliases: []string{"tokens"},
		summary: "Manage your API tokens",
		example: "switchboard token create --name ci --expires 30d\nswitchboard token list",
		subs:    []*command{tokenCreateCmd(), tokenListCmd(), tokenRevokeCmd()},
	}
}

type tokenCreateOpts struct {
	name, expires, endpoint string
	serviceAccount          string
	json                    bool
}

func tokenCreateCmd() *command {
	return &command{
		name:    "create",
		summary: "Create an API token and print it once",
		args:    "--name NAME [flags]",
		long: "The token is printed alone on stdout, so it can be captured; the details and the\n" +
			"warning go to stderr. It is shown only this once: the server keeps only a hash.",
		example: "switchboard token create --name laptop\n" +
			"switchboard token create --name ci --expires 30d --endpoint dev\n" +
			"export SWITCHBOARD_TOKEN=$(switchboard token create --name scripts --expires 8h)\n" +
			"switchboard token create --service-account ci --endpoint dev --expires 720h",
		setup: func(fs *flag.FlagSet) action {
			o := &tokenCreateOpts{}
			fs.StringVar(&o.name, "name", "", "a `NAME` that says where the token is used (required)")
			fs.StringVar(&o.expires, "expires", "", "lifetime as a `DURATION` such as 720h or 30d (default: never expires)")
			fs.StringVar(&o.endpoint, "endpoint", "", "only let the token reach MCP `ENDPOINT`")
			fs.StringVar(&o.serviceAccount, "service-account", "", "issue the token to service account `SA` instead of you (needs --endpoint and --expires)")
			fs.BoolVar(&o.json, "json", false, "print the API's JSON answer, value included")
			return o.run
		},
	}
}

func (o *tokenCreateOpts) run(ctx context.Context, s *session, args []string) error {
	if err := noArgs(args); err != nil {
		return err
	}
	if o.serviceAccount != "" {
		return o.createServiceAccountToken(ctx, s)
	}
	if o.name == "" {
		return usageErrorf("missing --name NAME")
	}
	expires, err := parseLifetime(o.expires)
	if err != nil {
		return err
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	resp, err := c.CreateToken(ctx, api.CreateTokenRequest{Name: o.name, ExpiresIn: expires, Endpoint: o.endpoint})
	if err != nil {
		return err
	}
	if o.json {
		return printJSON(s.io.Out, resp)
	}
	tok := resp.Token
	fmt.Fprintf(s.io.Err, "Created token %q (id %s, expires %s).\n", tok.Name, tok.ID, fmtTimePtr(tok.ExpiresAt, "never"))
	fmt.Fprintln(s.io.Out, resp.Value)
	fmt.Fprintln(s.io.Err, "Copy it now: it will not be shown again.")
	return nil
}

func tokenListCmd() *command {
	return &command{
		name:    "list",
		aliases: []string{"ls"},
		summary: "List your API tokens (never their values)",
		example: "switchboard token list\nswitchboard token list --json",
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
				toks, err := c.ListTokens(ctx)
				if err != nil {
					return err
				}
				if *asJSON {
					return printJSON(s.io.Out, api.List[api.Token]{Items: orEmpty(toks)})
				}
				return printTokens(s.io.Out, toks, s.now())
			}
		},
	}
}

func printTokens(w io.Writer, toks []api.Token, now time.Time) error {
	if len(toks) == 0 {
		fmt.Fprintln(w, "No tokens. Create one with: switchboard token create --name NAME")
		return nil
	}
	t := newTable(w, "ID", "NAME", "PREFIX", "ENDPOINT", "CREATED", "EXPIRES", "STATUS")
	for _, tok := range toks {
		t.row(tok.ID, tok.Name, tok.Prefix, tok.Endpoint, fmtTime(tok.CreatedAt),
			fmtTimePtr(tok.ExpiresAt, "never"), tokenStatus(tok, now))
	}
	return t.flush()
}

func tokenStatus(tok api.Token, now time.Time) string {
	switch {
	case tok.RevokedAt != nil:
		return "revoked"
	case tok.ExpiresAt != nil && !now.Before(*tok.ExpiresAt):
		return "expired"
	}
	return "active"
}

func tokenRevokeCmd() *command {
	return &command{
		name:    "revoke",
		aliases: []string{"rm", "remove"},
		summary: "Revoke an API token at once",
		args:    "ID [--service-account SA]",
		example: "switchboard token list\nswitchboard token revoke tok_01J9Z…\n" +
			"switchboard token revoke --service-account ci tok_01J9Z…",
		setup: func(fs *flag.FlagSet) action {
			sa := fs.String("service-account", "", "revoke a token of service account `SA` (see `switchboard service-account list --json`)")
			return func(ctx context.Context, s *session, args []string) error {
				id, err := oneArg(args, "ID")
				if err != nil {
					return err
				}
				c, err := s.client()
				if err != nil {
					return err
				}
				if *sa != "" {
					err = c.RevokeServiceAccountToken(ctx, *sa, id)
				} else {
					err = c.RevokeToken(ctx, id)
				}
				if err != nil {
					return err
				}
				fmt.Fprintf(s.io.Out, "Revoked token %s.\n", id)
				return nil
			}
		},
	}
}
