package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// endpointGrantOpts names the principal of `endpoint grant` and `endpoint
// revoke`: exactly one of --user and --group.
type endpointGrantOpts struct {
	user, group, serviceAccount string
	json                        bool
}

func (o *endpointGrantOpts) register(fs *flag.FlagSet) {
	fs.StringVar(&o.user, "user", "", "the `EMAIL` of a user")
	fs.StringVar(&o.group, "group", "", "the `NAME` of a group; its members get access")
	fs.StringVar(&o.serviceAccount, "service-account", "", "the `NAME` of a service account")
}

func (o *endpointGrantOpts) principal() (typ, who string, err error) {
	n := 0
	for _, v := range []string{o.user, o.group, o.serviceAccount} {
		if v != "" {
			n++
		}
	}
	switch {
	case n > 1:
		return "", "", usageErrorf("give one of --user, --group and --service-account, not both")
	case o.user != "":
		return "user", o.user, nil
	case o.group != "":
		return "group", o.group, nil
	case o.serviceAccount != "":
		return "service_account", o.serviceAccount, nil
	}
	return "", "", usageErrorf("missing --user EMAIL, --group NAME or --service-account NAME")
}

func endpointGrantCmd() *command {
	return &command{
		name:    "grant",
		summary: "Let a user, the members of a group or a service account connect to an endpoint",
		args:    "NAME --user EMAIL | --group GROUP | --service-account SA [flags]",
		long: "Members connect only to endpoints granted to them or to one of their groups;\n" +
			"admins and editors connect to every endpoint.",
		example: "switchboard endpoint grant dev --user amy@example.com\n" +
			"switchboard endpoint grant dev --group engineering\n" +
			"switchboard endpoint grant dev --service-account ci",
		setup: func(fs *flag.FlagSet) action {
			o := &endpointGrantOpts{}
			o.register(fs)
			fs.BoolVar(&o.json, "json", false, "print the API's JSON answer")
			return o.grant
		},
	}
}

func (o *endpointGrantOpts) grant(ctx context.Context, s *session, args []string) error {
	name, err := oneArg(args, "NAME")
	if err != nil {
		return err
	}
	typ, who, err := o.principal()
	if err != nil {
		return err
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	req := api.GrantEndpointRequest{User: o.user, Group: o.group, ServiceAccount: o.serviceAccount}
	g, err := c.GrantEndpoint(ctx, name, req)
	if err != nil {
		return err
	}
	if o.json {
		return printJSON(s.io.Out, g)
	}
	fmt.Fprintf(s.io.Out, "Granted endpoint %q to %s %q (grant %s).\n", name, typ, who, g.ID)
	return nil
}

func endpointRevokeCmd() *command {
	return &command{
		name:    "revoke",
		summary: "Take away a user's, group's or service account's access to an endpoint",
		args:    "NAME --user EMAIL | --group GROUP | --service-account SA",
		long:    "Their tokens stop working on the endpoint within seconds.",
		example: "switchboard endpoint revoke dev --user amy@example.com\n" +
			"switchboard endpoint revoke dev --group engineering",
		setup: func(fs *flag.FlagSet) action {
			o := &endpointGrantOpts{}
			o.register(fs)
			return o.revoke
		},
	}
}

func (o *endpointGrantOpts) revoke(ctx context.Context, s *session, args []string) error {
	name, err := oneArg(args, "NAME")
	if err != nil {
		return err
	}
	typ, who, err := o.principal()
	if err != nil {
		return err
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	ep, err := c.GetEndpoint(ctx, name)
	if err != nil {
		return err
	}
	for _, g := range ep.Grants {
		if g.PrincipalType == typ && strings.EqualFold(g.Principal, who) {
			if err := c.RevokeEndpointGrant(ctx, name, g.ID); err != nil {
				return err
			}
			fmt.Fprintf(s.io.Out, "Revoked %s %q's access to endpoint %q.\n", typ, who, name)
			return nil
		}
	}
	return fmt.Errorf("endpoint %q has no grant to %s %q; see `switchboard endpoint show %s`", name, typ, who, name)
}
