package redact

import (
	"fmt"
	"regexp"
	"strings"
)

// compileRule turns an admin-defined rule into a detector.
func compileRule(r Rule) (detector, error) {
	kind := ruleKind(r.Name)
	if kind == "" {
		return detector{}, fmt.Errorf("redact: rule %q: name needs a letter or digit", r.Name)
	}
	if r.Pattern == "" {
		return detector{}, fmt.Errorf("redact: rule %q: empty pattern", r.Name)
	}
	re, err := regexp.Compile(r.Pattern)
	if err != nil {
		return detector{}, fmt.Errorf("redact: rule %q: %w", r.Name, err)
	}
	return detector{kind: kind, find: regexpFinder(re, kind)}, nil
}

// regexpFinder reports every non-empty match of re.
func regexpFinder(re *regexp.Regexp, kind string) func(string, []span) []span {
	return func(s string, dst []span) []span {
		for _, m := range re.FindAllStringIndex(s, -1) {
			if m[1] > m[0] {
				dst = append(dst, span{m[0], m[1], kind})
			}
		}
		return dst
	}
}

// ruleKind upper-cases name and turns each run of bytes outside [A-Z0-9_]
// into one '_', trimming '_' at either end: "employee id" → "EMPLOYEE_ID".
func ruleKind(name string) string {
	var b strings.Builder
	pending := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		if isLower(c) {
			c -= 'a' - 'A'
		}
		if !isUpper(c) && !isDigit(c) {
			pending = b.Len() > 0
			continue
		}
		if pending {
			b.WriteByte('_')
			pending = false
		}
		b.WriteByte(c)
	}
	return b.String()
}
