package vault

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/store/sqlite"
)

// sealedEnv is a real SQLite store with a vault, one server and n shared
// credentials plus an audit signing key, all sealed with data key 1.
type sealedEnv struct {
	st    store.Store
	v     *Vault
	plain map[string]string // credential ID → plaintext
}

func newSealedEnv(t *testing.T, n int) *sealedEnv {
	t.Helper()
	ctx := t.Context()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "switchboard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	v, err := Open(ctx, testKey(1), st)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	err = st.CreateServer(ctx, store.Server{ID: "srv1", Name: "up", URL: "https://up.example/mcp",
		Transport: store.TransportStreamableHTTP, AuthMethod: store.AuthBearer, CredentialMode: store.ModePersonal,
		CreatedAt: now, UpdatedAt: now}, nil)
	if err != nil {
		t.Fatal(err)
	}
	e := &sealedEnv{st: st, v: v, plain: map[string]string{}}
	for i := range n {
		e.put(t, fmt.Sprintf("cr%04d", i), fmt.Sprintf("secret-%d", i))
	}
	seed, err := v.Seal([]byte("signing seed"), store.SealedAuditSigningKey, "ed25519-x")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateAuditSigningKey(ctx, store.AuditSigningKey{ID: "ed25519-x", Sealed: seed, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	return e
}

// put seals and stores credential id of user "u-"+id.
func (e *sealedEnv) put(t *testing.T, id, secret string) {
	t.Helper()
	ct, err := e.v.Seal([]byte(secret), store.SealedCredential, id)
	if err != nil {
		t.Error(err)
		return
	}
	now := time.Now().UTC()
	err = e.st.PutCredential(t.Context(), store.Credential{ID: id, ServerID: "srv1", UserID: "u-" + id,
		Ciphertext: ct, CreatedAt: now, UpdatedAt: now})
	if err != nil {
		t.Error(err)
	}
}

// checkAll fails unless every credential opens with v to its plaintext
// and is sealed with key wantKey.
func (e *sealedEnv) checkAll(t *testing.T, v *Vault, wantKey uint32) {
	t.Helper()
	for id, want := range e.plain {
		c, err := e.st.GetCredential(t.Context(), "srv1", "u-"+id)
		if err != nil {
			t.Fatal(err)
		}
		got, err := v.Unseal(c.Ciphertext, store.SealedCredential, id)
		if err != nil || string(got) != want {
			t.Fatalf("credential %s = %q, %v; want %q", id, got, err, want)
		}
		if k, _ := KeyIDOf(c.Ciphertext); k != wantKey {
			t.Fatalf("credential %s sealed with key %d, want %d", id, k, wantKey)
		}
	}
}

func TestRotateAllResealsEverythingAndRetiresOldKey(t *testing.T) {
	e := newSealedEnv(t, 25)
	for id := range 25 {
		e.plain[fmt.Sprintf("cr%04d", id)] = fmt.Sprintf("secret-%d", id)
	}
	rep, err := e.v.RotateAll(t.Context(), e.st, RotateOptions{BatchSize: 7})
	if err != nil {
		t.Fatal(err)
	}
	if rep.NewKeyID != 2 || rep.Resealed[store.SealedCredential] != 25 || rep.Resealed[store.SealedAuditSigningKey] != 1 ||
		!slices.Equal(rep.Retired, []uint32{1}) || len(rep.Kept) != 0 || len(rep.Failed) != 0 || rep.Skipped != 0 {
		t.Fatalf("report = %+v", rep)
	}
	e.checkAll(t, e.v, 2)
	keys, err := e.st.ListVaultKeys(t.Context())
	if err != nil || len(keys) != 1 || keys[0].ID != 2 || !keys[0].Active {
		t.Fatalf("keyring after rotation = %+v, %v; want only active key 2", keys, err)
	}

	// A fresh start (another replica, a restart) opens every record.
	reopened, err := Open(t.Context(), testKey(1), e.st)
	if err != nil {
		t.Fatal(err)
	}
	e.checkAll(t, reopened, 2)
	sk, err := e.st.ListAuditSigningKeys(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got, err := reopened.Unseal(sk[0].Sealed, store.SealedAuditSigningKey, "ed25519-x"); err != nil || string(got) != "signing seed" {
		t.Fatalf("signing key after rotation = %q, %v", got, err)
	}

	// Rotating again re-seals the same records once more.
	rep, err = e.v.RotateAll(t.Context(), e.st, RotateOptions{})
	if err != nil || rep.NewKeyID != 3 || rep.Resealed[store.SealedCredential] != 25 || !slices.Equal(rep.Retired, []uint32{2}) {
		t.Fatalf("second rotation = %+v, %v", rep, err)
	}
}

// TestRotateAllWithConcurrentWrites rotates while writers keep replacing
// credentials: a write during the rotation wins, nothing is lost, and
// every credential ends on the new key.
func TestRotateAllWithConcurrentWrites(t *testing.T) {
	e := newSealedEnv(t, 40)
	var mu sync.Mutex
	for id := range 40 {
		e.plain[fmt.Sprintf("cr%04d", id)] = fmt.Sprintf("secret-%d", id)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := fmt.Sprintf("cr%04d", (i*2+w)%40)
				secret := fmt.Sprintf("rewritten-%d-%d", w, i)
				mu.Lock()
				e.put(t, id, secret)
				e.plain[id] = secret
				mu.Unlock()
			}
		})
	}
	time.Sleep(20 * time.Millisecond)
	rep, err := e.v.RotateAll(t.Context(), e.st, RotateOptions{BatchSize: 5})
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Failed) != 0 || len(rep.Kept) != 0 || !slices.Equal(rep.Retired, []uint32{1}) {
		t.Fatalf("report = %+v", rep)
	}
	t.Logf("re-sealed %d, skipped %d (a concurrent write came first)", rep.Resealed[store.SealedCredential], rep.Skipped)
	e.checkAll(t, e.v, 2)
}

