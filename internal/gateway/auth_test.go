package gateway

import (
	"net/http"
	"testing"
)

func TestTraceID(t *testing.T) {
	for in, want := range map[string]string{
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01": "4bf92f3577b34da6a3ce929d0e0e4736",
		"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01": "",
		"garbage": "",
		"":        "",
	} {
		h := http.Header{}
		h.Set("Traceparent", in)
		if got := traceID(h); got != want {
			t.Errorf("traceID(%q) = %q, want %q", in, got, want)
		}
	}
}
