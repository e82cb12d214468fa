package toolpolicy

import (
	"errors"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// FuzzConditions checks that a condition is either refused at save time
// with a condition error, or compiles into a rule whose evaluation never
// panics and is deterministic, whatever the arguments (the second input,
// decoded as a call's JSON arguments).
func FuzzConditions(f *testing.F) {
	for _, s := range []string{
		`principal.groups.exists(g, g == "contractors")`, `args.sql.startsWith("SELECT")`,
		`args.n > 3`, `size(args) == 0`, `tool.matches("(")`, `args.a.b.c`, `1/0 == 1`,
		`principal.role in ["admin"]`, `"x" + 1 == "y"`, `args["k"] == null`, `)(`, ``,
	} {
		f.Add(s, `{"sql":"SELECT 1","n":"x"}`)
	}
	f.Fuzz(func(t *testing.T, cond, args string) {
		r := store.ToolRule{ID: "r", Effect: EffectDeny, Condition: cond, Enabled: true}
		if err := Validate(r); err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != "condition" || fe.Msg == "" {
				t.Fatalf("Validate(%q) = %v, want a condition FieldError", cond, err)
			}
			return
		}
		s, err := Compile([]store.ToolRule{r})
		if err != nil {
			t.Fatalf("validated rule does not compile: %v", err)
		}
		in := Input{Principal: contractor(), Tool: "t", Args: DecodeArgs([]byte(args))}
		d1, d2 := s.Decide(&in), s.Decide(&in)
		if d1.Allow != d2.Allow || (d1.Err == nil) != (d2.Err == nil) {
			t.Fatalf("not deterministic: %+v vs %+v", d1, d2)
		}
		if d1.Err != nil && d1.Allow {
			t.Fatalf("a deny rule that errors allowed the call")
		}
		_ = s.Visible(&in)
	})
}
