package identity

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

// testParams keep the tests fast; the encoding and checks are the same.
var testParams = PasswordParams{Memory: 64, Time: 1, Threads: 1}

func TestHashPasswordRoundTrip(t *testing.T) {
	const pw = "correct horse battery"
	h, err := HashPassword(pw, testParams)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`).MatchString(h) {
		t.Errorf("hash %q is not a PHC argon2id string", h)
	}
	if strings.Contains(h, pw) {
		t.Error("the hash contains the password")
	}
	ok, rehash, err := VerifyPassword(h, pw, testParams)
	if !ok || rehash || err != nil {
		t.Errorf("Verify(right) = %v, %v, %v", ok, rehash, err)
	}
	ok, _, err = VerifyPassword(h, pw+"!", testParams)
	if ok || err != nil {
		t.Errorf("Verify(wrong) = %v, %v", ok, err)
	}
	_, rehash, _ = VerifyPassword(h, pw, PasswordParams{Memory: 128, Time: 1, Threads: 1})
	if !rehash {
		t.Error("a hash with other parameters should ask for a rehash")
	}
	h2, _ := HashPassword(pw, testParams)
	if h2 == h {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
}

func TestPasswordPolicy(t *testing.T) {
	for pw, ok := range map[string]bool{
		"":                           false,
		"short":                      false,
		"elevenchars":                false,
		"twelve chars":               true,
		"            ":               false, // blank
		"ümlautpässwörd":             true,  // characters, not bytes
		strings.Repeat("x", 256):     true,
		strings.Repeat("x", 257):     false,
		strings.Repeat("日本語", 4):     true,
		strings.Repeat("日本語", 3)[:8]: false,
	} {
		_, err := HashPassword(pw, testParams)
		if (err == nil) != ok {
			t.Errorf("HashPassword(%q) err = %v, want ok=%v", pw, err, ok)
		}
		if err != nil && !errors.Is(err, ErrPasswordPolicy) {
			t.Errorf("HashPassword(%q) err = %v, want ErrPasswordPolicy", pw, err)
		}
	}
}

func TestVerifyMalformedHash(t *testing.T) {
	good, _ := HashPassword("a good password", testParams)
	parts := strings.Split(good, "$")
	for name, h := range map[string]string{
		"empty":          "",
		"bcrypt":         "$2a$10$abcdefghijklmnopqrstuu",
		"argon2i":        strings.Replace(good, "argon2id", "argon2i", 1),
		"old version":    strings.Replace(good, "v=19", "v=16", 1),
		"huge memory":    strings.Replace(good, "m=64", "m=4194304", 1),
		"zero time":      strings.Replace(good, "t=1", "t=0", 1),
		"zero threads":   strings.Replace(good, "p=1", "p=0", 1),
		"many threads":   strings.Replace(good, "p=1", "p=300", 1),
		"bad salt":       strings.Join(append(parts[:4:4], "!!!", parts[5]), "$"),
		"short key":      strings.Join(append(parts[:5:5], "AAAA"), "$"),
		"params garbage": strings.Replace(good, "m=64,t=1,p=1", "m=64,t=1,p=1,x=2", 1),
		"missing part":   strings.Join(parts[:5], "$"),
	} {
		ok, _, err := VerifyPassword(h, "a good password", testParams)
		if ok || err == nil {
			t.Errorf("%s: Verify = %v, %v; want an error", name, ok, err)
		}
	}
}

func FuzzParsePHC(f *testing.F) {
	good, _ := HashPassword("a good password", testParams)
	f.Add(good)
	f.Add("$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")
	f.Add("$argon2id$v=19$m=1,t=1,p=1$$")
	f.Fuzz(func(t *testing.T, s string) {
		p, salt, key, err := parsePHC(s)
		if err != nil {
			return
		}
		if p.Memory > maxMemoryKiB || p.Time > maxTime || p.Threads == 0 || len(salt) < 8 || len(key) < 16 {
			t.Errorf("parsePHC(%q) accepted out-of-range values %+v", s, p)
		}
	})
}
