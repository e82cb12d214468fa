package vault

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// testKey returns a fixed master key whose bytes all equal b.
func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, MasterKeySize) }

func openTest(t testing.TB, ks KeyStore) *Vault {
	t.Helper()
	v, err := Open(context.Background(), testKey(1), ks)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return v
}

func TestOpenCreatesFirstKey(t *testing.T) {
	ks := &memKeys{}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	v, err := Open(t.Context(), testKey(1), ks, WithClock(func() time.Time { return at }))
	if err != nil {
		t.Fatal(err)
	}
	if got := v.ActiveKeyID(); got != 1 {
		t.Errorf("ActiveKeyID = %d, want 1", got)
	}
	rows, _ := ks.ListVaultKeys(t.Context())
	if len(rows) != 1 || rows[0].ID != 1 || !rows[0].Active || !rows[0].CreatedAt.Equal(at) {
		t.Fatalf("keyring = %+v, want one active key 1 created at %v", rows, at)
	}
	if bytes.Contains(rows[0].Wrapped, testKey(1)) {
		t.Error("wrapped key contains the master key")
	}
}

func TestReopenReadsOldCiphertexts(t *testing.T) {
	ks := &memKeys{}
	ct, err := openTest(t, ks).Seal([]byte("hello"), "credential", "a")
	if err != nil {
		t.Fatal(err)
	}
	v2 := openTest(t, ks)
	got, err := v2.Unseal(ct, "credential", "a")
	if err != nil || string(got) != "hello" {
		t.Fatalf("Unseal after reopen = %q, %v", got, err)
	}
	if rows, _ := ks.ListVaultKeys(t.Context()); len(rows) != 1 {
		t.Errorf("reopen added keys: %d rows", len(rows))
	}
}

func TestWrongMasterKey(t *testing.T) {
	ks := &memKeys{}
	openTest(t, ks)
	_, err := Open(t.Context(), testKey(2), ks)
	if !errors.Is(err, ErrWrongMasterKey) {
		t.Fatalf("Open with another master key: err = %v, want ErrWrongMasterKey", err)
	}
	if !strings.Contains(err.Error(), "SWITCHBOARD_MASTER_KEY") {
		t.Errorf("error %q does not say what to do", err)
	}
}

func TestOpenRejectsBadMasterKeyLength(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33, 64} {
		if _, err := Open(t.Context(), make([]byte, n), &memKeys{}); err == nil {
			t.Errorf("Open with %d-byte master key: no error", n)
		}
	}
}

func TestDamagedKeyring(t *testing.T) {
	tests := []struct {
		name   string
		damage func(rows []store.VaultKey)
		want   string
	}{
		{"flipped byte in one of two", func(r []store.VaultKey) { r[1].Wrapped[20] ^= 1 }, "damaged"},
		{"truncated", func(r []store.VaultKey) { r[0].Wrapped = r[0].Wrapped[:10] }, "malformed"},
		{"no active key", func(r []store.VaultKey) { r[0].Active, r[1].Active = false, false }, "no active"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ks := &memKeys{}
			if _, err := openTest(t, ks).Rotate(t.Context()); err != nil {
				t.Fatal(err)
			}
			tt.damage(ks.rows)
			_, err := Open(t.Context(), testKey(1), ks)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
			if errors.Is(err, ErrWrongMasterKey) {
				t.Errorf("damage reported as a wrong master key: %v", err)
			}
		})
	}
}

func TestRotate(t *testing.T) {
	ks := &memKeys{}
	v := openTest(t, ks)
	old, err := v.Seal([]byte("old secret"), "credential", "a")
	if err != nil {
		t.Fatal(err)
	}
	id, err := v.Rotate(t.Context())
	if err != nil || id != 2 || v.ActiveKeyID() != 2 {
		t.Fatalf("Rotate = %d, %v; active %d; want 2", id, err, v.ActiveKeyID())
	}
	fresh, err := v.Seal([]byte("new secret"), "credential", "b")
	if err != nil {
		t.Fatal(err)
	}
	if kid, _ := KeyIDOf(old); kid != 1 {
		t.Errorf("old ciphertext key = %d, want 1", kid)
	}
	if kid, _ := v.KeyIDOf(fresh); kid != 2 {
		t.Errorf("new ciphertext key = %d, want 2", kid)
	}
	if got, err := v.Unseal(old, "credential", "a"); err != nil || string(got) != "old secret" {
		t.Errorf("old ciphertext after rotate = %q, %v", got, err)
	}
	reopened := openTest(t, ks)
	if reopened.ActiveKeyID() != 2 {
		t.Errorf("reopened active = %d, want 2", reopened.ActiveKeyID())
	}
	ids := reopened.KeyIDs()
	slices.Sort(ids)
	if !slices.Equal(ids, []uint32{1, 2}) {
		t.Errorf("KeyIDs = %v, want [1 2]", ids)
	}
}

// TestRotateRace simulates two replicas: B rotates after A loaded the
// keyring, so A's first choice of ID conflicts and A must retry.
func TestRotateRace(t *testing.T) {
	ks := &memKeys{}
	a := openTest(t, ks)
	b := openTest(t, ks)
	if id, err := b.Rotate(t.Context()); err != nil || id != 2 {
		t.Fatalf("b.Rotate = %d, %v", id, err)
	}
	ct, err := b.Seal([]byte("x"), "credential", "a")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Unseal(ct, "credential", "a"); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("a.Unseal before reload: err = %v, want ErrUnknownKey", err)
	}
	if id, err := a.Rotate(t.Context()); err != nil || id != 3 {
		t.Fatalf("a.Rotate = %d, %v; want 3", id, err)
	}
	if _, err := a.Unseal(ct, "credential", "a"); err != nil {
		t.Errorf("a.Unseal after rotate reloaded: %v", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	v := openTest(t, &memKeys{})
	done := make(chan error, 8)
	for i := range 8 {
		go func() {
			if i == 0 {
				_, err := v.Rotate(context.Background())
				done <- err
				return
			}
			ct, err := v.Seal([]byte("p"), "k", "id")
			if err == nil {
				_, err = v.Unseal(ct, "k", "id")
			}
			done <- err
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

func BenchmarkOpen(b *testing.B) {
	ks := &memKeys{}
	v := openTest(b, ks)
	for range 3 {
		if _, err := v.Rotate(b.Context()); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		if _, err := Open(b.Context(), testKey(1), ks); err != nil {
			b.Fatal(err)
		}
	}
}
