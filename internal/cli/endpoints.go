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

func endpointCmd() *command {
	return &command{
		name:    "endpoint",
		aliases: []string{"endpoints"},
		summary: "Manage endpoints: named sets of servers served at /mcp/NAME",
		example: "switchboard endpoint create dev --server github,linear\n" +
			"switchboard endpoint tools enable dev github/search_issues",
		subs: []*command{
			endpointCreateCmd(), endpointListCmd(), endpointShowCmd(), endpointUpdateCmd(), endpointRemoveCmd(),
			endpointToolsCmd(), endpointGrantCmd(), endpointRevokeCmd(),
		},
	}
}

// stringList is a repeatable flag that also splits on commas.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(v string) error {
	for p := range strings.SplitSeq(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}

type endpointCreateOpts struct {
	servers     stringList
	description string
	unprefixed  bool
	redact      redactionFlags
	json        bool
}

func endpointCreateCmd() *command {
	return &command{
		name:    "create",
		summary: "Create an endpoint over one or more servers",
		args:    "NAME --server SERVER [--server SERVER…] [flags]",
		long: "Every tool of the endpoint starts disabled; enable the ones you want with\n" +
			"`switchboard endpoint tools enable`. Tools are exposed as SERVER__TOOL unless --unprefixed.",
		example: "switchboard endpoint create dev --server github\n" +
			"switchboard endpoint create research --server search,docs --description \"Read-only research tools\"",
		setup: func(fs *flag.FlagSet) action {
			o := &endpointCreateOpts{}
			fs.Var(&o.servers, "server", "a `SERVER` to include; repeat it or separate names with commas (required)")
			fs.StringVar(&o.description, "description", "", "`TEXT` that tells people what the endpoint is for")
			fs.BoolVar(&o.unprefixed, "unprefixed", false, "expose tools by their own names, without the SERVER__ prefix")
			o.redact.register(fs)
			fs.BoolVar(&o.json, "json", false, "print the API's JSON answer")
			return o.run
		},
	}
}

func (o *endpointCreateOpts) run(ctx context.Context, s *session, args []string) error {
	name, err := oneArg(args, "NAME")
	if err != nil {
		return err
	}
	if len(o.servers) == 0 {
		return usageErrorf("missing --server SERVER")
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	ep, err := c.CreateEndpoint(ctx, api.CreateEndpointRequest{
		Name: name, Description: o.description, Servers: o.servers, Unprefixed: o.unprefixed,
		Redaction: o.redact.value(),
	})
	if err != nil {
		return err
	}
	if o.json {
		return printJSON(s.io.Out, ep)
	}
	w := s.io.Out
	fmt.Fprintf(w, "Created endpoint %q at %s with %s.\n", ep.Name, ep.URL, strings.Join(ep.Servers, ", "))
	fmt.Fprintf(w, "Its %s are disabled. Enable the ones you want:\n", count(len(ep.Tools), "tool"))
	fmt.Fprintf(w, "  switchboard endpoint show %s\n  switchboard endpoint tools enable %s SERVER/TOOL…\n", ep.Name, ep.Name)
	return nil
}

func endpointListCmd() *command {
	return listCmd("List endpoints",
		"switchboard endpoint list\nswitchboard endpoint list --json",
		(*apiclient.Client).ListEndpoints, printEndpoints)
}

func printEndpoints(w io.Writer, eps []api.Endpoint) error {
	if len(eps) == 0 {
		fmt.Fprintln(w, "No endpoints yet. Create one with: switchboard endpoint create NAME --server SERVER")
		return nil
	}
	t := newTable(w, "NAME", "SERVERS", "ENABLED", "DRIFTED", "URL")
	for _, ep := range eps {
		n := toolStates(ep.Tools)
		t.row(ep.Name, strings.Join(ep.Servers, ","),
			fmt.Sprintf("%d/%d", n[api.ToolEnabled], len(ep.Tools)), fmt.Sprint(n[api.ToolDrifted]), ep.URL)
	}
	return t.flush()
}

func toolStates(tools []api.EndpointTool) map[string]int {
	n := map[string]int{}
	for _, t := range tools {
		n[t.State]++
	}
	return n
}

func endpointShowCmd() *command {
	return &command{
		name:    "show",
		aliases: []string{"get"},
		summary: "Show an endpoint and the state of each of its tools",
		args:    "NAME [flags]",
		example: "switchboard endpoint show dev\n" +
			"switchboard endpoint show dev --state drifted\n" +
			"switchboard endpoint show dev --json",
		setup: func(fs *flag.FlagSet) action {
			asJSON := fs.Bool("json", false, "print the API's JSON")
			state := fs.String("state", "", "list only tools in `STATE`: enabled, disabled or drifted")
			return func(ctx context.Context, s *session, args []string) error {
				name, err := oneArg(args, "NAME")
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
				if *state != "" {
					ep.Tools = filterTools(ep.Tools, *state)
				}
				if *asJSON {
					ep.Tools = orEmpty(ep.Tools)
					return printJSON(s.io.Out, ep)
				}
				return printEndpoint(s.io.Out, ep)
			}
		},
	}
}

func filterTools(tools []api.EndpointTool, state string) []api.EndpointTool {
	var out []api.EndpointTool
	for _, t := range tools {
		if t.State == state {
			out = append(out, t)
		}
	}
	return out
}

func printEndpoint(w io.Writer, ep *api.Endpoint) error {
	naming := "SERVER__TOOL"
	if ep.Unprefixed {
		naming = "unprefixed"
	}
	if err := fields(w,
		"Name", ep.Name, "Description", ep.Description, "URL", ep.URL,
		"Servers", strings.Join(ep.Servers, ", "), "Tool names", naming,
		"Redaction", fmt.Sprintf("requests %s, responses %s, audit %s", ep.Redaction.Requests, ep.Redaction.Responses, ep.Redaction.Audit),
		"Created", fmtTime(ep.CreatedAt), "Updated", fmtTime(ep.UpdatedAt),
	); err != nil {
		return err
	}
	if len(ep.Grants) > 0 {
		fmt.Fprintln(w)
		t := newTable(w, "GRANTED TO", "TYPE", "GRANT")
		for _, g := range ep.Grants {
			t.row(g.Principal, g.PrincipalType, g.ID)
		}
		if err := t.flush(); err != nil {
			return err
		}
	}
	fmt.Fprintln(w)
	if len(ep.Tools) == 0 {
		fmt.Fprintln(w, "No tools. Sync the servers with: switchboard server sync SERVER")
		return nil
	}
	if err := printEndpointTools(w, ep.Tools); err != nil {
		return err
	}
	if n := toolStates(ep.Tools)[api.ToolDrifted]; n > 0 {
		fmt.Fprintf(w, "\n%s drifted: the definition changed since it was approved, so it is off.\n"+
			"Review it with `switchboard server show SERVER`, then re-approve with\n"+
			"  switchboard endpoint tools enable %s SERVER/TOOL\n", count(n, "tool"), ep.Name)
	}
	return nil
}

func printEndpointTools(w io.Writer, tools []api.EndpointTool) error {
	t := newTable(w, "TOOL", "STATE", "EXPOSED AS", "DESCRIPTION")
	for _, tool := range tools {
		t.row(tool.Server+"/"+tool.Tool, tool.State, tool.ExposedName, short(tool.Description, 60))
	}
	return t.flush()
}

func endpointRemoveCmd() *command {
	return removeCmd("Remove an endpoint; its clients lose access at once", "endpoint", "switchboard endpoint remove dev", (*apiclient.Client).DeleteEndpoint)
}
