package redact

import (
	"strings"
	"testing"
)

func TestScanFeatures(t *testing.T) {
	f := scanFeatures("a1-B2@x.y:z=_\"\n")
	want := clsDigit | clsUpper | clsLower | clsAt | clsColon | clsEq | clsDot | clsDash | clsUnder
	if f.mask != want || f.digits != 2 || f.n != 15 {
		t.Errorf("scanFeatures = %+v, want mask %b, 2 digits, 15 bytes", f, want)
	}
	if f := scanFeatures(""); f != (features{}) {
		t.Errorf("empty: %+v", f)
	}
}

func TestNumberBoundaries(t *testing.T) {
	// Each s holds one number, "12"; it must stand alone in the first
	// column and not in the second.
	alone := []string{"12", "x 12 y", "x-12-y", "(12)", "12.", "12. x", "-12", "12:30", "12,5", "+12"}
	glued := []string{"a12", "12a", "_12", "12_", "1.12", "12.5", "1-12", "12-5"}
	check := func(s string) bool {
		i := strings.Index(s, "12")
		if s == "1.12" || s == "1-12" {
			i = 2
		}
		return !numberBefore(s, i) && !numberAfter(s, i+2)
	}
	for _, s := range alone {
		if !check(s) {
			t.Errorf("%q: 12 should stand alone", s)
		}
	}
	for _, s := range glued {
		if check(s) {
			t.Errorf("%q: 12 should be glued", s)
		}
	}
}

func TestByteClasses(t *testing.T) {
	for c := range 256 {
		b := byte(c)
		if got, want := isHex(b), (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F'); got != want {
			t.Errorf("isHex(%q) = %v", b, got)
		}
		if got, want := isWord(b), b == '_' || (b >= '0' && b <= '9') || (b|0x20 >= 'a' && b|0x20 <= 'z'); got != want {
			t.Errorf("isWord(%q) = %v", b, got)
		}
	}
}
