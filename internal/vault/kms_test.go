package vault

import (
	"errors"
	"strings"
	"testing"
)

func TestLocalWrapper(t *testing.T) {
	ctx := t.Context()
	w, err := NewLocalWrapper(testKey(7))
	if err != nil {
		t.Fatal(err)
	}
	dk := testKey(9)
	wrapped, err := w.WrapKey(ctx, 4, dk)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(wrapped), string(dk)) {
		t.Fatal("wrapped key contains the data key")
	}
	got, err := w.UnwrapKey(ctx, 4, wrapped)
	if err != nil || string(got) != string(dk) {
		t.Fatalf("UnwrapKey = %x, %v", got, err)
	}
	if _, err := w.UnwrapKey(ctx, 5, wrapped); !errors.Is(err, ErrKeyAuth) {
		t.Errorf("unwrap under another key ID: err = %v, want ErrKeyAuth", err)
	}
	other, _ := NewLocalWrapper(testKey(8))
	if _, err := other.UnwrapKey(ctx, 4, wrapped); !errors.Is(err, ErrKeyAuth) {
		t.Errorf("unwrap with another master key: err = %v, want ErrKeyAuth", err)
	}
	if _, err := w.WrapKey(ctx, 4, dk[:5]); err == nil {
		t.Error("wrapping a short data key: no error")
	}
}

func TestFingerprint(t *testing.T) {
	a, b := Fingerprint(testKey(1)), Fingerprint(testKey(2))
	if a == b || !strings.HasPrefix(a, "mk-") || len(a) != 3+16 {
		t.Fatalf("fingerprints %q and %q", a, b)
	}
	if a != Fingerprint(testKey(1)) {
		t.Error("fingerprint is not stable")
	}
	w, _ := NewLocalWrapper(testKey(1))
	if w.ID() != a {
		t.Errorf("LocalWrapper.ID = %q, want the fingerprint %q", w.ID(), a)
	}
}
