package toolpolicy

import (
	"errors"
	"fmt"
	"path"
	"strings"
	"sync"

	"cel.dev/cel-go/cel"
	celast "cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/ext"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// Limits on what a rule may be.
const (
	// MaxConditionLen bounds a condition's length in bytes.
	MaxConditionLen = 4096
	// CostLimit bounds the work of one evaluation of a condition with a
	// comprehension (CEL cost units); a rule that exceeds it fails, which
	// denies for a deny rule. Conditions without one are linear in the
	// size of the call's arguments and run untracked.
	CostLimit = 10_000
	// MaxTools bounds the number of tool globs of one rule.
	MaxTools = 100
)

// Effects of a rule.
const (
	EffectAllow = "allow"
	EffectDeny  = "deny"
)

// Principal is the caller as CEL sees it, as the variable principal.
type Principal struct {
	ID     string   `cel:"id"`
	Email  string   `cel:"email"`
	Type   string   `cel:"type"` // "user" or "service_account"
	Role   string   `cel:"role"`
	Groups []string `cel:"groups"` // group names
}

// FieldError is a rule that cannot be saved; Field names the bad field
// (condition, tools, effect) and Msg says why, with CEL's message.
type FieldError struct {
	Field, Msg string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

var (
	envOnce sync.Once
	envVal  *cel.Env
	envErr  error
)

// env is the one CEL environment every rule compiles in.
func env() (*cel.Env, error) {
	envOnce.Do(func() {
		envVal, envErr = cel.NewEnv(
			ext.NativeTypes(types.NativeTypeFor[Principal](types.ParseStructTags(true))),
			cel.Variable("principal", cel.ObjectType("toolpolicy.Principal")),
			cel.Variable("endpoint", cel.StringType),
			cel.Variable("tool", cel.StringType),
			cel.Variable("server", cel.StringType),
			cel.Variable("upstream_tool", cel.StringType),
			cel.Variable("args", cel.MapType(cel.StringType, cel.DynType)),
			ext.Strings(),
		)
	})
	return envVal, envErr
}

// program is one compiled condition.
type program struct {
	prg      cel.Program
	usesArgs bool
}

// compile type-checks cond (which must be a bool expression) and plans it.
func compile(cond string) (*program, error) {
	e, err := env()
	if err != nil {
		return nil, fmt.Errorf("CEL environment: %w", err)
	}
	if len(cond) > MaxConditionLen {
		return nil, &FieldError{"condition", fmt.Sprintf("is %d bytes; the limit is %d", len(cond), MaxConditionLen)}
	}
	ast, iss := e.Compile(cond)
	if iss != nil && iss.Err() != nil {
		return nil, &FieldError{"condition", "does not compile: " + iss.Err().Error()}
	}
	if !ast.OutputType().IsExactType(types.BoolType) {
		return nil, &FieldError{"condition", fmt.Sprintf("must be a bool expression, not %s", ast.OutputType())}
	}
	p := &program{usesArgs: referencesArgs(ast)}
	opts := []cel.ProgramOption{cel.EvalOptions(cel.OptOptimize)}
	if hasLoops(ast) {
		// Only a comprehension can cost more than linear in the input, so
		// only those pay for run-time cost tracking (it doubles the time).
		opts = append(opts, cel.CostLimit(CostLimit))
	}
	if p.prg, err = e.Program(ast, opts...); err != nil {
		return nil, &FieldError{"condition", "cannot be planned: " + err.Error()}
	}
	return p, nil
}

// hasLoops reports whether the expression has a comprehension (the
// macros exists, all, exists_one, map, filter).
func hasLoops(a *cel.Ast) bool {
	found := false
	celast.PostOrderVisit(a.NativeRep().Expr(), celast.NewExprVisitor(func(e celast.Expr) {
		if e.Kind() == celast.ComprehensionKind {
			found = true
		}
	}))
	return found
}

// referencesArgs reports whether the checked expression reads args.
func referencesArgs(a *cel.Ast) bool {
	for _, ref := range a.NativeRep().ReferenceMap() {
		if ref.Name == "args" {
			return true
		}
	}
	return false
}

// Validate checks a rule as it would be saved: effect, tool globs and
// condition. A *FieldError names the bad field.
func Validate(r store.ToolRule) error {
	if r.Effect != EffectAllow && r.Effect != EffectDeny {
		return &FieldError{"effect", fmt.Sprintf("must be %q or %q", EffectAllow, EffectDeny)}
	}
	if len(r.Tools) > MaxTools {
		return &FieldError{"tools", fmt.Sprintf("has %d globs; the limit is %d", len(r.Tools), MaxTools)}
	}
	for _, g := range r.Tools {
		if strings.TrimSpace(g) == "" {
			return &FieldError{"tools", "a tool glob is empty"}
		}
		if _, err := path.Match(g, ""); err != nil {
			return &FieldError{"tools", fmt.Sprintf("%q is not a valid glob (use * and ?)", g)}
		}
	}
	if strings.TrimSpace(r.Condition) == "" {
		return nil
	}
	_, err := compile(r.Condition)
	var fe *FieldError
	if err != nil && !errors.As(err, &fe) {
		return &FieldError{"condition", err.Error()}
	}
	return err
}
