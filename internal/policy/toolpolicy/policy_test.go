package toolpolicy

import (
	"errors"
	"strings"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

func rule(id, effect, cond string, tools ...string) store.ToolRule {
	return store.ToolRule{ID: id, Effect: effect, Name: id, Tools: tools, Condition: cond, Enabled: true}
}

func mustCompile(t testing.TB, rules ...store.ToolRule) *Set {
	t.Helper()
	for i := range rules {
		rules[i].Position = i + 1
	}
	s, err := Compile(rules)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func contractor() Principal {
	return Principal{ID: "usr_1", Email: "c@example.com", Type: "user", Role: "member", Groups: []string{"contractors"}}
}

func TestDecideIssueExamples(t *testing.T) {
	s := mustCompile(t,
		rule("r1", EffectDeny, `principal.groups.exists(g, g == "contractors")`, "github__delete_repo"),
		rule("r2", EffectAllow, `args.sql.startsWith("SELECT")`, "db__query"),
		rule("r3", EffectDeny, "", "db__query"),
	)
	staff := Principal{ID: "usr_2", Type: "user", Role: "member", Groups: []string{"staff"}}
	tests := []struct {
		name  string
		in    Input
		allow bool
		rule  string
	}{
		{"contractor cannot delete", Input{Principal: contractor(), Tool: "github__delete_repo"}, false, "r1"},
		{"staff can delete", Input{Principal: staff, Tool: "github__delete_repo"}, true, ""},
		{"select allowed", Input{Principal: staff, Tool: "db__query", Args: map[string]any{"sql": "SELECT 1"}}, true, "r2"},
		{"delete denied", Input{Principal: staff, Tool: "db__query", Args: map[string]any{"sql": "DELETE FROM t"}}, false, "r3"},
		{"missing arg: allow rule skipped, deny follows", Input{Principal: staff, Tool: "db__query"}, false, "r3"},
		{"other tool untouched", Input{Principal: contractor(), Tool: "github__list_repos"}, true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := s.Decide(&tc.in)
			got := ""
			if d.Rule != nil {
				got = d.Rule.ID
			}
			if d.Allow != tc.allow || got != tc.rule {
				t.Errorf("Decide = allow %v by %q, want allow %v by %q (%s)", d.Allow, got, tc.allow, tc.rule, d.Reason())
			}
		})
	}
}

func TestRuntimeErrorsFailClosed(t *testing.T) {
	// args.n is a string here, so "> 3" fails at run time.
	deny := mustCompile(t, rule("d", EffectDeny, `args.n > 3`))
	d := deny.Decide(&Input{Tool: "x", Args: map[string]any{"n": "seven"}})
	if d.Allow || d.Err == nil || d.Rule == nil {
		t.Errorf("deny rule that errors: %+v, want a deny carrying the error", d)
	}
	allow := mustCompile(t, rule("a", EffectAllow, `args.n > 3`), rule("d", EffectDeny, ""))
	d = allow.Decide(&Input{Tool: "x", Args: map[string]any{"n": "seven"}})
	if d.Allow || d.Rule == nil || d.Rule.ID != "d" {
		t.Errorf("allow rule that errors must be skipped: %+v", d)
	}
}

func TestCostLimit(t *testing.T) {
	s := mustCompile(t, rule("d", EffectDeny,
		`[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c, [1,2,3,4,5,6,7,8,9,10].all(e, a+b+c+e > 0))))`))
	d := s.Decide(&Input{Tool: "x"})
	if d.Allow || d.Err == nil || !strings.Contains(d.Err.Error(), "cost") {
		t.Errorf("over the cost limit: %+v, want a fail-closed deny naming the cost", d)
	}
}

func TestVisible(t *testing.T) {
	s := mustCompile(t,
		rule("r1", EffectDeny, `"contractors" in principal.groups`, "github__delete_*"),
		rule("r2", EffectDeny, `!args.sql.startsWith("SELECT")`, "db__query"),
		rule("r3", EffectAllow, `principal.role == "admin"`, "admin__*"),
		rule("r4", EffectDeny, "", "admin__*"),
	)
	staff := Principal{Type: "user", Role: "member"}
	admin := Principal{Type: "user", Role: "admin"}
	for _, tc := range []struct {
		p    Principal
		tool string
		want bool
	}{
		{contractor(), "github__delete_repo", false},
		{staff, "github__delete_repo", true},
		{contractor(), "db__query", true}, // depends on args
		{admin, "admin__reset", true},
		{staff, "admin__reset", false},
	} {
		if got := s.Visible(&Input{Principal: tc.p, Tool: tc.tool}); got != tc.want {
			t.Errorf("Visible(%s, %s) = %v, want %v", tc.p.Role, tc.tool, got, tc.want)
		}
	}
}

func TestValidateNamesTheField(t *testing.T) {
	for _, tc := range []struct {
		r     store.ToolRule
		field string
		msg   string
	}{
		{store.ToolRule{Effect: "maybe"}, "effect", "allow"},
		{store.ToolRule{Effect: "deny", Tools: []string{"a["}}, "tools", "glob"},
		{store.ToolRule{Effect: "deny", Condition: "principal.nmae == 'x'"}, "condition", "nmae"},
		{store.ToolRule{Effect: "deny", Condition: "args.sql"}, "condition", "bool"},
		{store.ToolRule{Effect: "deny", Condition: "1 +"}, "condition", "Syntax error"},
		{store.ToolRule{Effect: "deny", Condition: "nope == 1"}, "condition", "undeclared reference"},
		{store.ToolRule{Effect: "deny", Condition: strings.Repeat("a", MaxConditionLen+1)}, "condition", "limit"},
	} {
		var fe *FieldError
		err := Validate(tc.r)
		if !errors.As(err, &fe) || fe.Field != tc.field || !strings.Contains(fe.Msg, tc.msg) {
			t.Errorf("Validate(%+v) = %v, want field %s mentioning %q", tc.r, err, tc.field, tc.msg)
		}
	}
	if err := Validate(rule("ok", EffectAllow, `args.sql.startsWith("SELECT") && tool.matches("^db__")`, "db__*")); err != nil {
		t.Errorf("a good rule: %v", err)
	}
}
