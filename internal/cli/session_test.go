package cli

import (
	"bytes"
	"strings"
	"testing"
)

func TestSessionClient(t *testing.T) {
	tests := []struct {
		url, warn, err string
	}{
		{"", "", ""},
		{"https://sb.example.com/prefix/", "", ""},
		{"http://localhost:9000", "", ""},
		{"http://[::1]:9000", "", ""},
		{"http://sb.example.com", "over plain http", ""},
		{"sb.example.com:8080", "", "SWITCHBOARD_URL"},
		{"https://user:pw@sb.example.com", "", "without credentials"},
	}
	for _, tt := range tests {
		var errb bytes.Buffer
		env := map[string]string{"SWITCHBOARD_URL": tt.url, "SWITCHBOARD_TOKEN": "t"}
		s := &session{io: IO{Err: &errb, Getenv: func(k string) string { return env[k] }}}
		c, err := s.client()
		switch {
		case tt.err != "":
			if err == nil || !strings.Contains(err.Error(), tt.err) || strings.Contains(err.Error(), "pw") {
				t.Errorf("%q: error %v", tt.url, err)
			}
		case err != nil:
			t.Errorf("%q: %v", tt.url, err)
		case tt.url == "" && c.BaseURL() != DefaultURL:
			t.Errorf("default base URL %q", c.BaseURL())
		}
		if got := errb.String(); (tt.warn == "") != (got == "") || !strings.Contains(got, tt.warn) {
			t.Errorf("%q: warning %q", tt.url, got)
		}
	}
}
