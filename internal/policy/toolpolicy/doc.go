// Package toolpolicy compiles and evaluates the per-endpoint tool rules:
// ordered allow and deny rules over the principal, its groups, the tool and
// the call's arguments, written as CEL expressions.
//
// Semantics: rules are evaluated in Position order and the first rule that
// matches decides. A rule matches when the tool's exposed name matches one
// of its Tools globs (none = every tool) and its Condition is true ("" =
// true). When no rule matches the call is allowed: the endpoint's tool
// enablement already gates what exists, rules only narrow it.
//
// Errors are handled deterministically and fail closed: a deny rule whose
// condition cannot be evaluated (a missing argument, a type mismatch, the
// cost limit) matches and denies; an allow rule that cannot be evaluated
// does not match. The error is reported in Decision.Err for the log. Bad
// expressions are refused at save time by Validate, with the CEL message.
//
// For tools/list, Visible evaluates the rules without arguments: a tool is
// hidden when the first rule that certainly applies is a deny; a rule that
// reads args is unknown and shows the tool, since some arguments may be
// allowed.
package toolpolicy
