package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestJSONOutputIsValid(t *testing.T) {
	cmds := [][]string{
		{"server", "list"}, {"server", "show", "github"}, {"server", "sync", "github"},
		{"server", "add", "gh", "--url", "https://x"},
		{"endpoint", "list"}, {"endpoint", "show", "dev"}, {"endpoint", "create", "dev", "--server", "github"},
		{"endpoint", "tools", "enable", "dev", "github/x"},
		{"token", "list"}, {"token", "create", "--name", "x"},
		{"user", "list"}, {"whoami"}, {"audit", "list"}, {"audit", "show", "3"},
	}
	for _, args := range cmds {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			r := newHarness(t).run(t, "", append(args, "--json")...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.err)
			}
			if !json.Valid([]byte(r.out)) {
				t.Fatalf("not JSON:\n%s", r.out)
			}
			if !strings.HasPrefix(r.out, "{\n  \"") {
				t.Errorf("not indented:\n%s", r.out)
			}
			if args[len(args)-1] == "list" && args[0] != "audit" && !strings.HasPrefix(r.out, "{\n  \"items\": [") {
				t.Errorf("list is not the API's {\"items\": …} shape:\n%s", r.out)
			}
		})
	}
}

func TestCell(t *testing.T) {
	if got := cell("a\tb\nc\x1b[31md\u2028"); got != "a b c [31md " {
		t.Errorf("cell = %q", got)
	}
	if got := short("first line that is long\nsecond", 10); got != "first lin…" {
		t.Errorf("short = %q", got)
	}
}
