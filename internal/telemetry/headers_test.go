package telemetry

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRedactHeaders(t *testing.T) {
	h := http.Header{
		"Authorization":       {"Bearer a"},
		"Proxy-Authorization": {"Basic b"},
		"Cookie":              {"c=1", "d=2"},
		"Set-Cookie":          {"e=3"},
		"X-Api-Key":           {"f"},
		"Mcp-Session-Id":      {"g"},
		"Accept":              {"application/json"},
		"User-Agent":          {"claude"},
	}
	orig := h.Clone()
	got := RedactHeaders(h)
	want := http.Header{
		"Authorization":       {"[redacted]"},
		"Proxy-Authorization": {"[redacted]"},
		"Cookie":              {"[redacted]", "[redacted]"},
		"Set-Cookie":          {"[redacted]"},
		"X-Api-Key":           {"[redacted]"},
		"Mcp-Session-Id":      {"[redacted]"},
		"Accept":              {"application/json"},
		"User-Agent":          {"claude"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("RedactHeaders (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(orig, h); diff != "" {
		t.Errorf("input changed (-orig +now):\n%s", diff)
	}
}

func TestRedactHeadersNonCanonical(t *testing.T) {
	h := http.Header{"authorization": {"Bearer x"}} // set without canonicalising
	if got := RedactHeaders(h)["authorization"]; len(got) != 1 || got[0] != "[redacted]" {
		t.Errorf("lower-case authorization = %v", got)
	}
	if RedactHeaders(nil) != nil {
		t.Error("nil header")
	}
}
