package redact

// luhn reports whether digits (ASCII '0'–'9') pass the Luhn check used by
// payment card numbers.
func luhn(digits []byte) bool {
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// ibanChecksum reports whether iban (upper-case letters and digits, no
// spaces) passes ISO 13616's mod-97 check: with its first four characters
// moved to the end and letters read as 10–35, it leaves remainder 1.
func ibanChecksum(iban []byte) bool {
	if len(iban) < 5 {
		return false
	}
	r := 0
	for i := range iban {
		c := iban[(i+4)%len(iban)]
		switch {
		case isDigit(c):
			r = (r*10 + int(c-'0')) % 97
		case isUpper(c):
			r = (r*100 + int(c-'A') + 10) % 97
		default:
			return false
		}
	}
	return r == 1
}
