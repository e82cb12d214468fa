package cli

import (
	"strings"
	"testing"
)

// walk calls fn for every command under c, with its arguments after
// "switchboard".
func walk(c *command, fn func(c *command, path []string)) {
	var rec func(c *command, path []string)
	rec = func(c *command, path []string) {
		fn(c, path)
		for _, s := range c.subs {
			rec(s, append(append([]string(nil), path...), s.name))
		}
	}
	rec(c, nil)
}

func TestEveryCommandHasHelp(t *testing.T) {
	h := newHarness(t)
	local := &fakeLocal{}
	h.local = map[string]LocalFunc{}
	for _, k := range []string{LocalServe, LocalMigrate, LocalBootstrap, LocalConfigShow, LocalVaultRotateMaster} {
		h.local[k] = local.fn
	}
	walk(newRoot(), func(c *command, path []string) {
		if c.summary == "" || c.example == "" {
			t.Errorf("%q: missing summary or example", c.path())
		}
		for _, form := range [][]string{
			append(append([]string(nil), path...), "--help"),
			append(append([]string(nil), path...), "-h"),
			append([]string{"help"}, path...),
		} {
			t.Run(strings.Join(form, " "), func(t *testing.T) {
				r := h.run(t, "", form...)
				if r.code != 0 || r.err != "" {
					t.Fatalf("exit %d, stderr %q", r.code, r.err)
				}
				for _, want := range []string{"Usage:\n  " + c.path(), "Examples:\n  switchboard", sentence(c.summary)} {
					if !strings.Contains(r.out, want) {
						t.Errorf("help lacks %q:\n%s", want, r.out)
					}
				}
				if !c.isGroup() && !strings.Contains(r.out, "Flags:") {
					t.Errorf("help lacks Flags:\n%s", r.out)
				}
				if c.local != "" && !strings.Contains(r.out, "--data-dir DIR") {
					t.Errorf("help of a local command lacks the LocalFunc's flags:\n%s", r.out)
				}
			})
		}
	})
	if len(h.api.requests()) != 0 {
		t.Error("help called the API")
	}
}

func TestRootHelpListsEveryCommand(t *testing.T) {
	r := newHarness(t).run(t, "", "--help")
	walk(newRoot(), func(c *command, path []string) {
		if len(path) > 0 && !c.isGroup() && !strings.Contains(r.out, "  "+strings.Join(path, " ")+"  ") {
			t.Errorf("root help does not list %q", strings.Join(path, " "))
		}
	})
}

func TestGroupWithoutCommandIsUsageError(t *testing.T) {
	r := newHarness(t).run(t, "", "endpoint", "tools")
	if r.code != ExitUsage || !strings.Contains(r.err, "Commands:\n  enable") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.err)
	}
}
