package toolname

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// MaxLen is the longest exposed name.
const MaxLen = 64

// Separator joins the server and tool names.
const Separator = "__"

// Exposed returns the exposed name of tool on server.
func Exposed(server, tool string, prefixed bool) string {
	raw := tool
	if prefixed {
		raw = server + Separator + tool
	}
	clean := sanitize(raw)
	if clean == raw && len(raw) <= MaxLen {
		return raw
	}
	sum := sha256.Sum256([]byte(server + "/" + tool))
	suffix := "_" + hex.EncodeToString(sum[:4])
	if len(clean) > MaxLen-len(suffix) {
		clean = clean[:MaxLen-len(suffix)]
	}
	return clean + suffix
}

func sanitize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r < 0x80 && valid(byte(r)) {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

func valid(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// Ref names one tool of one server.
type Ref struct {
	Server string
	Tool   string
}

func (r Ref) String() string { return r.Server + "/" + r.Tool }

// CollisionError says which two tools would share an exposed name.
type CollisionError struct {
	Name string
	A, B Ref
}

func (e *CollisionError) Error() string {
	return fmt.Sprintf("tools %s and %s would both be exposed as %q; disable one of them or give the endpoint prefixed names", e.A, e.B, e.Name)
}

// Assign maps exposed names to refs, or returns a *CollisionError.
func Assign(refs []Ref, prefixed bool) (map[string]Ref, error) {
	out := make(map[string]Ref, len(refs))
	for _, r := range refs {
		n := Exposed(r.Server, r.Tool, prefixed)
		if prev, ok := out[n]; ok {
			return nil, &CollisionError{Name: n, A: prev, B: r}
		}
		out[n] = r
	}
	return out, nil
}
