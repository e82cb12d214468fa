package web

import (
	"net/url"
	"path"
	"strings"
	"testing"
)

func TestSafeReturn(t *testing.T) {
	for s, ok := range map[string]bool{
		"/":                                     true,
		"/consent?client_id=x&y=1":              true,
		"/a/b#frag":                             true,
		"/%2F%2Fevil.example":                   true, // an encoded slash is not a separator
		"":                                      false,
		"//evil.example":                        false,
		"///evil.example":                       false,
		"/\\evil.example":                       false,
		"\\\\evil.example":                      false,
		"https://evil.example/":                 false,
		"http:/evil.example":                    false,
		"javascript:alert(1)":                   false,
		"evil.example/x":                        false,
		"/\tevil":                               false,
		"/a\r\nLocation: x":                     false,
		"/" + strings.Repeat("a", maxReturnLen): false,
	} {
		if got := safeReturn(s); got != ok {
			t.Errorf("safeReturn(%q) = %v, want %v", s, got, ok)
		}
	}
}

// FuzzSafeReturn checks that an accepted return URL, resolved against our
// origin the way a browser resolves a Location header (and after the
// path cleaning of http.Redirect), stays on our origin.
func FuzzSafeReturn(f *testing.F) {
	for _, s := range []string{"/", "/consent?x=1", "//evil", "/\\evil", "/.//evil", "/%2f%2fevil", "https://x", "/a/../../b"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://sb.example/login")
	f.Fuzz(func(t *testing.T, s string) {
		if !safeReturn(s) {
			return
		}
		p, _, _ := strings.Cut(s, "?")
		for _, loc := range []string{s, path.Clean(p)} {
			u, err := url.Parse(loc)
			if err != nil {
				t.Fatalf("accepted %q, which does not parse", s)
			}
			if got := base.ResolveReference(u); got.Host != base.Host || got.Scheme != base.Scheme {
				t.Fatalf("accepted %q, which leads to %v", s, got)
			}
		}
	})
}
