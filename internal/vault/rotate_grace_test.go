package vault

import (
	"slices"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// TestSealReloadsStaleKeyring: a replica with WithSealReload learns of
// another replica's rotation at its next Seal after the bound, and seals
// with the new key.
func TestSealReloadsStaleKeyring(t *testing.T) {
	e := newSealedEnv(t, 1)
	b, err := Open(t.Context(), testKey(1), e.st, WithSealReload(10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.v.Rotate(t.Context()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	ct, err := b.Seal([]byte("x"), store.SealedCredential, "cr-b")
	if err != nil {
		t.Fatal(err)
	}
	if k, _ := KeyIDOf(ct); k != 2 {
		t.Fatalf("replica sealed with key %d after the rotation, want 2", k)
	}
}

// TestRotateGraceResealsLateWrites: a replica that has not reloaded yet
// seals a record with the old key during the rotation; with a grace the
// second pass re-seals it before the old key is retired, so nothing is
// left naming a deleted key.
func TestRotateGraceResealsLateWrites(t *testing.T) {
	e := newSealedEnv(t, 3)
	stale, err := Open(t.Context(), testKey(1), e.st) // never reloads on Seal
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		rep RotateReport
		err error
	}
	done := make(chan result, 1)
	go func() {
		rep, err := e.v.RotateAll(t.Context(), e.st, RotateOptions{Grace: 300 * time.Millisecond})
		done <- result{rep, err}
	}()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		keys, err := e.st.ListVaultKeys(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(keys) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the rotation never added key 2")
		}
	}
	ct, err := stale.Seal([]byte("late secret"), store.SealedCredential, "late")
	if err != nil {
		t.Fatal(err)
	}
	if k, _ := KeyIDOf(ct); k != 1 {
		t.Fatalf("stale replica sealed with key %d, want the old key 1", k)
	}
	now := time.Now().UTC()
	if err := e.st.PutCredential(t.Context(), store.Credential{ID: "late", ServerID: "srv1", UserID: "u-late",
		Ciphertext: ct, CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	if !slices.Equal(r.rep.Retired, []uint32{1}) || len(r.rep.Failed) != 0 {
		t.Fatalf("report = %+v, want key 1 retired and nothing failed", r.rep)
	}
	e.plain["late"] = "late secret"
	e.checkAll(t, e.v, 2)
}
