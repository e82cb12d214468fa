package redact

import "testing"

func TestLuhn(t *testing.T) {
	tests := []struct {
		digits string
		want   bool
	}{
		{"4111111111111111", true},
		{"378282246310005", true},
		{"79927398713", true},
		{"79927398710", false},
		{"4111111111111112", false},
		{"0", true},
	}
	for _, tc := range tests {
		if got := luhn([]byte(tc.digits)); got != tc.want {
			t.Errorf("luhn(%s) = %v, want %v", tc.digits, got, tc.want)
		}
	}
}

func TestIBANChecksum(t *testing.T) {
	tests := []struct {
		iban string
		want bool
	}{
		{"DE89370400440532013000", true},
		{"GB82WEST12345698765432", true},
		{"GB82WEST12345698765431", false},
		{"GB82west12345698765432", false}, // lower case is not read
		{"GB82", false},
	}
	for _, tc := range tests {
		if got := ibanChecksum([]byte(tc.iban)); got != tc.want {
			t.Errorf("ibanChecksum(%s) = %v, want %v", tc.iban, got, tc.want)
		}
	}
}

func TestIBANLengths(t *testing.T) {
	for _, cc := range []string{"DE", "GB", "FR", "NO", "LC", "XK"} {
		if ibanLength(cc[0], cc[1]) == 0 {
			t.Errorf("no length for %s", cc)
		}
	}
	if n := ibanLength('Z', 'Z'); n != 0 {
		t.Errorf("ZZ has length %d", n)
	}
	if n := ibanLength('N', 'O'); n != 15 {
		t.Errorf("NO has length %d, want 15", n)
	}
}
