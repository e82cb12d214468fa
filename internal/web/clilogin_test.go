package web

import (
	"net/url"
	"strings"
	"testing"
)

func TestParseCLIRequest(t *testing.T) {
	state, challenge := strings.Repeat("s", 26), strings.Repeat("c", 43)
	ok := func(over map[string]string) url.Values {
		q := url.Values{"port": {"50123"}, "state": {state}, "challenge": {challenge}}
		for k, v := range over {
			q.Set(k, v)
		}
		return q
	}
	for _, tc := range []struct {
		name string
		q    url.Values
		want bool
	}{
		{"valid", ok(nil), true},
		{"privileged port", ok(map[string]string{"port": "80"}), false},
		{"port too high", ok(map[string]string{"port": "70000"}), false},
		{"port not a number", ok(map[string]string{"port": "evil.example"}), false},
		{"port repeated", url.Values{"port": {"50123", "50124"}, "state": {state}, "challenge": {challenge}}, false},
		{"short state", ok(map[string]string{"state": "abc"}), false},
		{"state with a slash", ok(map[string]string{"state": strings.Repeat("s", 20) + "/x"}), false},
		{"short challenge", ok(map[string]string{"challenge": "abc"}), false},
	} {
		req, got := parseCLIRequest(tc.q)
		if got != tc.want {
			t.Errorf("%s: ok = %v, want %v", tc.name, got, tc.want)
		}
		if got {
			cb := req.callback(url.Values{"code": {"sbl_x"}})
			if !strings.HasPrefix(cb, "http://127.0.0.1:50123/callback?") || !strings.Contains(cb, "state="+state) {
				t.Errorf("%s: callback %s", tc.name, cb)
			}
		}
	}
}
