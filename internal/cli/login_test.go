package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// saveTestCredential writes credentials.json as `switchboard login` does.
func (h *harness) saveTestCredential(t *testing.T, base, token string) string {
	t.Helper()
	s := &session{io: IO{ConfigDir: func() (string, error) { return h.config, nil }}}
	if err := s.saveCredential(base, &credential{Token: token, TokenID: "tok_1", User: "ada@example.com"}); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(h.config, "switchboard", "credentials.json")
}

func TestSavedCredentialIsUsed(t *testing.T) {
	h := newHarness(t)
	delete(h.env, "SWITCHBOARD_TOKEN")
	path := h.saveTestCredential(t, h.api.srv.URL, testToken)
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("credentials file: %v %v", fi, err)
	}
	if r := h.run(t, "", "whoami"); r.code != 0 {
		t.Fatalf("whoami with a saved token: exit %d: %s", r.code, r.err)
	}
	if got := h.api.last(t).Auth; got != "Bearer "+testToken {
		t.Errorf("Authorization = %q", got)
	}
	// A token saved for another server is not sent here.
	h.saveTestCredential(t, h.api.srv.URL, "")
	h.saveTestCredential(t, "https://other.example", testToken)
	if r := h.run(t, "", "whoami"); r.code != ExitError || !strings.Contains(r.err, "switchboard login") {
		t.Errorf("whoami with another server's token: exit %d: %s", r.code, r.err)
	}
	// SWITCHBOARD_TOKEN wins over the file.
	h.saveTestCredential(t, h.api.srv.URL, "sbt_saved")
	h.env["SWITCHBOARD_TOKEN"] = testToken
	if r := h.run(t, "", "whoami"); r.code != 0 {
		t.Errorf("whoami with SWITCHBOARD_TOKEN: exit %d: %s", r.code, r.err)
	}
}

func TestLoginPrintTokenUsesSaved(t *testing.T) {
	h := newHarness(t)
	h.saveTestCredential(t, h.api.srv.URL, "sbt_saved")
	r := h.run(t, "", "login", "--print-token")
	if r.code != 0 || r.out != "sbt_saved\n" {
		t.Errorf("login --print-token = %d %q %q", r.code, r.out, r.err)
	}
	if n := len(h.api.requests()); n != 0 {
		t.Errorf("%d requests for a saved token", n)
	}
}

func TestLoginUsage(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"login", "--email", "a@example.com"}, "go together"},
		{[]string{"login", "--password-stdin"}, "go together"},
		{[]string{"login", "--password", "x"}, "--password-stdin"},
		{[]string{"login", "extra"}, "unexpected argument"},
	} {
		if r := h.run(t, "", tc.args...); r.code != ExitUsage || !strings.Contains(r.err, tc.want) {
			t.Errorf("%v: exit %d, stderr %q", tc.args, r.code, r.err)
		}
	}
	if r := h.run(t, "", "logout"); r.code != 0 || !strings.Contains(r.err, "Not signed in") {
		t.Errorf("logout without a saved token: %d %q", r.code, r.err)
	}
}
