package redact

import (
	"errors"
	"fmt"
)

// ErrInvalidJSON is wrapped by the error [Redactor.JSON] returns for a
// document that is not valid JSON (RFC 8259, as encoding/json.Valid reads
// it).
var ErrInvalidJSON = errors.New("invalid JSON")

// maxDepth bounds nesting, as encoding/json does.
const maxDepth = 10000

// JSON redacts inside every string value of doc and returns the result,
// with the counts of what it replaced sorted by kind. Everything outside
// changed strings is kept byte for byte (whitespace, key order, number
// spelling); a changed string is re-encoded with only the escapes JSON
// needs. Object keys and numbers are never changed. When secrets are on, a
// string value whose key names a secret is replaced whole.
//
// When nothing matched, JSON returns doc itself. Invalid JSON yields an
// error wrapping [ErrInvalidJSON], except that a nil or empty Redactor
// returns doc unchecked.
func (r *Redactor) JSON(doc []byte) ([]byte, []Count, error) {
	if !r.Enabled() {
		return doc, nil, nil
	}
	w := walker{r: r, doc: doc, src: string(doc)}
	w.skipSpace()
	if err := w.value(memberPlain, 0); err != nil {
		return nil, nil, err
	}
	w.skipSpace()
	if w.pos != len(w.src) {
		return nil, nil, w.errorf("data after top-level value")
	}
	if w.out == nil {
		return doc, nil, nil
	}
	return append(w.out, doc[w.copied:]...), w.sc.counts.sorted(), nil
}

// walker parses a JSON document, validating it strictly, and builds the
// redacted copy lazily: out stays nil until the first string changes.
type walker struct {
	r      *Redactor
	doc    []byte
	src    string // doc as a string, so strings can be sliced without copying
	pos    int
	out    []byte
	copied int // doc[:copied] is already in out
	sc     scratch
	buf    []byte // unescaping scratch
}

func (w *walker) errorf(format string, args ...any) error {
	return fmt.Errorf("redact: %w at offset %d: %s", ErrInvalidJSON, w.pos, fmt.Sprintf(format, args...))
}

func (w *walker) skipSpace() {
	for w.pos < len(w.src) {
		switch w.src[w.pos] {
		case ' ', '\t', '\n', '\r':
			w.pos++
		default:
			return
		}
	}
}

// member says what an object member's key tells about its value.
type member uint8

const (
	memberPlain  member = iota
	memberSecret        // the key names a secret: redact the whole value
	memberAuth          // the same, but keep a scheme ("Bearer …")
)

func memberKind(key string) member {
	switch secret, auth := isSecretKey(key); {
	case auth:
		return memberAuth
	case secret:
		return memberSecret
	}
	return memberPlain
}

// value parses one value at w.pos, a member's value if m says so.
func (w *walker) value(m member, depth int) error {
	if w.pos >= len(w.src) {
		return w.errorf("unexpected end of input")
	}
	switch c := w.src[w.pos]; {
	case c == '{':
		return w.object(depth + 1)
	case c == '[':
		return w.array(depth + 1)
	case c == '"':
		return w.stringValue(m)
	case c == '-' || isDigit(c):
		return w.number()
	case c == 't':
		return w.literal("true")
	case c == 'f':
		return w.literal("false")
	case c == 'n':
		return w.literal("null")
	}
	return w.errorf("unexpected byte %q", w.src[w.pos])
}

func (w *walker) object(depth int) error {
	if depth > maxDepth {
		return w.errorf("nesting deeper than %d", maxDepth)
	}
	w.pos++ // '{'
	w.skipSpace()
	if w.pos < len(w.src) && w.src[w.pos] == '}' {
		w.pos++
		return nil
	}
	for {
		if w.pos >= len(w.src) || w.src[w.pos] != '"' {
			return w.errorf("expected object key")
		}
		key, err := w.stringToken()
		if err != nil {
			return err
		}
		w.skipSpace()
		if w.pos >= len(w.src) || w.src[w.pos] != ':' {
			return w.errorf("expected ':' after object key")
		}
		w.pos++
		w.skipSpace()
		member := memberPlain
		if w.r.secrets {
			member = memberKind(key.text(w))
		}
		if err := w.value(member, depth); err != nil {
			return err
		}
		if done, err := w.next('}'); done || err != nil {
			return err
		}
	}
}

func (w *walker) array(depth int) error {
	if depth > maxDepth {
		return w.errorf("nesting deeper than %d", maxDepth)
	}
	w.pos++ // '['
	w.skipSpace()
	if w.pos < len(w.src) && w.src[w.pos] == ']' {
		w.pos++
		return nil
	}
	for {
		if err := w.value(memberPlain, depth); err != nil {
			return err
		}
		if done, err := w.next(']'); done || err != nil {
			return err
		}
	}
}

// next consumes the ',' before another element, or the closing byte, and
// the space after either; done reports the latter.
func (w *walker) next(closing byte) (done bool, err error) {
	w.skipSpace()
	if w.pos >= len(w.src) {
		return false, w.errorf("unexpected end of input")
	}
	switch w.src[w.pos] {
	case ',':
		w.pos++
		w.skipSpace()
		return false, nil
	case closing:
		w.pos++
		return true, nil
	}
	return false, w.errorf("expected ',' or %q", closing)
}

func (w *walker) literal(lit string) error {
	if len(w.src)-w.pos < len(lit) || w.src[w.pos:w.pos+len(lit)] != lit {
		return w.errorf("invalid literal")
	}
	w.pos += len(lit)
	return nil
}

// number checks -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and
// leaves it as it is.
func (w *walker) number() error {
	s, i := w.src, w.pos
	if s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && isDigit(s[i]):
		i = digitsAt(s, i)
	default:
		return w.errorf("invalid number")
	}
	if i < len(s) && s[i] == '.' {
		if i+1 >= len(s) || !isDigit(s[i+1]) {
			return w.errorf("invalid number")
		}
		i = digitsAt(s, i+1)
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || !isDigit(s[i]) {
			return w.errorf("invalid number")
		}
		i = digitsAt(s, i)
	}
	w.pos = i
	return nil
}

// stringValue parses a string value and replaces it in the output if
// redaction changes it.
func (w *walker) stringValue(m member) error {
	start := w.pos
	tok, err := w.stringToken()
	if err != nil {
		return err
	}
	text := tok.text(w)
	var out string
	changed := false
	if m != memberPlain && w.r.secrets {
		out, changed = w.redactSecretValue(text, m == memberAuth)
	}
	if !changed {
		f := tok.f
		if tok.escaped {
			f = scanFeatures(text)
		}
		out, changed = w.r.redactString(text, f, &w.sc)
	}
	if changed {
		w.replace(start, w.pos, out)
	}
	return nil
}

// redactSecretValue replaces the whole value of a secret-named member,
// keeping an authentication scheme ("Bearer [REDACTED_SECRET]").
func (w *walker) redactSecretValue(v string, auth bool) (string, bool) {
	vs := 0
	if auth {
		vs = authSchemeLen(v)
	}
	if vs >= len(v) || plainValue(v[vs:]) {
		return v, false
	}
	w.sc.counts.add(KindSecret, 1)
	return v[:vs] + marker(KindSecret), true
}

// replace puts the JSON encoding of s in place of doc[start:end].
func (w *walker) replace(start, end int, s string) {
	if w.out == nil {
		w.out = make([]byte, 0, len(w.doc)+len(w.doc)/16+64)
	}
	w.out = append(w.out, w.doc[w.copied:start]...)
	w.out = appendQuoted(w.out, s)
	w.copied = end
}
