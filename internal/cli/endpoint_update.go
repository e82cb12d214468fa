package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// redactionFlags are the three redaction switches of an endpoint.
type redactionFlags struct{ requests, responses, audit string }

// register defines the flags; unset ones keep the server's value (for a
// new endpoint: off, off, secrets).
func (r *redactionFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&r.requests, "redact-requests", "", "redact tool-call arguments before they go upstream: `LEVEL` off, secrets or all (new endpoints: off)")
	fs.StringVar(&r.responses, "redact-responses", "", "redact results before they reach the client: `LEVEL` off, secrets or all (new endpoints: off)")
	fs.StringVar(&r.audit, "redact-audit", "", "redact what the audit trail stores: `LEVEL` off, secrets or all (new endpoints: secrets)")
}

// value returns nil when no level was given.
func (r *redactionFlags) value() *api.Redaction {
	if r.requests == "" && r.responses == "" && r.audit == "" {
		return nil
	}
	return &api.Redaction{Requests: r.requests, Responses: r.responses, Audit: r.audit}
}

type endpointUpdateOpts struct {
	description string
	descSet     bool
	redact      redactionFlags
	json        bool
}

func endpointUpdateCmd() *command {
	return &command{
		name:    "update",
		summary: "Change an endpoint's description or redaction",
		args:    "NAME [flags]",
		long: "Redaction levels: off; secrets (API keys, tokens, private keys, password= pairs);\n" +
			"all (secrets, plus e-mail, phone, SSN, card, IP and IBAN numbers, plus the admin's rules).\n" +
			"Matches are replaced with [REDACTED_<KIND>]; the audit record keeps kind and count, never the value.",
		example: "switchboard endpoint update dev --redact-audit all\n" +
			"switchboard endpoint update dev --redact-responses secrets --description \"Dev tools\"",
		setup: func(fs *flag.FlagSet) action {
			o := &endpointUpdateOpts{}
			fs.Func("description", "new `TEXT` describing the endpoint", func(v string) error {
				o.description, o.descSet = v, true
				return nil
			})
			o.redact.register(fs)
			fs.BoolVar(&o.json, "json", false, "print the API's JSON answer")
			return o.run
		},
	}
}

func (o *endpointUpdateOpts) run(ctx context.Context, s *session, args []string) error {
	name, err := oneArg(args, "NAME")
	if err != nil {
		return err
	}
	req := api.UpdateEndpointRequest{Redaction: o.redact.value()}
	if o.descSet {
		req.Description = &o.description
	}
	if req.Description == nil && req.Redaction == nil {
		return usageErrorf("nothing to change: give --description or a --redact-* flag")
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	ep, err := c.UpdateEndpoint(ctx, name, req)
	if err != nil {
		return err
	}
	if o.json {
		return printJSON(s.io.Out, ep)
	}
	r := ep.Redaction
	_, err = fmt.Fprintf(s.io.Out, "Updated endpoint %s. Redaction: requests %s, responses %s, audit %s.\n",
		ep.Name, r.Requests, r.Responses, r.Audit)
	return err
}
