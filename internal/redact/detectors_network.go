package redact

import (
	"net/netip"
	"strings"
)

// findIPv4 finds dotted-quad addresses: four octets 0–255 without leading
// zeros, not glued to a word or to further dotted numbers, so "1.2.3.4.5"
// and "v1.2.3.4" are not addresses. "1.2.3.4" alone is, version or not.
func findIPv4(s string, dst []span) []span {
	for from := 0; ; {
		j := strings.IndexByte(s[from:], '.')
		if j < 0 {
			return dst
		}
		dot := from + j
		from = dot + 1
		start := dot
		for start > 0 && isDigit(s[start-1]) && dot-start < 4 {
			start--
		}
		if start == dot || (start > 0 && (isWord(s[start-1]) || s[start-1] == '.')) {
			continue
		}
		if end, ok := matchIPv4(s, start); ok {
			dst = append(dst, span{start, end, KindIPv4})
			from = end
		}
	}
}

// matchIPv4 matches four octets starting at s[i] and checks what follows.
func matchIPv4(s string, i int) (int, bool) {
	for octet := range 4 {
		if octet > 0 {
			if i >= len(s) || s[i] != '.' {
				return i, false
			}
			i++
		}
		end := digitsAt(s, i)
		if !validOctet(s[i:end]) {
			return i, false
		}
		i = end
	}
	return i, !wordAt(s, i) && !(i+1 < len(s) && s[i] == '.' && isDigit(s[i+1]))
}

func validOctet(d string) bool {
	switch {
	case len(d) == 0 || len(d) > 3 || (len(d) > 1 && d[0] == '0'):
		return false
	case len(d) == 3:
		return d <= "255"
	}
	return true
}

// findIPv6 finds IPv6 addresses: runs of hex digits, colons and (for an
// embedded IPv4 tail) dots around each ':', standing alone, that net/netip
// parses as IPv6. To spare scoped names in code ("Abc::Def", "A::B") and
// the trivial "::" and "::1", a candidate needs two groups, a decimal
// digit, and letters of one case only.
func findIPv6(s string, dst []span) []span {
	for from := 0; ; {
		j := strings.IndexByte(s[from:], ':')
		if j < 0 {
			return dst
		}
		c := from + j
		start, end := c, c+1
		for start > 0 && (isHex(s[start-1]) || s[start-1] == ':') {
			start--
		}
		for end < len(s) && (isHex(s[end]) || s[end] == ':' || s[end] == '.') {
			end++
		}
		from = end
		start, end = trimIPv6(s, start, end)
		if ipv6At(s, start, end) {
			dst = append(dst, span{start, end, KindIPv6})
		}
	}
}

// trimIPv6 drops trailing dots and a lone leading or trailing colon
// ("key:fe80::1", "at fe80::1: …"), which belong to the text around.
func trimIPv6(s string, start, end int) (int, int) {
	for end > start && s[end-1] == '.' {
		end--
	}
	if end-start >= 2 && s[start] == ':' && s[start+1] != ':' {
		start++
	}
	if end-start >= 2 && s[end-1] == ':' && s[end-2] != ':' {
		end--
	}
	return start, end
}

// ipv6At reports whether s[start:end] is an IPv6 address standing alone.
func ipv6At(s string, start, end int) bool {
	cand := s[start:end]
	if wordBefore(s, start) || wordAt(s, end) || strings.Count(cand, ":") < 2 {
		return false
	}
	if !plausibleIPv6(cand) {
		return false
	}
	a, err := netip.ParseAddr(cand)
	return err == nil && a.Is6()
}

// plausibleIPv6 applies the cheap conditions of findIPv6.
func plausibleIPv6(cand string) bool {
	groups := 0
	for g := range strings.SplitSeq(cand, ":") {
		if g != "" {
			groups++
		}
	}
	var mask uint16
	for i := 0; i < len(cand); i++ {
		mask |= class[cand[i]]
	}
	return groups >= 2 && mask&clsDigit != 0 && mask&(clsUpper|clsLower) != clsUpper|clsLower
}
