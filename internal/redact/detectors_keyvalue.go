package redact

import "strings"

// secretKeySuffixes are the endings, after lower-casing and dropping '_',
// '-' and '.', of keys whose values are secrets: "api_key", "apiKey",
// "DB_PASSWORD", "client-secret", "X-Auth-Token", "Authorization".
var secretKeySuffixes = []string{
	"password", "passwd", "passphrase", "secret", "secretkey", "token",
	"apikey", "accesskey", "privatekey", "credential", "credentials",
	"authorization",
}

// notSecretKeySuffixes are token-named keys that hold no credential.
var notSecretKeySuffixes = []string{
	"pagetoken", "nexttoken", "continuationtoken", "synctoken", "cursortoken",
}

// maxKeyLen bounds the keys looked at; longer ones are not names.
const maxKeyLen = 64

// isSecretKey reports whether key names a secret (see secretKeySuffixes),
// and whether it is an Authorization key, whose value may start with a
// scheme to keep ("Bearer …").
func isSecretKey(key string) (secret, auth bool) {
	if len(key) > maxKeyLen {
		return false, false
	}
	var buf [maxKeyLen]byte
	n := 0
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c == '_' || c == '-' || c == '.':
			continue
		case isUpper(c):
			c += 'a' - 'A'
		}
		buf[n] = c
		n++
	}
	norm := string(buf[:n]) // does not escape: no allocation
	secret = hasAnySuffix(norm, secretKeySuffixes) && !hasAnySuffix(norm, notSecretKeySuffixes)
	return secret, secret && strings.HasSuffix(norm, "authorization")
}

func hasAnySuffix(s string, suffixes []string) bool {
	for _, suf := range suffixes {
		if strings.HasSuffix(s, suf) {
			return true
		}
	}
	return false
}

func isKeyByte(c byte) bool { return isWord(c) || c == '-' || c == '.' }

// findKeyValues finds "key=value" and "key: value" pairs whose key names a
// secret and reports the value alone, quoted or not: `password="x y"`,
// `"api_key": "abc"`, `Authorization: Bearer abc` (the token, not the
// scheme), and `\"token\": \"abc\"` in JSON quoted inside text.
func findKeyValues(s string, dst []span) []span {
	var memo quoteMemo
	for from := 0; from < len(s); {
		j := strings.IndexAny(s[from:], ":=")
		if j < 0 {
			return dst
		}
		sep := from + j
		from = sep + 1
		if s[sep] == '=' && sep+1 < len(s) && s[sep+1] == '=' {
			from++ // "==" compares
			continue
		}
		secret, auth := isSecretKey(keyBefore(s, sep))
		if !secret {
			continue
		}
		vs, ve := valueAfter(s, sep, &memo)
		if auth && vs < ve {
			vs, ve = skipAuthScheme(s, vs, ve)
		}
		if vs < ve && !plainValue(s[vs:ve]) {
			dst = append(dst, span{vs, ve, KindSecret})
			from = ve
		}
	}
	return dst
}

// keyBefore returns the key ending just before the separator at s[sep],
// skipping blanks and a closing quote (or \") between them.
func keyBefore(s string, sep int) string {
	i := sep
	for i > 0 && sep-i < 4 && (s[i-1] == ' ' || s[i-1] == '\t') {
		i--
	}
	if i > 0 && (s[i-1] == '"' || s[i-1] == '\'') {
		i--
		if i > 0 && s[i-1] == '\\' {
			i--
		}
	}
	end := i
	for i > 0 && end-i <= maxKeyLen && isKeyByte(s[i-1]) {
		i--
	}
	if end-i > maxKeyLen {
		return ""
	}
	return s[i:end]
}

// valueAfter returns the bounds of the value after the separator at
// s[sep]: inside its quotes if quoted (', ", ` or \"), else up to the
// first blank or delimiter. An empty range means there is none.
func valueAfter(s string, sep int, memo *quoteMemo) (int, int) {
	i := sep + 1
	if s[sep] == ':' && i < len(s) && s[i] == '=' {
		i++ // ":="
	}
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	if i >= len(s) {
		return i, i
	}
	if q := quoteAt(s, i); q != "" {
		if end := memo.closingQuote(s, i+len(q), q); end >= 0 {
			return i + len(q), end
		}
		i += len(q)
	}
	return i, valueEnd(s, i)
}

// quotes are the quotes a value may start with; `\"` is a double quote
// in JSON that is itself quoted in a JSON string.
var quotes = [...]string{`"`, `'`, "`", `\"`}

// quoteAt returns the quote starting at s[i], or "".
func quoteAt(s string, i int) string {
	for _, q := range quotes {
		if strings.HasPrefix(s[i:], q) {
			return q
		}
	}
	return ""
}

// quoteMemo remembers, per quote, a stretch of s known to hold no closing
// quote, so that a long line of unclosed `password="` stays linear.
type quoteMemo struct{ from, to [len(quotes)]int }

// closingQuote returns the index of the quote q closing a value that
// starts at s[i], or -1 if the line ends first. Backslash escapes are
// skipped, except that q itself may start with one.
func (m *quoteMemo) closingQuote(s string, i int, q string) int {
	k := 0
	for quotes[k] != q {
		k++
	}
	if i >= m.from[k] && i < m.to[k] {
		return -1
	}
	start := i
	for ; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], q):
			return i
		case s[i] == '\n' || s[i] == '\r':
			m.from[k], m.to[k] = start, i
			return -1
		case s[i] == '\\':
			i++
		}
	}
	m.from[k], m.to[k] = start, len(s)
	return -1
}

// valueEnd returns the end of an unquoted value starting at s[i].
func valueEnd(s string, i int) int {
	for i < len(s) && !isValueEnd(s[i]) {
		i++
	}
	return i
}

func isValueEnd(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '"', '\'', '`', ',', ';', '&', ')', ']', '}', '<', '>':
		return true
	}
	return false
}

// authSchemes are HTTP authentication schemes kept before a credential.
var authSchemes = []string{"bearer", "basic", "token", "digest", "bot", "negotiate"}

// skipAuthScheme narrows an Authorization value "Bearer abc" to "abc".
func skipAuthScheme(s string, vs, ve int) (int, int) {
	n := authSchemeLen(s[vs:])
	if n == 0 {
		return vs, ve
	}
	if j := vs + n; j < ve { // quoted: the token is the rest of the value
		return j, ve
	}
	j := vs + n // unquoted: the value ended at the space; take the next word
	return j, valueEnd(s, j)
}

// authSchemeLen returns the length of a leading scheme and space
// ("Bearer "), or 0.
func authSchemeLen(v string) int {
	i := 0
	for i < len(v) && isAlpha(v[i]) {
		i++
	}
	if i == 0 || i >= len(v) || v[i] != ' ' || !equalFoldAny(v[:i], authSchemes) {
		return 0
	}
	return i + 1
}

// plainValue reports whether v needs no redaction: a JSON literal, or a
// marker left by an earlier pass.
func plainValue(v string) bool {
	return equalFoldAny(v, plainValues) || markerAt(v, 0) == len(v)
}

var plainValues = []string{"null", "true", "false", "none"}

func equalFoldAny(s string, words []string) bool {
	for _, w := range words {
		if strings.EqualFold(s, w) {
			return true
		}
	}
	return false
}
