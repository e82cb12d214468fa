package config

import (
	"strings"
	"testing"
)

func TestRedactRules(t *testing.T) {
	var r RedactRules
	if err := r.UnmarshalJSON([]byte(`[{"name":"employee_id","pattern":"EMP-[0-9]{6}"}]`)); err != nil {
		t.Fatal(err)
	}
	if len(r) != 1 || r[0].Name != "employee_id" || len(r.validate()) != 0 {
		t.Fatalf("rules = %+v, errors %v", r, r.validate())
	}
	if err := r.UnmarshalJSON([]byte(`[{"name":"x","patern":"y"}]`)); err == nil || !strings.Contains(err.Error(), "[0]") {
		t.Errorf("unknown key: err = %v", err)
	}
	bad := RedactRules{{Name: "", Pattern: "a"}, {Name: "dup", Pattern: "("}, {Name: "DUP", Pattern: ""}}
	errs := bad.validate()
	want := []string{"[0].name", "[1].pattern", "[2].name", "[2].pattern"}
	if len(errs) != len(want) {
		t.Fatalf("errors = %v, want %d", errs, len(want))
	}
	for i, w := range want {
		if !strings.Contains(errs[i].Error(), w) {
			t.Errorf("error %d = %v, want it to name %s", i, errs[i], w)
		}
	}
}
