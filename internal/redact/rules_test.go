package redact

import (
	"strings"
	"testing"
)

func TestRules(t *testing.T) {
	runCases(t, Options{Rules: []Rule{
		{Name: "employee id", Pattern: `EMP-\d{6}`},
		{Name: "Project-Codename", Pattern: `(?i)\bproject (falcon|osprey)\b`},
		{Name: "redacted word", Pattern: `REDACTED`},
		{Name: "optional", Pattern: `x*`},
	}}, []redactCase{
		{"match", "badge EMP-123456 ok", "badge [REDACTED_EMPLOYEE_ID] ok"},
		{"case-insensitive rule", "about Project Falcon.", "about [REDACTED_PROJECT_CODENAME]."},
		{"no match", "EMP-12345", "EMP-12345"},
		{"rule matching inside markers stays stable", "REDACTED stuff", "[REDACTED_REDACTED_WORD] stuff"},
		{"empty matches are ignored", "abc", "abc"},
		{"non-empty matches of an optional pattern", "axxb", "a[REDACTED_OPTIONAL]b"},
	})
}

func TestRuleErrors(t *testing.T) {
	tests := []struct {
		name string
		rule Rule
		want string
	}{
		{"bad pattern", Rule{Name: "broken", Pattern: `(abc`}, `rule "broken"`},
		{"empty pattern", Rule{Name: "empty", Pattern: ""}, `rule "empty": empty pattern`},
		{"no usable name", Rule{Name: "--", Pattern: "x"}, `rule "--": name needs`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := New(Options{PII: true, Rules: []Rule{{Name: "ok", Pattern: "x"}, tc.rule}})
			if err == nil || r != nil {
				t.Fatalf("New = %v, %v; want an error", r, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestRuleKind(t *testing.T) {
	tests := map[string]string{
		"employee id":     "EMPLOYEE_ID",
		"Project-Code":    "PROJECT_CODE",
		"  x  ":           "X",
		"a__b":            "A_B",
		"ticket#42":       "TICKET_42",
		"héllo":           "H_LLO",
		"ALREADY_UPPER_1": "ALREADY_UPPER_1",
		"__":              "",
	}
	for name, want := range tests {
		if got := ruleKind(name); got != want {
			t.Errorf("ruleKind(%q) = %q, want %q", name, got, want)
		}
	}
}
