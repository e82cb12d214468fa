package vault

import (
	"bytes"
	"errors"
	"testing"
)

func TestSealRoundTrip(t *testing.T) {
	v := openTest(t, &memKeys{})
	for _, plain := range [][]byte{{}, []byte("x"), bytes.Repeat([]byte("secret"), 1000)} {
		ct, err := v.Seal(plain, "credential", "cr_1")
		if err != nil {
			t.Fatal(err)
		}
		if len(plain) > 0 && bytes.Contains(ct, plain) {
			t.Error("ciphertext contains the plaintext")
		}
		got, err := v.Unseal(ct, "credential", "cr_1")
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("Unseal = %q, %v; want %q", got, err, plain)
		}
	}
}

func TestSealLayout(t *testing.T) {
	v := openTest(t, &memKeys{})
	a, _ := v.Seal([]byte("same"), "credential", "a")
	b, _ := v.Seal([]byte("same"), "credential", "a")
	if a[0] != 1 || !bytes.Equal(a[1:5], []byte{0, 0, 0, 1}) {
		t.Errorf("header = %x, want version 1, key 00000001", a[:5])
	}
	if len(a) != 1+4+12+len("same")+16 {
		t.Errorf("len = %d", len(a))
	}
	if bytes.Equal(a[5:17], b[5:17]) {
		t.Error("two seals reused a nonce")
	}
}

func TestUnsealRejects(t *testing.T) {
	v := openTest(t, &memKeys{})
	ct, err := v.Seal([]byte("token"), "credential", "a")
	if err != nil {
		t.Fatal(err)
	}
	mut := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(ct)) }
	tests := []struct {
		name     string
		ct       []byte
		kind, id string
		want     error
	}{
		{"swapped row", ct, "credential", "b", ErrDecrypt},
		{"other kind", ct, "session", "a", ErrDecrypt},
		{"flipped nonce", mut(func(b []byte) []byte { b[6] ^= 1; return b }), "credential", "a", ErrDecrypt},
		{"flipped body", mut(func(b []byte) []byte { b[18] ^= 1; return b }), "credential", "a", ErrDecrypt},
		{"flipped tag", mut(func(b []byte) []byte { b[len(b)-1] ^= 1; return b }), "credential", "a", ErrDecrypt},
		{"bad version", mut(func(b []byte) []byte { b[0] = 2; return b }), "credential", "a", ErrMalformed},
		{"unknown key", mut(func(b []byte) []byte { b[4] = 9; return b }), "credential", "a", ErrUnknownKey},
		{"empty", nil, "credential", "a", ErrMalformed},
		{"header only", ct[:17], "credential", "a", ErrMalformed},
		{"truncated tag", ct[:len(ct)-1], "credential", "a", ErrDecrypt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := v.Unseal(tt.ct, tt.kind, tt.id)
			if !errors.Is(err, tt.want) || got != nil {
				t.Fatalf("Unseal = %q, %v; want error %v", got, err, tt.want)
			}
		})
	}
}

func TestSealRejectsBadRecord(t *testing.T) {
	v := openTest(t, &memKeys{})
	for _, r := range [][2]string{{"", "a"}, {"credential", ""}, {"a/b", "c"}} {
		if _, err := v.Seal([]byte("x"), r[0], r[1]); err == nil {
			t.Errorf("Seal(kind %q, id %q): no error", r[0], r[1])
		}
		if _, err := v.Unseal(make([]byte, 64), r[0], r[1]); err == nil {
			t.Errorf("Unseal(kind %q, id %q): no error", r[0], r[1])
		}
	}
}

func TestKeyIDOf(t *testing.T) {
	for _, in := range [][]byte{nil, {1, 0, 0}, append([]byte{7}, make([]byte, 40)...)} {
		if _, err := KeyIDOf(in); !errors.Is(err, ErrMalformed) {
			t.Errorf("KeyIDOf(%x): err = %v, want ErrMalformed", in, err)
		}
	}
}

func FuzzUnseal(f *testing.F) {
	v := openTest(f, &memKeys{})
	ct, err := v.Seal([]byte("seed"), "credential", "a")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(ct, "credential", "a")
	f.Add(ct[:17], "credential", "a")
	f.Add([]byte{}, "", "")
	f.Add([]byte{1, 0, 0, 0, 1}, "k", "/")
	f.Fuzz(func(t *testing.T, data []byte, kind, id string) {
		plain, err := v.Unseal(data, kind, id)
		if err == nil && !(bytes.Equal(data, ct) && kind == "credential" && id == "a") {
			t.Fatalf("forged ciphertext opened: %x as %s/%s -> %q", data, kind, id, plain)
		}
		_, _ = KeyIDOf(data)
	})
}

func BenchmarkSeal(b *testing.B) {
	v := openTest(b, &memKeys{})
	plain := bytes.Repeat([]byte("t"), 256)
	for b.Loop() {
		if _, err := v.Seal(plain, "credential", "cr_1"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnseal(b *testing.B) {
	v := openTest(b, &memKeys{})
	ct, err := v.Seal(bytes.Repeat([]byte("t"), 256), "credential", "cr_1")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := v.Unseal(ct, "credential", "cr_1"); err != nil {
			b.Fatal(err)
		}
	}
}
