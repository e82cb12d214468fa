package web

import (
	"net/url"
	"strings"
)

// maxReturnLen bounds a return URL; an authorization request fits.
const maxReturnLen = 8 << 10

// safeReturn reports whether s may be where sign-in sends the browser: a
// path on this origin only. "//evil.example", "/\evil.example",
// "https://evil.example" and anything with control characters are
// refused, since browsers read some of them as another host.
func safeReturn(s string) bool {
	if s == "" || len(s) > maxReturnLen || s[0] != '/' || strings.HasPrefix(s, "//") {
		return false
	}
	for _, c := range s {
		if c < 0x20 || c == 0x7f || c == '\\' {
			return false
		}
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil && u.Opaque == "" && strings.HasPrefix(u.Path, "/")
}
