package config

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// jsonLeaves lists the JSON paths of every non-struct field of t.
func jsonLeaves(t reflect.Type, prefix string) []string {
	var out []string
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		path := prefix + name
		if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeFor[Duration]() {
			out = append(out, jsonLeaves(f.Type, path+".")...)
			continue
		}
		out = append(out, path)
	}
	return out
}

func TestFieldTableCoversConfig(t *testing.T) {
	var table []string
	for _, f := range fields {
		table = append(table, f.path)
	}
	leaves := jsonLeaves(reflect.TypeFor[Config](), "")
	slices.Sort(table)
	slices.Sort(leaves)
	if !slices.Equal(table, leaves) {
		t.Errorf("field table %v\n!= Config json fields %v", table, leaves)
	}
}

func TestFieldPointersAreDistinct(t *testing.T) {
	var c Config
	seen := map[any]string{}
	for _, f := range fields {
		p := f.ptr(&c)
		if prev, dup := seen[p]; dup {
			t.Errorf("%s and %s point to the same field", prev, f.path)
		}
		seen[p] = f.path
	}
}

func TestDocListsEveryField(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fields {
		if !strings.Contains(string(doc), f.envName()) {
			t.Errorf("doc.go does not document %s", f.envName())
		}
		if !f.secret && !strings.Contains(string(doc), "-"+f.flagName()+" ") {
			t.Errorf("doc.go does not document -%s", f.flagName())
		}
	}
}

func TestNames(t *testing.T) {
	f, _ := fieldByPath("gateway.call_timeout")
	if f.envName() != "SWITCHBOARD_GATEWAY_CALL_TIMEOUT" || f.flagName() != "gateway-call-timeout" {
		t.Errorf("names = %s, %s", f.envName(), f.flagName())
	}
	if !isSection("log") || isSection("addr") || isSection("lo") {
		t.Error("isSection")
	}
}
