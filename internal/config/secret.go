package config

import (
	"fmt"
	"log/slog"
)

// redacted replaces a secret's value wherever it is printed.
const redacted = "[redacted]"

// Secret is a configuration value that must never be printed, such as the
// vault master key. fmt (every verb), slog, encoding/json and
// encoding.TextMarshaler all see "[redacted]", or "" when it is unset so
// that `config show` still tells whether it is configured. Reveal returns
// the value. (config imports nothing internal, so it cannot share
// vault.Secret; the two types behave alike.)
type Secret string

// Reveal returns the secret value.
func (s Secret) Reveal() string { return string(s) }

func (s Secret) shown() string {
	if s == "" {
		return ""
	}
	return redacted
}

// String implements fmt.Stringer.
func (s Secret) String() string { return s.shown() }

// GoString implements fmt.GoStringer.
func (s Secret) GoString() string { return s.shown() }

// Format implements fmt.Formatter so every verb is redacted.
func (s Secret) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(s.shown())) }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.shown()) }

// MarshalJSON implements json.Marshaler.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.shown() + `"`), nil }

// MarshalText implements encoding.TextMarshaler.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.shown()), nil }
