package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// RedactRule is an admin-defined pattern that redaction level "all"
// replaces with [REDACTED_<NAME>], e.g. {"name": "employee_id",
// "pattern": "EMP-[0-9]{6}"}. Patterns use Go's RE2 syntax, so matching
// stays linear in the input.
type RedactRule struct {
	Name    string `json:"name"`
	Pattern string `json:"pattern"`
}

// RedactRules is the gateway.redact_rules list. Its JSON form is strict.
type RedactRules []RedactRule

// UnmarshalJSON decodes a JSON array of rules; unknown keys are errors.
func (r *RedactRules) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(b, &raws); err != nil {
		return errors.New(`must be an array of rules, e.g. [{"name": "employee_id", "pattern": "EMP-[0-9]{6}"}]`)
	}
	out := make(RedactRules, len(raws))
	var errs []string
	for i, raw := range raws {
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&out[i]); err != nil {
			errs = append(errs, fmt.Sprintf("[%d]: %s", i, strings.TrimPrefix(err.Error(), "json: ")))
		}
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "; "))
	}
	*r = out
	return nil
}

// String renders the rules as JSON.
func (r RedactRules) String() string {
	if len(r) == 0 {
		return "[]"
	}
	b, _ := json.Marshal([]RedactRule(r))
	return string(b)
}

var ruleNameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_ -]{0,39}$`)

// validate checks every rule: a name, unique, and a pattern that compiles.
func (r RedactRules) validate() []error {
	var errs []error
	seen := map[string]bool{}
	for i, rule := range r {
		p := fmt.Sprintf("gateway.redact_rules[%d]", i)
		switch {
		case !ruleNameRE.MatchString(rule.Name):
			errs = append(errs, fmt.Errorf("%s.name: must be 1-40 letters, digits, '_', '-' or spaces, starting with a letter", p))
		case seen[strings.ToLower(rule.Name)]:
			errs = append(errs, fmt.Errorf("%s.name: %q is used twice", p, rule.Name))
		}
		seen[strings.ToLower(rule.Name)] = true
		if rule.Pattern == "" {
			errs = append(errs, fmt.Errorf("%s.pattern: is required", p))
		} else if _, err := regexp.Compile(rule.Pattern); err != nil {
			errs = append(errs, fmt.Errorf("%s.pattern: %v", p, strings.TrimPrefix(err.Error(), "error parsing regexp: ")))
		}
	}
	return errs
}
