package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

func endpointToolsCmd() *command {
	return &command{
		name:    "tools",
		summary: "Enable or disable the tools of an endpoint",
		example: "switchboard endpoint tools enable dev github/search_issues github/get_issue\n" +
			"switchboard endpoint tools disable dev github/search_issues",
		subs: []*command{endpointToolsSetCmd(true), endpointToolsSetCmd(false)},
	}
}

type toolsSetOpts struct {
	enable    bool
	all, json bool
}

func endpointToolsSetCmd(enable bool) *command {
	c := &command{
		name:    "enable",
		summary: "Enable tools on an endpoint (re-approves drifted ones)",
		args:    "NAME SERVER/TOOL… [flags]",
		long: "Name tools as SERVER/TOOL, separated by spaces or commas. --all enables every\n" +
			"disabled tool but leaves drifted ones off: re-approve those by name after review.",
		example: "switchboard endpoint tools enable dev github/search_issues github/get_issue\n" +
			"switchboard endpoint tools enable dev --all",
	}
	if !enable {
		c.name = "disable"
		c.summary = "Disable tools on an endpoint"
		c.long = "Name tools as SERVER/TOOL, separated by spaces or commas. --all disables every tool."
		c.example = "switchboard endpoint tools disable dev github/delete_repo\n" +
			"switchboard endpoint tools disable dev --all"
	}
	c.setup = func(fs *flag.FlagSet) action {
		o := &toolsSetOpts{enable: enable}
		fs.BoolVar(&o.all, "all", false, "every tool instead of a list (see above)")
		fs.BoolVar(&o.json, "json", false, "print the API's JSON answer: the endpoint afterwards")
		return o.run
	}
	return c
}

func (o *toolsSetOpts) run(ctx context.Context, s *session, args []string) error {
	if len(args) == 0 {
		return usageErrorf("missing NAME")
	}
	name := args[0]
	refs, err := parseToolRefs(args[1:])
	switch {
	case err != nil:
		return err
	case o.all && len(refs) > 0:
		return usageErrorf("give either --all or a list of SERVER/TOOL, not both")
	case !o.all && len(refs) == 0:
		return usageErrorf("missing SERVER/TOOL: name at least one tool, or use --all")
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	if o.all {
		ep, err := c.GetEndpoint(ctx, name)
		if err != nil {
			return err
		}
		if refs = o.allRefs(ep.Tools); len(refs) == 0 {
			fmt.Fprintf(s.io.Out, "Nothing to %s on endpoint %s.\n", o.verb(), name)
			return nil
		}
	}
	req := api.UpdateToolsRequest{Disable: refs}
	if o.enable {
		req = api.UpdateToolsRequest{Enable: refs}
	}
	ep, err := c.UpdateEndpointTools(ctx, name, req)
	if err != nil {
		return err
	}
	if o.json {
		return printJSON(s.io.Out, ep)
	}
	fmt.Fprintf(s.io.Out, "%sd %s on endpoint %s:\n\n", capitalize(o.verb()), count(len(refs), "tool"), name)
	return printEndpointTools(s.io.Out, pickTools(ep.Tools, refs))
}

func (o *toolsSetOpts) verb() string {
	if o.enable {
		return "enable"
	}
	return "disable"
}

// allRefs lists the tools that --all changes: disabled ones to enable,
// enabled and drifted ones to disable.
func (o *toolsSetOpts) allRefs(tools []api.EndpointTool) []string {
	var refs []string
	for _, t := range tools {
		if (o.enable && t.State == api.ToolDisabled) || (!o.enable && t.State != api.ToolDisabled) {
			refs = append(refs, t.Server+"/"+t.Tool)
		}
	}
	return refs
}

// parseToolRefs checks SERVER/TOOL arguments, which may also be
// comma-separated.
func parseToolRefs(args []string) ([]string, error) {
	var refs []string
	for _, a := range args {
		for ref := range strings.SplitSeq(a, ",") {
			if ref = strings.TrimSpace(ref); ref == "" {
				continue
			}
			server, tool, ok := strings.Cut(ref, "/")
			if !ok || server == "" || tool == "" {
				return nil, usageErrorf("%q is not SERVER/TOOL (for example github/search_issues)", ref)
			}
			refs = append(refs, ref)
		}
	}
	return refs, nil
}

// pickTools returns the endpoint's tools named by refs, in refs order.
func pickTools(tools []api.EndpointTool, refs []string) []api.EndpointTool {
	byRef := make(map[string]api.EndpointTool, len(tools))
	for _, t := range tools {
		byRef[t.Server+"/"+t.Tool] = t
	}
	var out []api.EndpointTool
	for _, r := range refs {
		if t, ok := byRef[r]; ok {
			out = append(out, t)
		}
	}
	return out
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
