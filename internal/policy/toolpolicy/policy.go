package toolpolicy

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strings"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/interpreter"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// Input is one call (or, for Visible, one tool) as the rules see it.
type Input struct {
	Principal    Principal
	Endpoint     string
	Tool         string // exposed name
	Server       string
	UpstreamTool string
	Args         map[string]any // the call's arguments; nil = none
}

// Decision is the result of Decide.
type Decision struct {
	Allow bool
	// Rule is the rule that decided, nil when no rule matched (allow).
	Rule *store.ToolRule
	// Err is set when a rule's evaluation failed; the rule then matched
	// if it is a deny rule and was skipped if it is an allow rule.
	Err error
}

// Reason says in words why the decision was made.
func (d Decision) Reason() string {
	if d.Rule == nil {
		return "no rule matched; calls are allowed unless a rule denies them"
	}
	verb := "allows"
	if d.Rule.Effect == EffectDeny {
		verb = "denies"
	}
	s := fmt.Sprintf("rule %s (#%d %q) %s", d.Rule.ID, d.Rule.Position, d.Rule.Name, verb)
	if d.Err != nil {
		s += " (its condition failed to evaluate: deny rules fail closed)"
	}
	return s
}

// compiled is one enabled rule, ready to evaluate.
type compiled struct {
	rule store.ToolRule
	prg  *program // nil = always true
	bad  error    // the condition no longer compiles: a deny matches, an allow does not
}

// Set is the compiled, ordered rules of one endpoint. It is immutable and
// safe for concurrent use.
type Set struct {
	rules    []compiled
	needArgs bool
}

// Compile builds the set of the enabled rules, ordered by Position. A rule
// whose condition fails to compile (it passed Validate when saved, so only
// after an upgrade) is kept and fails closed; its error is returned for
// the log.
func Compile(rules []store.ToolRule) (*Set, error) {
	s := &Set{}
	var errs []error
	for _, r := range rules {
		if !r.Enabled {
			continue
		}
		c := compiled{rule: r}
		if strings.TrimSpace(r.Condition) != "" { // as Validate: blank = always
			c.prg, c.bad = compile(r.Condition)
			if c.bad != nil {
				errs = append(errs, fmt.Errorf("rule %s: %w", r.ID, c.bad))
			} else if c.prg.usesArgs {
				s.needArgs = true
			}
		}
		s.rules = append(s.rules, c)
	}
	return s, errors.Join(errs...)
}

// Len is the number of enabled rules.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return len(s.rules)
}

// NeedsArgs reports whether any rule reads args, so that callers decode
// arguments only then.
func (s *Set) NeedsArgs() bool { return s != nil && s.needArgs }

// Decide evaluates the rules in order; the first match decides.
func (s *Set) Decide(in *Input) Decision {
	if s == nil {
		return Decision{Allow: true}
	}
	act := activation{in: in}
	for i := range s.rules {
		c := &s.rules[i]
		if !toolMatches(c.rule.Tools, in.Tool) {
			continue
		}
		ok, err := c.eval(&act)
		if ok {
			return Decision{Allow: c.rule.Effect == EffectAllow, Rule: &c.rule, Err: err}
		}
	}
	return Decision{Allow: true}
}

// Visible reports whether in.Tool belongs in the principal's tools/list:
// false only when the first rule that certainly applies, without looking
// at arguments, denies.
func (s *Set) Visible(in *Input) bool {
	if s == nil {
		return true
	}
	act := activation{in: in}
	for i := range s.rules {
		c := &s.rules[i]
		if !toolMatches(c.rule.Tools, in.Tool) {
			continue
		}
		if c.prg != nil && c.prg.usesArgs {
			return true // depends on the arguments: some calls may pass
		}
		if ok, _ := c.eval(&act); ok {
			return c.rule.Effect == EffectAllow
		}
	}
	return true
}

// eval reports whether the rule's condition holds. A failure counts as a
// match for a deny rule (fail closed) and as no match for an allow rule.
func (c *compiled) eval(act *activation) (bool, error) {
	if c.bad != nil {
		return c.rule.Effect == EffectDeny, c.bad
	}
	if c.prg == nil {
		return true, nil
	}
	out, _, err := c.prg.prg.Eval(act)
	if err == nil {
		if b, ok := out.(types.Bool); ok {
			return bool(b), nil
		}
		err = fmt.Errorf("condition returned %s, not a bool", out.Type())
	}
	return c.rule.Effect == EffectDeny, err
}

func toolMatches(globs []string, tool string) bool {
	if len(globs) == 0 {
		return true
	}
	for _, g := range globs {
		if g == tool {
			return true
		}
		if ok, _ := path.Match(g, tool); ok {
			return true
		}
	}
	return false
}

// activation resolves the CEL variables from an Input without building a
// map per call.
type activation struct {
	in *Input
}

var _ interpreter.Activation = (*activation)(nil)

func (a *activation) ResolveName(name string) (any, bool) {
	switch name {
	case "principal":
		return &a.in.Principal, true
	case "endpoint":
		return a.in.Endpoint, true
	case "tool":
		return a.in.Tool, true
	case "server":
		return a.in.Server, true
	case "upstream_tool":
		return a.in.UpstreamTool, true
	case "args":
		if a.in.Args == nil {
			return map[string]any{}, true
		}
		return a.in.Args, true
	}
	return nil, false
}

func (a *activation) Parent() interpreter.Activation { return nil }

// DecodeArgs decodes a call's JSON arguments for the rules. Anything but a
// JSON object becomes an empty map, so that rules reading args fail as
// they would on a missing argument.
func DecodeArgs(raw []byte) map[string]any {
	var m map[string]any
	if len(raw) == 0 || json.Unmarshal(raw, &m) != nil || m == nil {
		return map[string]any{}
	}
	return m
}
