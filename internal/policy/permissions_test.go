package policy

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

func TestValidatePermissionsRefusesBadInput(t *testing.T) {
	tests := []struct {
		name, json, field, msg string
	}{
		{"unknown resource", `[{"resource":"planets","actions":["read"]}]`, "permissions[0].resource", `unknown resource "planets"`},
		{"no actions", `[{"resource":"servers","actions":[]}]`, "permissions[0].actions", "at least one"},
		{"verb not for resource", `[{"resource":"audit","actions":["delete"]}]`, "permissions[0].actions", `"delete" does not apply to audit: use read, export`},
		{"connect on servers", `[{"resource":"servers","actions":["connect"]}]`, "permissions[0].actions", "does not apply"},
		{"unknown op", `[{"resource":"servers","actions":["read"]},{"resource":"endpoints","actions":["read"],"conditions":[{"op":"regex","values":["a"]}]}]`,
			"permissions[1].conditions[0].op", `unknown operator "regex"`},
		{"eq with two values", `[{"resource":"servers","actions":["read"],"conditions":[{"op":"eq","values":["a","b"]}]}]`,
			"permissions[0].conditions[0].values", "exactly one value"},
		{"in with none", `[{"resource":"servers","actions":["read"],"conditions":[{"op":"in","values":[]}]}]`,
			"permissions[0].conditions[0].values", "1 to 50 values"},
		{"bad glob", `[{"resource":"endpoints","actions":["edit"],"conditions":[{"op":"glob","values":["team-[a"]}]}]`,
			"permissions[0].conditions[0].values", `malformed glob "team-[a"`},
		{"empty value", `[{"resource":"endpoints","actions":["edit"],"conditions":[{"op":"eq","values":[" "]}]}]`,
			"permissions[0].conditions[0].values", "empty"},
		{"control character", `[{"resource":"endpoints","actions":["edit"],"conditions":[{"op":"eq","values":["a\u0000b"]}]}]`,
			"permissions[0].conditions[0].values", "control character"},
		{"conditions on audit", `[{"resource":"audit","actions":["read"],"conditions":[{"op":"eq","values":["x"]}]}]`,
			"permissions[0].conditions", "no names to match"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ps []store.Permission
			if err := json.Unmarshal([]byte(tc.json), &ps); err != nil {
				t.Fatal(err)
			}
			_, err := ValidatePermissions(ps)
			var pe *PermissionError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a PermissionError", err)
			}
			if pe.Field != tc.field || !strings.Contains(pe.Message, tc.msg) {
				t.Errorf("got %s: %s; want %s: …%s…", pe.Field, pe.Message, tc.field, tc.msg)
			}
		})
	}
}

func TestValidatePermissionsNormalizes(t *testing.T) {
	in := []store.Permission{{Resource: " endpoints ", Actions: []string{"connect", "read", "read", " edit"},
		Conditions: []store.Condition{{Op: "in", Values: []string{" a ", "b"}}}}}
	got, err := ValidatePermissions(in)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Permission{{Resource: "endpoints", Actions: []string{"read", "edit", "connect"},
		Conditions: []store.Condition{{Op: "in", Values: []string{"a", "b"}}}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if _, err := ValidatePermissions(make([]store.Permission, MaxPermissions+1)); err == nil {
		t.Error("too many permissions accepted")
	}
}

// FuzzValidatePermissions feeds arbitrary JSON to the save-time parser: it
// never panics, refuses with a PermissionError naming a field under
// "permissions", and what it accepts is stable and safe to evaluate.
func FuzzValidatePermissions(f *testing.F) {
	for _, s := range []string{
		`[{"resource":"endpoints","actions":["read","edit"],"conditions":[{"op":"glob","values":["team-a-*"]}]}]`,
		`[{"resource":"servers","actions":["read"]},{"resource":"audit","actions":["export"]}]`,
		`[{"resource":"service-accounts","actions":["delete"],"conditions":[{"op":"in","values":["ci","bot"]},{"op":"ne","values":["x"]}]}]`,
		`[{"resource":"endpoints","actions":["edit"],"conditions":[{"op":"glob","values":["[\\"]}]}]`,
		`[{"resource":"","actions":null,"conditions":[{}]}]`,
	} {
		f.Add(s, "team-a-x")
	}
	f.Fuzz(func(t *testing.T, doc, name string) {
		var ps []store.Permission
		if json.Unmarshal([]byte(doc), &ps) != nil {
			return
		}
		got, err := ValidatePermissions(ps)
		if err != nil {
			var pe *PermissionError
			if !errors.As(err, &pe) || !strings.HasPrefix(pe.Field, "permissions") || pe.Message == "" {
				t.Fatalf("unhelpful error %#v", err)
			}
			return
		}
		again, err := ValidatePermissions(got)
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Fatalf("not stable: %v, %+v vs %+v", err, again, got)
		}
		p := custom("fuzz", got...)
		for _, r := range ResourceNames {
			for _, v := range Resources[r] {
				_ = Authorize(p, Action(r+"."+v), name)
				if Authorize(p, Action(r+"."+v), "") == nil && hasConditions(got, r, v) && !hasUnconditional(got, r, v) {
					t.Fatalf("conditional permission matched the collection for %s.%s", r, v)
				}
			}
		}
	})
}

func hasConditions(ps []store.Permission, r, v string) bool {
	for _, p := range ps {
		if p.Resource == r && len(p.Conditions) > 0 && slices.Contains(p.Actions, v) {
			return true
		}
	}
	return false
}

func hasUnconditional(ps []store.Permission, r, v string) bool {
	for _, p := range ps {
		if p.Resource == r && len(p.Conditions) == 0 && slices.Contains(p.Actions, v) {
			return true
		}
	}
	return false
}
