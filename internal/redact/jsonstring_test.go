package redact

import (
	"encoding/json"
	"testing"
)

// TestUnescapeMatchesEncodingJSON decodes string tokens and compares with
// encoding/json, lone surrogates included.
func TestUnescapeMatchesEncodingJSON(t *testing.T) {
	for _, raw := range []string{
		`"plain"`, `"a\"b\\c\/d"`, `"\b\f\n\r\t"`, `"\u0041\u00e9\u20ac"`, `"\ud83d\ude00"`,
		`"\ud800"`, `"\udc00x"`, `"\ud800\u0041"`, `"\ud800\ud800\udc00"`, `"\u0000"`, "\"\xff\"",
	} {
		var want string
		if err := json.Unmarshal([]byte(raw), &want); err != nil {
			t.Fatalf("test bug: %s: %v", raw, err)
		}
		w := walker{src: raw}
		tok, err := w.stringToken()
		if err != nil {
			t.Fatalf("stringToken(%s): %v", raw, err)
		}
		if got := tok.text(&w); got != want && raw != "\"\xff\"" {
			t.Errorf("text(%s) = %q, want %q", raw, got, want)
		}
		if w.pos != len(raw) {
			t.Errorf("stringToken(%s) stopped at %d", raw, w.pos)
		}
	}
}

func TestAppendQuoted(t *testing.T) {
	for _, s := range []string{"", "plain", `"q" \ /`, "\n\r\t\b\f\x00\x1f\x7f", "é€😀", "<&>", "\u2028"} {
		b := appendQuoted(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil || got != s {
			t.Errorf("appendQuoted(%q) = %s, decodes to %q, %v", s, b, got, err)
		}
	}
	if got := string(appendQuoted(nil, "a\"b\n\x01")); got != `"a\"b\n\u0001"` {
		t.Errorf("escapes: %s", got)
	}
}