// TestRotateAllKeepsKeyStillInUse: a record that does not open is
// reported, and the key it names stays in the keyring.
func TestRotateAllKeepsKeyStillInUse(t *testing.T) {
	e := newSealedEnv(t, 3)
	c, err := e.st.GetCredential(t.Context(), "srv1", "u-cr0001")
	if err != nil {
		t.Fatal(err)
	}
	c.Ciphertext[len(c.Ciphertext)-1] ^= 1 // tampered: does not authenticate
	if err := e.st.PutCredential(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	rep, err := e.v.RotateAll(t.Context(), e.st, RotateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rep.Failed, []string{"credential/cr0001"}) || !slices.Equal(rep.Kept, []uint32{1}) ||
		len(rep.Retired) != 0 || rep.Resealed[store.SealedCredential] != 2 {
		t.Fatalf("report = %+v", rep)
	}
	st, err := e.v.Status(t.Context(), e.st)
	if err != nil {
		t.Fatal(err)
	}
	want := []KeyStatus{
		{ID: 1, InKeyring: true, Records: map[string]int{"credential": 1}},
		{ID: 2, Active: true, InKeyring: true, Records: map[string]int{"credential": 2, "audit-signing-key": 1}},
	}
	if st.ActiveKeyID != 2 || len(st.Keys) != 2 || st.MasterKey != Fingerprint(testKey(1)) {
		t.Fatalf("status = %+v", st)
	}
	for i, k := range st.Keys {
		k.CreatedAt = time.Time{}
		if k.ID != want[i].ID || k.Active != want[i].Active || k.InKeyring != want[i].InKeyring ||
			fmt.Sprint(k.Records) != fmt.Sprint(want[i].Records) {
			t.Errorf("key %d status = %+v, want %+v", i, k, want[i])
		}
	}
}

func TestRotateAllOneAtATime(t *testing.T) {
	e := newSealedEnv(t, 1)
	e.v.rotating.Lock()
	_, err := e.v.RotateAll(t.Context(), e.st, RotateOptions{})
	e.v.rotating.Unlock()
	if !errors.Is(err, ErrRotationRunning) {
		t.Fatalf("second rotation: err = %v, want ErrRotationRunning", err)
	}
}

// TestReloadOnUnknownKey: a replica that meets a record re-sealed by
// another replica's rotation reloads the keyring and opens it.
func TestReloadOnUnknownKey(t *testing.T) {
	e := newSealedEnv(t, 1)
	replica, err := Open(t.Context(), testKey(1), e.st, WithReloadOnUnknownKey())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.v.RotateAll(t.Context(), e.st, RotateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.plain["cr0000"] = "secret-0"
	e.checkAll(t, replica, 2)
	if replica.ActiveKeyID() != 2 {
		t.Errorf("replica active key = %d after reload, want 2", replica.ActiveKeyID())
	}
}
