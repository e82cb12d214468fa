package redact

// findPhones finds international numbers ("+44 20 7946 0958",
// "+1 (415) 555-2671", "+14155552671") and NANP numbers written with
// punctuation ("415-555-2671", "1.415.555.2671", "(415) 555-2671").
func findPhones(s string, dst []span) []span {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '+' && c != '(' && !isDigit(c) {
			continue
		}
		end, ok := phoneAt(s, i)
		if ok {
			dst = append(dst, span{i, end, KindPhone})
		}
		if end > i {
			i = end - 1 // past the match, or past a run of digits that is not one
		}
	}
	return dst
}

// phoneAt matches a phone number starting at s[i]. It returns where the
// match ends, or, when s[i] starts a run of digits that is no phone
// number, where that run ends.
func phoneAt(s string, i int) (int, bool) {
	switch c := s[i]; {
	case c == '+' && !wordBefore(s, i) && (i == 0 || s[i-1] != '+'):
		if end, ok := matchIntlPhone(s, i); ok {
			return end, true
		}
	case c == '(' && !wordBefore(s, i):
		if end, ok := matchNANP(s, i); ok {
			return end, true
		}
	case isDigit(c) && (i == 0 || !isDigit(s[i-1])):
		if !numberBefore(s, i) {
			if end, ok := matchNANP(s, i); ok {
				return end, true
			}
		}
		return digitsAt(s, i), false
	}
	return i, false
}

func isPhoneSep(c byte) bool { return c == ' ' || c == '-' || c == '.' }

// matchIntlPhone matches '+', a country code not starting with 0, and more
// digit groups, 8 to 15 digits in all (E.164), split by single spaces,
// dashes or dots, or parenthesised ("+44 (0)20 …").
func matchIntlPhone(s string, i int) (int, bool) {
	j := i + 1
	if j >= len(s) || !isDigit(s[j]) || s[j] == '0' {
		return j, false
	}
	digits, end := 0, j
	for {
		k, n, ok := phoneGroup(s, j)
		if !ok {
			break
		}
		digits, end, j = digits+n, k, k
		if digits > 15 {
			return end, false
		}
		if j+1 < len(s) && isPhoneSep(s[j]) {
			j++
		} else if j >= len(s) || (s[j] != '(' && !isDigit(s[j])) {
			break
		}
	}
	return end, digits >= 8 && !numberAfter(s, end)
}

// phoneGroup matches digits or parenthesised digits at s[i], returning
// the end and the number of digits.
func phoneGroup(s string, i int) (int, int, bool) {
	if i < len(s) && s[i] == '(' {
		k := digitsAt(s, i+1)
		if k == i+1 || k >= len(s) || s[k] != ')' {
			return i, 0, false
		}
		return k + 1, k - i - 1, true
	}
	k := digitsAt(s, i)
	return k, k - i, k > i
}

// matchNANP matches [1 sep] AAA sep EEE sep LLLL with sep '-' or '.' used
// twice, or [1 sep] (AAA) [space] EEE sep LLLL with sep '-', '.' or ' '.
// Area code and exchange start with 2–9.
func matchNANP(s string, i int) (int, bool) {
	j := i
	if j+2 < len(s) && s[j] == '1' && isPhoneSep(s[j+1]) && (isDigit(s[j+2]) || s[j+2] == '(') {
		j += 2
	}
	area := j
	var sep byte // 0: area code in parentheses
	switch {
	case s[j] == '(':
		if !digitsExactly(s, j+1, 3) || j+4 >= len(s) || s[j+4] != ')' {
			return j, false
		}
		area, j = j+1, j+5
		if j < len(s) && s[j] == ' ' {
			j++
		}
	case digitsExactly(s, j, 3) && j+3 < len(s) && (s[j+3] == '-' || s[j+3] == '.'):
		sep, j = s[j+3], j+4
	default:
		return j, false
	}
	exch := j
	if !digitsExactly(s, j, 3) || j+3 >= len(s) {
		return j, false
	}
	if c := s[j+3]; (sep == 0 && !isPhoneSep(c)) || (sep != 0 && c != sep) {
		return j, false
	}
	j += 4
	if !digitsExactly(s, j, 4) || numberAfter(s, j+4) {
		return j, false
	}
	return j + 4, s[area] >= '2' && s[exch] >= '2'
}

// digitsExactly reports whether s[i:] starts with exactly n digits.
func digitsExactly(s string, i, n int) bool {
	return i <= len(s) && digitsAt(s, i)-i == n
}
