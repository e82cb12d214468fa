package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

func policyCmd() *command {
	return &command{
		name:    "policy",
		summary: "Tool policy: ordered allow and deny rules per endpoint, and explain",
		long: "Rules are evaluated in order and the first that matches decides; when none\n" +
			"matches, the call is allowed. Conditions are CEL over principal (id, email, type,\n" +
			"role, groups), endpoint, tool, server, upstream_tool and args. A denied call is a\n" +
			"tool error naming the rule, and a tool a principal may never call is left out of\n" +
			"its tools/list.",
		example: "switchboard policy rule add dev --effect deny --tool 'github__delete_repo' \\\n" +
			"  --when 'principal.groups.exists(g, g == \"contractors\")'\n" +
			"switchboard policy explain --user amy@example.com --endpoint dev --tool db__query --args '{\"sql\":\"DROP t\"}'",
		subs: []*command{policyRuleCmd(), policyExplainCmd()},
	}
}

func policyRuleCmd() *command {
	return &command{
		name:    "rule",
		aliases: []string{"rules"},
		summary: "Add, list, change, remove and dry-run an endpoint's tool rules",
		example: "switchboard policy rule list dev\n" +
			"switchboard policy rule add dev --effect allow --tool db__query --when 'args.sql.startsWith(\"SELECT\")'\n" +
			"switchboard policy rule add dev --effect deny --tool db__query --dry-run --last 500\n" +
			"switchboard policy rule remove dev rul_…",
		subs: []*command{ruleListCmd(), ruleAddCmd(), ruleUpdateCmd(), ruleRemoveCmd(), ruleDryRunCmd()},
	}
}

func ruleListCmd() *command {
	return &command{
		name:    "list",
		aliases: []string{"ls"},
		summary: "List an endpoint's tool rules in evaluation order",
		args:    "ENDPOINT [flags]",
		example: "switchboard policy rule list dev\nswitchboard policy rule list dev --json",
		setup: func(fs *flag.FlagSet) action {
			asJSON := fs.Bool("json", false, "print the API's JSON")
			return func(ctx context.Context, s *session, args []string) error {
				ep, err := oneArg(args, "ENDPOINT")
				if err != nil {
					return err
				}
				c, err := s.client()
				if err != nil {
					return err
				}
				rules, err := c.ListToolRules(ctx, ep)
				if err != nil {
					return err
				}
				if *asJSON {
					return printJSON(s.io.Out, api.List[api.ToolRule]{Items: orEmpty(rules)})
				}
				return printRules(s.io.Out, rules)
			}
		},
	}
}

func printRules(w io.Writer, rules []api.ToolRule) error {
	if len(rules) == 0 {
		fmt.Fprintln(w, "No rules: every enabled tool may be called by whoever can connect.")
		return nil
	}
	t := newTable(w, "#", "EFFECT", "NAME", "TOOLS", "WHEN", "ENABLED", "ID")
	for _, r := range rules {
		t.row(strconv.Itoa(r.Position), r.Effect, r.Name, orDefault(strings.Join(r.Tools, ","), "*"),
			orDefault(short(r.Condition, 60), "always"), strconv.FormatBool(r.Enabled), r.ID)
	}
	return t.flush()
}

// ruleOpts are the flags of `rule add` and `rule update`.
type ruleOpts struct {
	effect, name, when, enabled string
	tools                       stringList
	position                    int
	dryRun, json                bool
	last                        int
}

func (o *ruleOpts) register(fs *flag.FlagSet, add bool) {
	fs.StringVar(&o.effect, "effect", "", "allow or deny (`EFFECT`)")
	fs.StringVar(&o.name, "name", "", "the rule's `NAME`, shown in denials")
	fs.Var(&o.tools, "tool", "an exposed tool name or glob (`TOOL`), repeatable; none = every tool")
	fs.StringVar(&o.when, "when", "", "the CEL condition `EXPR` (none = always)")
	fs.IntVar(&o.position, "position", 0, "put the rule at place `N` in the order (1 = first; default last)")
	fs.StringVar(&o.enabled, "enabled", "", "false keeps the rule without applying it (`BOOL`)")
	fs.BoolVar(&o.json, "json", false, "print the API's JSON answer")
	if add {
		fs.BoolVar(&o.dryRun, "dry-run", false, "do not save: replay the rule over recent calls and report what it would change")
		fs.IntVar(&o.last, "last", 500, "with --dry-run, replay the last `N` tool calls")
	}
}

