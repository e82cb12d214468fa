package telemetry

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAssignRequestID(t *testing.T) {
	tests := []struct {
		name, incoming string
		keep           bool
	}{
		{"none", "", false},
		{"valid", "req-123_ABC", true},
		{"64 chars", strings.Repeat("a", 64), true},
		{"65 chars", strings.Repeat("a", 65), false},
		{"spaces", "a b", false},
		{"newline", "a\nlevel=ERROR", false},
		{"unicode", "réq", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var inCtx string
			h := AssignRequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				inCtx = RequestID(r.Context())
			}))
			req := httptest.NewRequest("GET", "/", nil)
			if tt.incoming != "" {
				req.Header.Set(RequestIDHeader, tt.incoming)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			got := rec.Header().Get(RequestIDHeader)
			if got != inCtx || !ValidRequestID(got) {
				t.Fatalf("header %q, context %q", got, inCtx)
			}
			if (got == tt.incoming) != tt.keep {
				t.Errorf("id = %q for incoming %q, keep = %v", got, tt.incoming, tt.keep)
			}
		})
	}
}

func TestRequestIDsDiffer(t *testing.T) {
	a, b := NewRequestID(), NewRequestID()
	if a == b || len(a) != 26 {
		t.Errorf("ids %q %q", a, b)
	}
	if RequestID(t.Context()) != "" {
		t.Error("empty context has an id")
	}
	if RequestID(ContextWithRequestID(t.Context(), "x")) != "x" {
		t.Error("ContextWithRequestID")
	}
}
