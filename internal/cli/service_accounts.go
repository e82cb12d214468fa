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

func serviceAccountCmd() *command {
	return &command{
		name:    "service-account",
		aliases: []string{"service-accounts", "sa"},
		summary: "Manage service accounts: principals for headless agents and CI",
		example: "switchboard service-account create ci\n" +
			"switchboard endpoint grant dev --service-account ci\n" +
			"switchboard token create --service-account ci --endpoint dev --expires 720h",
		subs: []*command{serviceAccountCreateCmd(), serviceAccountListCmd(), serviceAccountDeleteCmd()},
	}
}

type serviceAccountCreateOpts struct {
	description string
	json        bool
}

func serviceAccountCreateCmd() *command {
	return &command{
		name:    "create",
		summary: "Create a service account",
		args:    "NAME [flags]",
		long: "A service account connects to an endpoint only with a grant of it\n" +
			"(`switchboard endpoint grant`) and a token scoped to it (`switchboard token create`).",
		example: "switchboard service-account create ci --description \"GitHub Actions\"",
		setup: func(fs *flag.FlagSet) action {
			o := &serviceAccountCreateOpts{}
			fs.StringVar(&o.description, "description", "", "`TEXT` that says what the account is for")
			fs.BoolVar(&o.json, "json", false, "print the API's JSON answer")
			return o.run
		},
	}
}

func (o *serviceAccountCreateOpts) run(ctx context.Context, s *session, args []string) error {
	name, err := oneArg(args, "NAME")
	if err != nil {
		return err
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	sa, err := c.CreateServiceAccount(ctx, api.CreateServiceAccountRequest{Name: name, Description: o.description})
	if err != nil {
		return err
	}
	if o.json {
		return printJSON(s.io.Out, sa)
	}
	fmt.Fprintf(s.io.Out, "Created service account %q (id %s). Give it an endpoint and a token:\n", sa.Name, sa.ID)
	fmt.Fprintf(s.io.Out, "  switchboard endpoint grant ENDPOINT --service-account %s\n", sa.Name)
	fmt.Fprintf(s.io.Out, "  switchboard token create --service-account %s --endpoint ENDPOINT --expires 720h\n", sa.Name)
	return nil
}

func serviceAccountListCmd() *command {
	return listCmd("List service accounts and their tokens (never their values)",
		"switchboard service-account list\nswitchboard service-account list --json",
		(*apiclient.Client).ListServiceAccounts, printServiceAccounts)
}

func printServiceAccounts(w io.Writer, accounts []api.ServiceAccount) error {
	if len(accounts) == 0 {
		fmt.Fprintln(w, "No service accounts. Create one with: switchboard service-account create NAME")
		return nil
	}
	t := newTable(w, "NAME", "TOKENS", "ENDPOINTS", "DESCRIPTION")
	for _, sa := range accounts {
		active, eps := 0, []string{}
		for _, tok := range sa.Tokens {
			if tok.RevokedAt == nil {
				active++
				eps = append(eps, tok.Endpoint)
			}
		}
		t.row(sa.Name, fmt.Sprint(active), strings.Join(eps, ","), short(sa.Description, 50))
	}
	return t.flush()
}

// createServiceAccountToken serves `token create --service-account`.
func (o *tokenCreateOpts) createServiceAccountToken(ctx context.Context, s *session) error {
	if o.endpoint == "" {
		return usageErrorf("missing --endpoint ENDPOINT: a service account token works on one endpoint")
	}
	if o.expires == "" {
		return usageErrorf("missing --expires DURATION: service account tokens must expire")
	}
	expires, err := parseLifetime(o.expires)
	if err != nil {
		return err
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	resp, err := c.CreateServiceAccountToken(ctx, o.serviceAccount,
		api.CreateServiceAccountTokenRequest{Name: o.name, Endpoint: o.endpoint, ExpiresIn: expires})
	if err != nil {
		return err
	}
	if o.json {
		return printJSON(s.io.Out, resp)
	}
	tok := resp.Token
	fmt.Fprintf(s.io.Err, "Created token %q of service account %q for endpoint %q (id %s, expires %s).\n",
		tok.Name, o.serviceAccount, tok.Endpoint, tok.ID, fmtTimePtr(tok.ExpiresAt, "never"))
	fmt.Fprintln(s.io.Out, resp.Value)
	fmt.Fprintln(s.io.Err, "Copy it now: it will not be shown again. It works only while the account has a grant of the endpoint.")
	return nil
}

func serviceAccountDeleteCmd() *command {
	return deleteCmd("Delete a service account; its tokens stop working and its grants go", "service account",
		"switchboard service-account delete ci", (*apiclient.Client).DeleteServiceAccount)
}