func (o *ruleOpts) createRequest() (api.CreateToolRuleRequest, error) {
	req := api.CreateToolRuleRequest{Effect: o.effect, Name: o.name, Tools: o.tools, Condition: o.when, Position: o.position}
	if o.effect == "" {
		return req, usageErrorf("missing --effect allow|deny")
	}
	if o.enabled != "" {
		b, err := strconv.ParseBool(o.enabled)
		if err != nil {
			return req, usageErrorf("--enabled must be true or false")
		}
		req.Enabled = &b
	}
	return req, nil
}

func ruleAddCmd() *command {
	return &command{
		name:    "add",
		summary: "Add a rule to an endpoint's tool policy (or dry-run it first)",
		args:    "ENDPOINT --effect allow|deny [--tool T]… [--when EXPR] [flags]",
		long: "The condition is compiled before the rule is saved: a bad expression is refused\n" +
			"with CEL's message. A deny rule whose condition fails at call time (a missing\n" +
			"argument, a type mismatch) denies; an allow rule that fails does not match.",
		example: "switchboard policy rule add dev --effect deny --tool 'github__delete_repo' \\\n" +
			"  --when 'principal.groups.exists(g, g == \"contractors\")'\n" +
			"switchboard policy rule add dev --effect allow --tool db__query --when 'args.sql.startsWith(\"SELECT\")' --position 1\n" +
			"switchboard policy rule add dev --effect deny --tool db__query --dry-run --last 500",
		setup: func(fs *flag.FlagSet) action {
			o := &ruleOpts{}
			o.register(fs, true)
			return o.add
		},
	}
}

