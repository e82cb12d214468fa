package config

import (
	"encoding/json"
	"errors"
	"strings"
)

// List is a list of strings: a JSON array in the file, and a comma- or
// space-separated value in env vars and flags ("openid,email profile").
type List []string

// UnmarshalJSON accepts only an array of strings.
func (l *List) UnmarshalJSON(b []byte) error {
	var v []string
	if err := json.Unmarshal(b, &v); err != nil {
		return errors.New("must be an array of strings")
	}
	*l = v
	return nil
}

// parse reads the env/flag form; an empty value is an empty list.
func (l *List) parse(s string) {
	*l = strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
}

// String renders the env/flag form.
func (l List) String() string { return strings.Join(l, ",") }
