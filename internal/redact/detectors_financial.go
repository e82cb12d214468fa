package redact

// findCards finds payment card numbers: 13–19 digits passing the Luhn
// check, with a first digit of 2–6 (the major networks' ranges), written
// unbroken or as a first group of four followed by groups of 3–6 split by
// one kind of separator (' ' or '-'), as in "4111 1111 1111 1111" or
// "3782-822463-10005". Where more groups follow ("… 1111 12/25"), the
// longest valid prefix is taken.
func findCards(s string, dst []span) []span {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) || (i > 0 && isDigit(s[i-1])) {
			continue
		}
		end, ok := matchCard(s, i)
		if ok {
			dst = append(dst, span{i, end, KindCreditCard})
		}
		i = end - 1
	}
	return dst
}

// maxCardDigits is the longest card number (ISO/IEC 7812).
const maxCardDigits = 19

// matchCard tries a card number at the run of digits starting at s[i]. It
// returns the end of the match, or of that run if there is none.
func matchCard(s string, i int) (int, bool) {
	k := digitsAt(s, i)
	n := k - i
	if n >= 13 && n <= maxCardDigits {
		ok := !numberBefore(s, i) && !numberAfter(s, k) && cardDigits([]byte(s[i:k]))
		return k, ok
	}
	if n != 4 || wordBefore(s, i) || (i > 1 && s[i-1] == '.' && isDigit(s[i-2])) {
		return k, false
	}
	if k+1 >= len(s) || (s[k] != ' ' && s[k] != '-') {
		return k, false
	}
	end := groupedCard(s, i, s[k])
	return max(end, k), end > 0
}

// groupedCard returns the end of the longest valid card number made of the
// four digits at s[i] and further groups split by sep, or -1.
func groupedCard(s string, i int, sep byte) int {
	var digits [maxCardDigits]byte
	n := copy(digits[:], s[i:i+4])
	best := -1
	for j := i + 4; j+1 < len(s) && s[j] == sep && isDigit(s[j+1]); {
		k := digitsAt(s, j+1)
		g := k - j - 1
		if g < 3 || g > 6 || n+g > maxCardDigits {
			break
		}
		n += copy(digits[n:], s[j+1:k])
		j = k
		if n >= 13 && !numberAfter(s, j) && cardDigits(digits[:n]) {
			best = j
		}
	}
	return best
}

// cardDigits reports whether digits start with 2–6 and pass Luhn.
func cardDigits(digits []byte) bool {
	return digits[0] >= '2' && digits[0] <= '6' && luhn(digits)
}

// findIBANs finds international bank account numbers: a country code with
// a known IBAN length, two check digits and the account, unbroken or in
// groups of four split by single spaces, passing the mod-97 check.
func findIBANs(s string, dst []span) []span {
	for i := 0; i+4 < len(s); i++ {
		if !isUpper(s[i]) || !isUpper(s[i+1]) || !isDigit(s[i+2]) || !isDigit(s[i+3]) || wordBefore(s, i) {
			continue
		}
		if end, ok := matchIBAN(s, i); ok {
			dst = append(dst, span{i, end, KindIBAN})
			i = end - 1
		}
	}
	return dst
}

func matchIBAN(s string, i int) (int, bool) {
	want := ibanLength(s[i], s[i+1])
	if want == 0 {
		return i, false
	}
	var buf [maxIBANLen]byte
	n, j := 0, i
	for n < want && j < len(s) {
		switch c := s[j]; {
		case isUpper(c) || isDigit(c):
			buf[n] = c
			n++
		case c == ' ' && n%4 == 0 && j+1 < len(s) && (isUpper(s[j+1]) || isDigit(s[j+1])):
		default:
			return j, false
		}
		j++
	}
	return j, n == want && !wordAt(s, j) && ibanChecksum(buf[:n])
}

const maxIBANLen = 34

// ibanLengths lists each country's IBAN length (SWIFT IBAN registry).
const ibanLengths = "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 CR22 CY28 " +
	"CZ24 DE22 DK18 DO28 EE20 EG29 ES24 FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 " +
	"HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 " +
	"LY25 MC27 MD24 ME22 MK19 MR27 MT31 MU30 NL18 NO15 PK24 PL28 PS29 PT25 QA29 RO24 " +
	"RS22 SA24 SC31 SD18 SE24 SI19 SK24 SM27 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20"

var ibanLengthTable = func() (t [26 * 26]uint8) {
	for i := 0; i+4 <= len(ibanLengths); i += 5 {
		e := ibanLengths[i : i+4]
		t[int(e[0]-'A')*26+int(e[1]-'A')] = (e[2]-'0')*10 + e[3] - '0'
	}
	return t
}()

// ibanLength returns the IBAN length of the country a b, or 0 if unknown.
func ibanLength(a, b byte) int {
	return int(ibanLengthTable[int(a-'A')*26+int(b-'A')])
}
