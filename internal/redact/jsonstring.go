package redact

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// strToken is a JSON string in the document: its content is
// src[start:end], escapes included.
type strToken struct {
	start, end int
	escaped    bool
	f          features // of the raw content; only a superset if escaped
	decoded    string   // set by stringToken when escaped
}

// text returns the token's decoded content.
func (t *strToken) text(w *walker) string {
	if t.escaped {
		return t.decoded
	}
	return w.src[t.start:t.end]
}

// stringToken parses the string starting at the quote at w.pos, checking
// its escapes and rejecting raw control bytes as encoding/json does.
func (w *walker) stringToken() (strToken, error) {
	s := w.src
	t := strToken{start: w.pos + 1}
	var f features
	for i := t.start; ; {
		i = f.addPlain(s, i)
		if i >= len(s) {
			w.pos = i
			return t, w.errorf("unterminated string")
		}
		switch s[i] {
		case '"':
			f.n = i - t.start
			t.end, t.f, w.pos = i, f, i+1
			if t.escaped {
				t.decoded = w.unescape(s[t.start:t.end])
			}
			return t, nil
		case '\\':
			n, ok := escapeLen(s, i)
			if !ok {
				w.pos = i
				return t, w.errorf("invalid escape")
			}
			t.escaped = true
			i += n
		default:
			w.pos = i
			return t, w.errorf("control byte in string")
		}
	}
}

// addPlain adds the bytes of s from i up to the next quote, backslash or
// control byte to f and returns where it stopped. It is the JSON walker's
// inner loop: validating a string and gathering its features in one pass.
func (f *features) addPlain(s string, i int) int {
	mask, digits := f.mask, f.digits
	for ; i < len(s); i++ {
		c := class[s[i]]
		if c&clsStop != 0 {
			break
		}
		mask |= c
		digits += int(c & clsDigit)
	}
	f.mask, f.digits = mask, digits
	return i
}

// escapeLen returns the length of the valid escape at s[i] ('\\').
func escapeLen(s string, i int) (int, bool) {
	if i+1 >= len(s) {
		return 0, false
	}
	switch s[i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2, true
	case 'u':
		if i+6 > len(s) {
			return 0, false
		}
		for _, c := range []byte(s[i+2 : i+6]) {
			if !isHex(c) {
				return 0, false
			}
		}
		return 6, true
	}
	return 0, false
}

// unescape decodes raw, whose escapes stringToken has checked. A lone
// UTF-16 surrogate becomes U+FFFD, as in encoding/json.
func (w *walker) unescape(raw string) string {
	b := w.buf[:0]
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			b = append(b, c)
			i++
			continue
		}
		switch e := raw[i+1]; e {
		case 'u':
			r, n := decodeU(raw, i)
			b = utf8.AppendRune(b, r)
			i += n
		default:
			b = append(b, unescapeByte(e))
			i += 2
		}
	}
	w.buf = b
	return string(b)
}

func unescapeByte(e byte) byte {
	switch e {
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	}
	return e // '"', '\\', '/'
}

// decodeU decodes the \uXXXX escape at raw[i], joining a surrogate pair,
// and returns the rune and the bytes consumed.
func decodeU(raw string, i int) (rune, int) {
	r := hex4(raw[i+2 : i+6])
	if !utf16.IsSurrogate(r) {
		return r, 6
	}
	if i+12 <= len(raw) && raw[i+6] == '\\' && raw[i+7] == 'u' {
		if r2 := hex4(raw[i+8 : i+12]); r2 >= 0 {
			if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
				return dec, 12
			}
		}
	}
	return utf8.RuneError, 6
}

func hex4(h string) rune {
	v, err := strconv.ParseUint(h, 16, 32)
	if err != nil {
		return -1
	}
	return rune(v)
}

// appendQuoted appends s as a JSON string, escaping only what JSON
// requires: '"', '\\' and control bytes. Other bytes, invalid UTF-8
// included, are copied as they are.
func appendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	prev := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[prev:i]...)
		b = appendEscape(b, c)
		prev = i + 1
	}
	b = append(b, s[prev:]...)
	return append(b, '"')
}

func appendEscape(b []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	}
	const hex = "0123456789abcdef"
	return append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
}