func (o *ruleOpts) add(ctx context.Context, s *session, args []string) error {
	ep, err := oneArg(args, "ENDPOINT")
	if err != nil {
		return err
	}
	req, err := o.createRequest()
	if err != nil {
		return err
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	if o.dryRun {
		res, err := c.DryRunToolRule(ctx, ep, api.DryRunRequest{CreateToolRuleRequest: req, Last: o.last})
		if err != nil {
			return err
		}
		return printDryRun(s.io.Out, res, o.json)
	}
	r, err := c.AddToolRule(ctx, ep, req)
	if err != nil {
		return err
	}
	if o.json {
		return printJSON(s.io.Out, r)
	}
	fmt.Fprintf(s.io.Out, "Added rule %s (#%d, %s %q) to endpoint %q.\n", r.ID, r.Position, r.Effect, r.Name, ep)
	return nil
}

func printDryRun(w io.Writer, res *api.DryRunResult, asJSON bool) error {
	if asJSON {
		return printJSON(w, res)
	}
	fmt.Fprintf(w, "Dry run, nothing saved: %s.\n", res.Summary)
	if len(res.Samples) == 0 {
		return nil
	}
	t := newTable(w, "SEQ", "TIME", "ACTOR", "TOOL", "WOULD BE")
	for _, x := range res.Samples {
		t.row(strconv.FormatInt(x.Seq, 10), fmtTime(x.Time), x.Actor, x.Tool, x.Decision)
	}
	return t.flush()
}

func ruleUpdateCmd() *command {
	return &command{
		name:    "update",
		aliases: []string{"move", "set"},
		summary: "Change, move, enable or disable a rule",
		args:    "ENDPOINT ID [flags]",
		example: "switchboard policy rule update dev rul_… --position 1\n" +
			"switchboard policy rule update dev rul_… --enabled false\n" +
			"switchboard policy rule update dev rul_… --when 'principal.role != \"admin\"'",
		setup: func(fs *flag.FlagSet) action {
			o := &ruleOpts{}
			o.register(fs, false)
			return func(ctx context.Context, s *session, args []string) error {
				return o.update(ctx, s, args, fs)
			}
		},
	}
}

func (o *ruleOpts) update(ctx context.Context, s *session, args []string, fs *flag.FlagSet) error {
	if len(args) != 2 {
		return usageErrorf("want ENDPOINT ID")
	}
	req := api.UpdateToolRuleRequest{}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["effect"] {
		req.Effect = &o.effect
	}
	if set["name"] {
		req.Name = &o.name
	}
	if set["tool"] {
		tools := []string(o.tools)
		req.Tools = &tools
	}
	if set["when"] {
		req.Condition = &o.when
	}
	if set["position"] {
		req.Position = &o.position
	}
	if set["enabled"] {
		b, err := strconv.ParseBool(o.enabled)
		if err != nil {
			return usageErrorf("--enabled must be true or false")
		}
		req.Enabled = &b
	}
	if len(set) == 0 || (len(set) == 1 && set["json"]) {
		return usageErrorf("nothing to change: give --position, --enabled, --when, --tool, --effect or --name")
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	r, err := c.UpdateToolRule(ctx, args[0], args[1], req)
	if err != nil {
		return err
	}
	if o.json {
		return printJSON(s.io.Out, r)
	}
	fmt.Fprintf(s.io.Out, "Updated rule %s: #%d, %s %q, enabled %v.\n", r.ID, r.Position, r.Effect, r.Name, r.Enabled)
	return nil
}

func ruleRemoveCmd() *command {
	return &command{
		name:    "remove",
		aliases: []string{"rm", "delete"},
		summary: "Remove a rule from an endpoint's tool policy",
		args:    "ENDPOINT ID",
		example: "switchboard policy rule remove dev rul_…",
		setup: func(fs *flag.FlagSet) action {
			return func(ctx context.Context, s *session, args []string) error {
				if len(args) != 2 {
					return usageErrorf("want ENDPOINT ID")
				}
				c, err := s.client()
				if err != nil {
					return err
				}
				if err := c.RemoveToolRule(ctx, args[0], args[1]); err != nil {
					return err
				}
				_, err = fmt.Fprintf(s.io.Out, "Removed rule %s from endpoint %q.\n", args[1], args[0])
				return err
			}
		},
	}
}

func ruleDryRunCmd() *command {
	return &command{
		name:    "dry-run",
		summary: "Replay a saved (e.g. disabled) rule, enabled, over recent calls",
		args:    "ENDPOINT ID [flags]",
		long:    "To try a new rule without saving it, use `policy rule add … --dry-run`.",
		example: "switchboard policy rule dry-run dev rul_… --last 1000",
		setup: func(fs *flag.FlagSet) action {
			last := fs.Int("last", 500, "replay the last `N` tool calls")
			asJSON := fs.Bool("json", false, "print the API's JSON answer")
			return func(ctx context.Context, s *session, args []string) error {
				if len(args) != 2 {
					return usageErrorf("want ENDPOINT ID")
				}
				c, err := s.client()
				if err != nil {
					return err
				}
				res, err := c.DryRunToolRule(ctx, args[0], api.DryRunRequest{RuleID: args[1], Last: *last})
				if err != nil {
					return err
				}
				return printDryRun(s.io.Out, res, *asJSON)
			}
		},
	}
}

func policyExplainCmd() *command {
	return &command{
		name:    "explain",
		summary: "Say whether a user or service account may call a tool, and why",
		args:    "--user EMAIL | --service-account SA --endpoint E --tool T [--args JSON]",
		long: "The steps follow the gateway: connect (role, endpoint grant, token binding), the\n" +
			"tool being enabled on the endpoint, then the endpoint's rules.",
		example: "switchboard policy explain --user amy@example.com --endpoint dev --tool github__delete_repo\n" +
			"switchboard policy explain --service-account ci --endpoint dev --tool db__query --args '{\"sql\":\"SELECT 1\"}'",
		setup: func(fs *flag.FlagSet) action {
			var req api.ExplainRequest
			var args string
			fs.StringVar(&req.User, "user", "", "the `EMAIL` of a user")
			fs.StringVar(&req.ServiceAccount, "service-account", "", "the `NAME` of a service account")
			fs.StringVar(&req.Endpoint, "endpoint", "", "the endpoint's `NAME`")
			fs.StringVar(&req.Tool, "tool", "", "the tool's exposed `NAME`, e.g. github__delete_repo")
			fs.StringVar(&args, "args", "", "the call's arguments, a `JSON` object")
			asJSON := fs.Bool("json", false, "print the API's JSON answer")
			return func(ctx context.Context, s *session, rest []string) error {
				if err := noArgs(rest); err != nil {
					return err
				}
				if args != "" {
					if !json.Valid([]byte(args)) {
						return usageErrorf("--args must be a JSON object, e.g. '{\"sql\":\"SELECT 1\"}'")
					}
					req.Args = json.RawMessage(args)
				}
				c, err := s.client()
				if err != nil {
					return err
				}
				res, err := c.ExplainPolicy(ctx, req)
				if err != nil {
					return err
				}
				if *asJSON {
					return printJSON(s.io.Out, res)
				}
				return printExplain(s.io.Out, res)
			}
		},
	}
}

func printExplain(w io.Writer, res *api.ExplainResult) error {
	fmt.Fprintf(w, "%s: %s\n", strings.ToUpper(res.Decision), res.Reason)
	for i, st := range res.Steps {
		mark := "allow"
		if !st.Allow {
			mark = "deny"
		}
		fmt.Fprintf(w, "  %d. %-7s %-5s %s\n", i+1, st.Stage, mark, st.Detail)
	}
	return nil
}
