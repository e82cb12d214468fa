package vault

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestRewrapKeyring rotates the master key: afterwards the old key no
// longer opens the keyring (a clear error), the new one opens every
// record, and a vault opened before the rewrap keeps working.
func TestRewrapKeyring(t *testing.T) {
	e := newSealedEnv(t, 5)
	for id := range 5 {
		e.plain[fmt.Sprintf("cr%04d", id)] = fmt.Sprintf("secret-%d", id)
	}
	if _, err := e.v.Rotate(t.Context()); err != nil { // two data keys to rewrap
		t.Fatal(err)
	}
	oldW, _ := NewLocalWrapper(testKey(1))
	newW, _ := NewLocalWrapper(testKey(2))
	n, err := RewrapKeyring(t.Context(), oldW, newW, e.st)
	if err != nil || n != 2 {
		t.Fatalf("RewrapKeyring = %d, %v; want 2 keys", n, err)
	}

	_, err = Open(t.Context(), testKey(1), e.st)
	if !errors.Is(err, ErrWrongMasterKey) || !strings.Contains(err.Error(), Fingerprint(testKey(1))) {
		t.Fatalf("open with the old master key: err = %v, want ErrWrongMasterKey naming its fingerprint", err)
	}
	reopened, err := Open(t.Context(), testKey(2), e.st)
	if err != nil {
		t.Fatal(err)
	}
	e.checkAll(t, reopened, 1)
	e.checkAll(t, e.v, 1) // the running vault still holds its data keys

	// The stale vault refuses a data-key rotation: it would wrap the new
	// key with the old master key.
	if _, err := e.v.RotateAll(t.Context(), e.st, RotateOptions{}); !errors.Is(err, ErrWrongMasterKey) {
		t.Fatalf("RotateAll on a vault with the old master key: err = %v, want ErrWrongMasterKey", err)
	}
}

func TestRewrapKeyringRefusals(t *testing.T) {
	e := newSealedEnv(t, 1)
	w1, _ := NewLocalWrapper(testKey(1))
	w2, _ := NewLocalWrapper(testKey(2))
	w3, _ := NewLocalWrapper(testKey(3))
	before, _ := e.st.ListVaultKeys(t.Context())

	if _, err := RewrapKeyring(t.Context(), w1, w1, e.st); err == nil || !strings.Contains(err.Error(), "same") {
		t.Errorf("rewrap to the same key: err = %v", err)
	}
	if _, err := RewrapKeyring(t.Context(), w2, w3, e.st); !errors.Is(err, ErrWrongMasterKey) {
		t.Errorf("rewrap from a key that is not current: err = %v, want ErrWrongMasterKey", err)
	}
	after, _ := e.st.ListVaultKeys(t.Context())
	if len(after) != len(before) || string(after[0].Wrapped) != string(before[0].Wrapped) {
		t.Error("a refused rewrap changed the keyring")
	}
	if _, err := Open(t.Context(), testKey(1), e.st); err != nil {
		t.Errorf("the current key no longer opens after refused rewraps: %v", err)
	}
}

// TestRewrapKeyringRepairsARace: a data key added under the old master
// key after the rewrap (a `vault rotate` that raced it) leaves a keyring
// that neither key opens whole; running the rewrap again with the same
// two keys rewraps just that key, and the new master key opens it all.
func TestRewrapKeyringRepairsARace(t *testing.T) {
	e := newSealedEnv(t, 2)
	w1, _ := NewLocalWrapper(testKey(1))
	w2, _ := NewLocalWrapper(testKey(2))
	if n, err := RewrapKeyring(t.Context(), w1, w2, e.st); err != nil || n != 1 {
		t.Fatalf("first rewrap = %d, %v", n, err)
	}
	if _, err := e.v.addKey(t.Context()); err != nil { // the stale vault adds key 2 under the old master key
		t.Fatal(err)
	}
	if _, err := Open(t.Context(), testKey(2), e.st); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("open after the race: err = %v, want a damaged keyring", err)
	}
	n, err := RewrapKeyring(t.Context(), w1, w2, e.st)
	if err != nil || n != 1 {
		t.Fatalf("repair = %d, %v; want 1 key rewrapped", n, err)
	}
	if _, err := Open(t.Context(), testKey(2), e.st); err != nil {
		t.Fatalf("open after the repair: %v", err)
	}
	if n, err := RewrapKeyring(t.Context(), w1, w2, e.st); err != nil || n != 0 {
		t.Errorf("rewrap of a finished keyring = %d, %v; want 0, nil", n, err)
	}
}
