package redact

import (
	"strings"
	"testing"
	"time"
)

// TestPathologicalInputs feeds adversarial text (a tool's output is not
// trusted) of about 512 KB to every detector. Linear scanners finish in
// milliseconds; the budget only catches quadratic behaviour, which would
// take minutes.
func TestPathologicalInputs(t *testing.T) {
	const size = 512 << 10
	r, err := New(Options{Secrets: true, PII: true, Rules: []Rule{{Name: "r", Pattern: `RED\w*`}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, unit := range []string{
		`password="`, `token='`, `\"secret\": \"`, "authorization=Bearer ", "a@", "a.", "x@y.", "@a.bc",
		"1 ", "4111 ", "1-", "1.", "10.0.0.1.", "+1", "(415) ", "415-", "123-45-", "a:", "1:", "::", "f:",
		"eyJ", "eyJhbGciOiJub25lIn0.", "AKIA", "ghp_", "glpat-", "xoxb-", "DE89", "DE89 ",
		"-----BEGIN PRIVATE KEY-----", "-----BEGIN ", "[REDACTED_A] 10.0.0.1 ", "[REDACTED_", "REDACTED",
	} {
		s := strings.Repeat(unit, size/len(unit))
		start := time.Now()
		out, _ := r.String(s)
		r.String(out)
		if d := time.Since(start); d > 30*time.Second { // quadratic would take hours; -race on a busy machine takes ~5 s
			t.Errorf("%q repeated: %v", unit, d)
		}
	}
}
