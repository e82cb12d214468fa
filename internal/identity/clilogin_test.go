package identity

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCLICodes(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	codes := NewCLICodes(func() time.Time { return now })
	verifier := strings.Repeat("v", 43)
	sum := sha256.Sum256([]byte(verifier))
	challenge := base64.RawURLEncoding.EncodeToString(sum[:])

	code := codes.Issue("usr_1", challenge)
	if !strings.HasPrefix(code, CLICodePrefix) {
		t.Fatalf("code %q", code)
	}
	if u, err := codes.Redeem(code, verifier); err != nil || u != "usr_1" {
		t.Fatalf("Redeem = %q, %v", u, err)
	}
	if _, err := codes.Redeem(code, verifier); !errors.Is(err, ErrBadCLICode) {
		t.Errorf("second Redeem = %v", err)
	}

	code = codes.Issue("usr_1", challenge)
	if _, err := codes.Redeem(code, strings.Repeat("w", 43)); !errors.Is(err, ErrBadCLICode) {
		t.Errorf("wrong verifier = %v", err)
	}
	if _, err := codes.Redeem(code, verifier); !errors.Is(err, ErrBadCLICode) {
		t.Errorf("a wrong verifier did not spend the code: %v", err)
	}

	code = codes.Issue("usr_1", challenge)
	now = now.Add(CLICodeTTL)
	if _, err := codes.Redeem(code, verifier); !errors.Is(err, ErrBadCLICode) {
		t.Errorf("expired code = %v", err)
	}
	for _, bad := range []string{"", "sbt_x", CLICodePrefix + strings.Repeat("x", 200)} {
		if _, err := codes.Redeem(bad, verifier); !errors.Is(err, ErrBadCLICode) {
			t.Errorf("Redeem(%.20q) = %v", bad, err)
		}
	}
}

func TestCLITokenName(t *testing.T) {
	for in, want := range map[string]string{
		"laptop":                 "cli laptop",
		"my host\n\x1b[31m":      "cli myhost[31m",
		"":                       "cli unknown-host",
		strings.Repeat("h", 100): "cli " + strings.Repeat("h", 80),
	} {
		if got := CLITokenName(in); got != want {
			t.Errorf("CLITokenName(%q) = %q, want %q", in, got, want)
		}
	}
}
