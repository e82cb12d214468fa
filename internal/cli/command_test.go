package cli

import (
	"flag"
	"reflect"
	"testing"
)

func TestParseInterspersed(t *testing.T) {
	tests := []struct {
		args []string
		pos  []string
		url  string
		json bool
	}{
		{[]string{"a", "--url", "u", "b"}, []string{"a", "b"}, "u", false},
		{[]string{"--json", "a"}, []string{"a"}, "", true},
		{[]string{"a", "--", "--json", "b"}, []string{"a", "--json", "b"}, "", false},
		{nil, nil, "", false},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		url := fs.String("url", "", "")
		asJSON := fs.Bool("json", false, "")
		pos, err := parseInterspersed(fs, tt.args)
		if err != nil || !reflect.DeepEqual(pos, tt.pos) || *url != tt.url || *asJSON != tt.json {
			t.Errorf("%q: pos %q url %q json %v err %v", tt.args, pos, *url, *asJSON, err)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		d    int
	}{{"", "abc", 3}, {"server", "srever", 2}, {"list", "lst", 1}, {"same", "same", 0}} {
		if got := editDistance(tt.a, tt.b); got != tt.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.d)
		}
	}
}
