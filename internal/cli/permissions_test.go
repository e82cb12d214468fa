package cli

import (
	"reflect"
	"strings"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

func TestParsePermission(t *testing.T) {
	good := []struct {
		in   string
		want api.Permission
	}{
		{"servers:read", api.Permission{Resource: "servers", Actions: []string{"read"}}},
		{" endpoints : read, edit ,:glob=team-a-*", api.Permission{Resource: "endpoints", Actions: []string{"read", "edit"},
			Conditions: []api.Condition{{Op: "glob", Values: []string{"team-a-*"}}}}},
		{"service-accounts:delete:in=ci|bot;ne=bot", api.Permission{Resource: "service-accounts", Actions: []string{"delete"},
			Conditions: []api.Condition{{Op: "in", Values: []string{"ci", "bot"}}, {Op: "ne", Values: []string{"bot"}}}}},
		{"groups:edit:eq=a:b", api.Permission{Resource: "groups", Actions: []string{"edit"},
			Conditions: []api.Condition{{Op: "eq", Values: []string{"a:b"}}}}},
	}
	for _, tc := range good {
		got, err := parsePermission(tc.in)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("parsePermission(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", "servers", ":read", "servers:", "servers: , ", "endpoints:read:glob", "endpoints:read:=x", "endpoints:read:glob="} {
		if _, err := parsePermission(in); err == nil || !strings.Contains(err.Error(), "permission") {
			t.Errorf("parsePermission(%q) err = %v, want a message about the permission", in, err)
		}
	}
}

// FuzzParsePermission: the parser never panics, and what it accepts
// prints back to text that parses to the same permission.
func FuzzParsePermission(f *testing.F) {
	for _, s := range []string{"servers:read", "endpoints:read,edit:glob=team-a-*", "x:y:in=a|b;ne=c", "a:b:c", "::::"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parsePermission(s)
		if err != nil {
			return
		}
		again, err := parsePermission(formatPermission(p))
		if err != nil || !reflect.DeepEqual(again, p) {
			t.Fatalf("%q -> %q -> %+v, %v; want %+v", s, formatPermission(p), again, err, p)
		}
	})
}
