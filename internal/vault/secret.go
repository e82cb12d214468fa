package vault

import (
	"fmt"
	"log/slog"
)

// redacted is what a Secret prints as, everywhere.
const redacted = "[redacted]"

// Secret holds sensitive text, such as an upstream token or a master key.
// Every way of printing it (fmt verbs including %#v, slog, encoding/json,
// encoding.TextMarshaler) yields "[redacted]"; only Reveal returns the
// value. Two uses bypass these methods, because fmt and encoding/json fall
// back to the underlying string: a Secret in an unexported struct field,
// and a Secret used as a map key. Don't do either.
type Secret string

// Reveal returns the secret value. Call it only where the value is used.
func (s Secret) Reveal() string { return string(s) }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s == "" }

// String implements fmt.Stringer.
func (s Secret) String() string { return redacted }

// GoString implements fmt.GoStringer.
func (s Secret) GoString() string { return redacted }

// Format implements fmt.Formatter, so every verb (%v %s %q %x %d …) is
// redacted.
func (s Secret) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON implements json.Marshaler.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText implements encoding.TextMarshaler.
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
