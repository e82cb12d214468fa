package redact

// Byte classes. One table lookup per byte tells a scanner what a byte is,
// and OR-ing the classes of a string tells [Redactor] which detectors can
// possibly match it.
const (
	clsDigit uint16 = 1 << iota // must stay bit 0: digits are counted by adding it
	clsUpper
	clsLower
	clsAt
	clsColon
	clsEq
	clsDot
	clsDash
	clsUnder
	clsStop // ends an unescaped JSON string: '"', '\\' or a control byte
)

var class = func() (t [256]uint16) {
	for c := '0'; c <= '9'; c++ {
		t[c] = clsDigit
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = clsUpper
		t[c+'a'-'A'] = clsLower
	}
	t['@'], t[':'], t['='] = clsAt, clsColon, clsEq
	t['.'], t['-'], t['_'] = clsDot, clsDash, clsUnder
	for c := range 0x20 {
		t[c] = clsStop
	}
	t['"'], t['\\'] = clsStop, clsStop
	return t
}()

// features summarises a string for the detectors' prefilters.
type features struct {
	mask   uint16 // OR of the classes of every byte
	digits int    // number of ASCII digits
	n      int    // length in bytes
}

func scanFeatures(s string) features {
	var mask uint16
	digits := 0
	for i := 0; i < len(s); i++ {
		c := class[s[i]]
		mask |= c
		digits += int(c & clsDigit)
	}
	return features{mask: mask &^ clsStop, digits: digits, n: len(s)}
}

func isDigit(c byte) bool { return c-'0' < 10 }
func isUpper(c byte) bool { return c-'A' < 26 }
func isLower(c byte) bool { return c-'a' < 26 }
func isAlpha(c byte) bool { return isUpper(c) || isLower(c) }
func isAlnum(c byte) bool { return isDigit(c) || isAlpha(c) }

// isWord reports whether c can be part of a word or identifier. Bytes of
// multi-byte UTF-8 sequences are not: "№4111…" still starts a number.
func isWord(c byte) bool { return isAlnum(c) || c == '_' }

func isHex(c byte) bool { return isDigit(c) || (c|0x20)-'a' < 6 }

// isB64URL reports whether c belongs to the base64url alphabet.
func isB64URL(c byte) bool { return isAlnum(c) || c == '-' || c == '_' }

// wordBefore reports whether the byte before s[i] is a word byte.
func wordBefore(s string, i int) bool { return i > 0 && isWord(s[i-1]) }

// wordAt reports whether s[i] exists and is a word byte.
func wordAt(s string, i int) bool { return i < len(s) && isWord(s[i]) }

// numberBefore reports whether a number starting at s[i] would continue one
// to its left: a word byte, or '.' or '-' right after a digit ("1.4111…",
// "2024-123-45-6789").
func numberBefore(s string, i int) bool {
	if i == 0 {
		return false
	}
	if isWord(s[i-1]) {
		return true
	}
	return i > 1 && (s[i-1] == '.' || s[i-1] == '-') && isDigit(s[i-2])
}

// numberAfter is numberBefore's mirror for a number ending before s[i].
func numberAfter(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	if isWord(s[i]) {
		return true
	}
	return i+1 < len(s) && (s[i] == '.' || s[i] == '-') && isDigit(s[i+1])
}

// digitsAt returns the end of the run of digits starting at s[i].
func digitsAt(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}
