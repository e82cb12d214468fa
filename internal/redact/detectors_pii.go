package redact

import "strings"

// Kinds of the pii group.
const (
	KindEmail      = "EMAIL"
	KindPhone      = "PHONE"
	KindSSN        = "SSN"
	KindCreditCard = "CREDIT_CARD"
	KindIBAN       = "IBAN"
	KindIPv4       = "IPV4"
	KindIPv6       = "IPV6"
)

// piiDetectors are the "pii" group. Longer findings win overlaps anyway;
// the order only names ties.
var piiDetectors = []detector{
	{kind: KindEmail, need: clsAt | clsDot, minLen: 6, find: findEmails},
	{kind: KindCreditCard, minDigits: 13, minLen: 13, find: findCards},
	{kind: KindSSN, need: clsDash, minDigits: 9, minLen: 11, find: findSSNs},
	{kind: KindIBAN, need: clsUpper, minDigits: 2, minLen: 15, find: findIBANs},
	{kind: KindPhone, minDigits: 8, minLen: 9, find: findPhones},
	{kind: KindIPv6, need: clsColon, minLen: 3, find: findIPv6},
	{kind: KindIPv4, need: clsDot, minDigits: 4, minLen: 7, find: findIPv4},
}

func isLocalByte(c byte) bool {
	return isWord(c) || c == '.' || c == '-' || c == '+' || c == '%'
}

func isDomainByte(c byte) bool { return isAlnum(c) || c == '.' || c == '-' }

// findEmails finds local@domain.tld around each '@'.
func findEmails(s string, dst []span) []span {
	for from := 0; ; {
		j := strings.IndexByte(s[from:], '@')
		if j < 0 {
			return dst
		}
		at := from + j
		start := at
		for start > 0 && isLocalByte(s[start-1]) {
			start--
		}
		for start < at && s[start] == '.' {
			start++
		}
		end := at + 1
		for end < len(s) && isDomainByte(s[end]) {
			end++
		}
		for end > at+1 && (s[end-1] == '.' || s[end-1] == '-') {
			end--
		}
		if start < at && validDomain(s[at+1:end]) {
			dst = append(dst, span{start, end, KindEmail})
		}
		from = max(end, at+1)
	}
}

// validDomain reports whether d is dot-separated labels of at most 63
// bytes, not starting or ending with '-', with an alphabetic TLD of two
// or more letters.
func validDomain(d string) bool {
	dot := strings.LastIndexByte(d, '.')
	if dot <= 0 || len(d)-dot-1 < 2 || len(d) > 253 {
		return false
	}
	for i := dot + 1; i < len(d); i++ {
		if !isAlpha(d[i]) {
			return false
		}
	}
	for label := range strings.SplitSeq(d, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
	}
	return true
}

// findSSNs finds US social security numbers written AAA-GG-SSSS.
func findSSNs(s string, dst []span) []span {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			continue
		}
		end := digitsAt(s, i)
		if end-i == 3 && !numberBefore(s, i) && validSSN(s, i) {
			dst = append(dst, span{i, i + 11, KindSSN})
			end = i + 11
		}
		i = end
	}
	return dst
}

// validSSN reports whether s[i:i+11] is AAA-GG-SSSS standing alone, with
// an issuable area (not 000, 666 or 9xx), group (not 00) and serial (not
// 0000).
func validSSN(s string, i int) bool {
	if len(s)-i < 11 || numberAfter(s, i+11) {
		return false
	}
	for k := range 11 {
		if c := s[i+k]; (k == 3 || k == 6) != (c == '-') || (c != '-' && !isDigit(c)) {
			return false
		}
	}
	area, group, serial := s[i:i+3], s[i+4:i+6], s[i+7:i+11]
	return area != "000" && area != "666" && area[0] != '9' && group != "00" && serial != "0000"
}
