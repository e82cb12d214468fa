package upstream

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

func TestCredentialHeaders(t *testing.T) {
	for name, tc := range map[string]struct {
		s      store.Server
		secret string
		want   http.Header
	}{
		"bearer": {store.Server{AuthMethod: store.AuthBearer}, "tok", http.Header{"Authorization": {"Bearer tok"}}},
		"basic": {store.Server{AuthMethod: store.AuthBasic}, "alice:pa:ss",
			http.Header{"Authorization": {"Basic YWxpY2U6cGE6c3M="}}},
		"one header": {store.Server{AuthMethod: store.AuthHeader, AuthHeader: "X-Api-Key"}, "k1", http.Header{"X-Api-Key": {"k1"}}},
		"several headers": {store.Server{AuthMethod: store.AuthHeader}, "x-tenant: acme\r\n\nX-Api-Key:  k1 \nX-Scope: a\nX-Scope: b\n",
			http.Header{"X-Tenant": {"acme"}, "X-Api-Key": {"k1"}, "X-Scope": {"a", "b"}}},
		"none": {store.Server{AuthMethod: store.AuthNone}, "", http.Header{}},
	} {
		got, err := credentialHeaders(tc.s, []byte(tc.secret))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("%s: headers (-want +got):\n%s", name, d)
		}
	}
}

func TestCheckSecret(t *testing.T) {
	bearer := store.Server{AuthMethod: store.AuthBearer}
	basic := store.Server{AuthMethod: store.AuthBasic}
	multi := store.Server{AuthMethod: store.AuthHeader}
	one := store.Server{AuthMethod: store.AuthHeader, AuthHeader: "X-Key"}
	for _, tc := range []struct {
		s      store.Server
		secret string
		want   string // "" = accepted
	}{
		{bearer, "tok", ""},
		{bearer, "", "required"},
		{bearer, "a\r\nX-Evil: 1", "line breaks"},
		{bearer, strings.Repeat("s", 8193), "8192"},
		{one, "v\nX-Evil: 1", "line breaks"},
		{basic, "alice:pw", ""},
		{basic, "alice", "user:password"},
		{multi, "X-A: 1\nX-B: 2", ""},
		{multi, "X-A: 1\nno colon", "line 2"},
		{multi, "X A: 1", "line 1"},
		{multi, "X-A: bad\x00value", "line 1"},
		{multi, "\n \n", "at least one"},
	} {
		err := CheckSecret(tc.s, tc.secret)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s %q: %v, want accepted", tc.s.AuthMethod, tc.secret, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s %q: %v, want an error with %q", tc.s.AuthMethod, tc.secret, err, tc.want)
		case err != nil && strings.Contains(err.Error(), "bad"):
			t.Errorf("the error echoes the secret: %v", err)
		}
	}
}
