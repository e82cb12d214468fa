package audit

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/vault"
)

func TestSignerKeyIsSealedAndStable(t *testing.T) {
	tr := newTrail(t, 0)
	keys, err := tr.st.ListAuditSigningKeys(t.Context())
	if err != nil || len(keys) != 1 {
		t.Fatalf("keys = %v, %v; want one", keys, err)
	}
	if keys[0].ID != tr.signer.KeyID() || keys[0].ID != KeyID(tr.signer.PublicKey()) {
		t.Errorf("stored key %s, signer %s", keys[0].ID, tr.signer.KeyID())
	}
	seed := tr.signer.priv.Seed()
	if bytes.Contains(keys[0].Sealed, seed) {
		t.Fatal("the stored key contains the private seed in the clear")
	}

	// A second start opens the same key; another master key cannot.
	again := newSignerWithVault(t, tr.st, tr.vault)
	if again.KeyID() != tr.signer.KeyID() || !again.PublicKey().Equal(tr.signer.PublicKey()) {
		t.Errorf("reopened signer has key %s, want %s", again.KeyID(), tr.signer.KeyID())
	}
	other := make([]byte, 32)
	rand.Read(other)
	if _, err := vault.Open(t.Context(), other, tr.st); !errors.Is(err, vault.ErrWrongMasterKey) {
		t.Errorf("vault with another master key: %v", err)
	}
}

func newSignerWithVault(t *testing.T, st store.Store, v Sealer) *Signer {
	t.Helper()
	s, err := OpenSigner(t.Context(), SignerConfig{Store: st, Sealer: v})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCheckpointVerifiesWithPublicKeyAlone(t *testing.T) {
	tr := newTrail(t, 3)
	cp := tr.checkpoint(t, 3)
	pub := tr.signer.PublicKey()
	keys := map[string]ed25519.PublicKey{KeyID(pub): pub}
	if err := VerifyCheckpoint(keys, cp); err != nil {
		t.Fatalf("a fresh checkpoint does not verify: %v", err)
	}
	tampered := map[string]func(*store.AuditCheckpoint){
		"hash":      func(c *store.AuditCheckpoint) { c.Hash = bytes.Repeat([]byte{1}, 32) },
		"seq":       func(c *store.AuditCheckpoint) { c.Seq++ },
		"signed_at": func(c *store.AuditCheckpoint) { c.SignedAt = c.SignedAt.Add(time.Nanosecond) },
		"signature": func(c *store.AuditCheckpoint) { c.Signature = bytes.Clone(c.Signature); c.Signature[0] ^= 1 },
		"key":       func(c *store.AuditCheckpoint) { c.KeyID = "ed25519-0000000000000000" },
	}
	for name, edit := range tampered {
		c := cp
		c.Hash = bytes.Clone(cp.Hash)
		edit(&c)
		if err := VerifyCheckpoint(keys, c); !errors.Is(err, ErrBadSignature) {
			t.Errorf("tampered %s: err = %v, want ErrBadSignature", name, err)
		}
	}
}

func TestCheckpointMessageIsFrozen(t *testing.T) {
	msg := CheckpointMessage(258, []byte{0xaa, 0xbb}, time.Unix(0, 0x0102030405060708))
	want := append([]byte("switchboard audit checkpoint v1\n"),
		0, 0, 0, 0, 0, 0, 1, 2, // seq
		0, 2, 0xaa, 0xbb, // hash
		1, 2, 3, 4, 5, 6, 7, 8) // signed_at
	if !bytes.Equal(msg, want) {
		t.Errorf("CheckpointMessage = %x\nwant             %x", msg, want)
	}
}

func TestCheckpointerSignsVerifiedHead(t *testing.T) {
	tr := newTrail(t, 12)
	c, err := NewCheckpointer(t.Context(), CheckpointConfig{Store: tr.st, Signer: tr.signer, Every: 5})
	if err != nil {
		t.Fatal(err)
	}
	cp, stored, err := c.Checkpoint(t.Context())
	if err != nil || !stored || cp.Seq != 12 {
		t.Fatalf("Checkpoint = %+v, %v, %v; want a new one at 12", cp, stored, err)
	}
	head, _ := tr.st.AuditHead(t.Context())
	if !bytes.Equal(cp.Hash, head.Hash) {
		t.Errorf("checkpoint hash %x, head %x", cp.Hash, head.Hash)
	}
	if _, stored, err := c.Checkpoint(t.Context()); stored || err != nil {
		t.Errorf("second Checkpoint with nothing new: stored %v, %v", stored, err)
	}
	tr.record(t, 3, time.Time{})
	c.Notify(15)
	if cp, stored, err := c.Checkpoint(t.Context()); !stored || err != nil || cp.Seq != 15 {
		t.Errorf("after 3 more: %+v, %v, %v", cp, stored, err)
	}
	if rep := tr.verify(t); !rep.OK || rep.Checkpoints != 2 {
		t.Errorf("verify: %+v", rep)
	}
}

func TestCheckpointerRefusesBrokenChain(t *testing.T) {
	tr := newTrail(t, 10)
	c, err := NewCheckpointer(t.Context(), CheckpointConfig{Store: tr.st, Signer: tr.signer, Interval: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Checkpoint(t.Context()); err != nil {
		t.Fatal(err)
	}
	tr.record(t, 5, time.Time{})
	c.Notify(15)
	tr.exec(t, `UPDATE audit_events SET tool = 'evil' WHERE seq = 15`)
	if _, stored, err := c.Checkpoint(t.Context()); stored || !errors.Is(err, ErrChainBroken) {
		t.Fatalf("Checkpoint of an edited head: stored %v, err %v", stored, err)
	}
	if latest, _ := tr.st.LatestAuditCheckpoint(t.Context()); latest.Seq != 10 {
		t.Errorf("latest checkpoint = %d, want still 10", latest.Seq)
	}
}

// TestCheckpointAfterEditStillNamesIt: the checkpointer signs the head
// without walking the chain, and verify still names an edit below it.
func TestCheckpointAfterEditStillNamesIt(t *testing.T) {
	tr := newTrail(t, 15)
	c, err := NewCheckpointer(t.Context(), CheckpointConfig{Store: tr.st, Signer: tr.signer, Every: 1})
	if err != nil {
		t.Fatal(err)
	}
	tr.exec(t, `UPDATE audit_events SET tool = 'evil' WHERE seq = 13`)
	if _, stored, err := c.Checkpoint(t.Context()); !stored || err != nil {
		t.Fatalf("checkpoint: %v %v", stored, err)
	}
	if rep := tr.verify(t); rep.OK || rep.FirstBad != 13 || rep.Reason != ReasonEdited {
		t.Errorf("report = %+v, want edited at 13", rep)
	}
}

func TestCheckpointerConfig(t *testing.T) {
	tr := newTrail(t, 0)
	for _, cfg := range []CheckpointConfig{
		{Store: tr.st, Signer: tr.signer},
		{Store: tr.st, Signer: tr.signer, Every: -1, Interval: time.Second},
		{Signer: tr.signer, Every: 1},
	} {
		if _, err := NewCheckpointer(t.Context(), cfg); err == nil {
			t.Errorf("NewCheckpointer(%+v) succeeded", cfg)
		}
	}
}

// TestCheckpointerRun drives the loop with fake time: a checkpoint after
// Every events, and one per Interval while events trickle in. Events are
// appended straight to the store and announced with Notify, as the
// writer's OnCommit does: the writer's pooled channels must not cross
// synctest bubbles.
func TestCheckpointerRun(t *testing.T) {
	tr := newTrail(t, 0)
	latest := func(t *testing.T) int64 {
		cp, err := tr.st.LatestAuditCheckpoint(context.Background())
		if errors.Is(err, store.ErrNotFound) {
			return 0
		}
		if err != nil {
			t.Fatal(err)
		}
		return cp.Seq
	}
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		c, err := NewCheckpointer(ctx, CheckpointConfig{Store: tr.st, Signer: tr.signer, Every: 10, Interval: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { c.Run(ctx); close(done) }()

		c.Notify(appendChain(t, tr.st, 10))
		synctest.Wait()
		if got := latest(t); got != 10 {
			t.Errorf("after 10 events: latest checkpoint %d, want 10", got)
		}
		c.Notify(appendChain(t, tr.st, 3))
		synctest.Wait()
		if got := latest(t); got != 10 {
			t.Errorf("after 13 events, before the interval: latest checkpoint %d, want 10", got)
		}
		time.Sleep(time.Minute) // fake time under synctest
		synctest.Wait()
		if got := latest(t); got != 13 {
			t.Errorf("after the interval: latest checkpoint %d, want 13", got)
		}
		time.Sleep(time.Minute)
		synctest.Wait()
		if got := latest(t); got != 13 {
			t.Errorf("an idle interval wrote checkpoint %d", got)
		}
		cancel()
		<-done
	})
}

// TestWriterNotifiesCheckpointer checks the wiring the server uses: the
// writer's OnCommit feeds Notify, which asks for a checkpoint once Every
// events have passed.
func TestWriterNotifiesCheckpointer(t *testing.T) {
	tr := newTrail(t, 0)
	c, err := NewCheckpointer(t.Context(), CheckpointConfig{Store: tr.st, Signer: tr.signer, Every: 5})
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewWriter(t.Context(), Config{Store: tr.st, OnCommit: c.Notify})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	tr.w = w
	tr.record(t, 4, time.Time{})
	if len(c.kick) != 0 {
		t.Fatal("asked for a checkpoint after 4 of 5 events")
	}
	tr.record(t, 1, time.Time{})
	if len(c.kick) != 1 {
		t.Fatal("no checkpoint asked for after 5 events")
	}
}

// appendChain appends n chained events after the head, straight to the
// store, and returns the new head seq.
func appendChain(t *testing.T, st store.Store, n int) int64 { return appendChainTB(t, st, n) }

func appendChainTB(t testing.TB, st store.Store, n int) int64 {
	t.Helper()
	head, err := st.AuditHead(context.Background())
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	prev, seq := head.Hash, head.Seq
	evs := make([]store.AuditEvent, n)
	for i := range evs {
		seq++
		evs[i] = store.AuditEvent{Seq: seq, ID: "ev", Code: CodeToolCall, Time: time.Unix(1_700_000_000, seq), PrevHash: prev}
		if evs[i].Hash, err = Hash(prev, evs[i]); err != nil {
			t.Fatal(err)
		}
		prev = evs[i].Hash
	}
	if err := st.AppendAudit(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	return seq
}

// BenchmarkCheckpoint measures one checkpoint at the default Every: read
// and check the head, sign, store.
func BenchmarkCheckpoint(b *testing.B) {
	tr := newTrail(b, 0)
	c, err := NewCheckpointer(b.Context(), CheckpointConfig{Store: tr.st, Signer: tr.signer, Every: DefaultCheckpointEvery})
	if err != nil {
		b.Fatal(err)
	}
	var head int64
	for b.Loop() {
		b.StopTimer()
		for range DefaultCheckpointEvery / 500 {
			head = appendChainTB(b, tr.st, 500)
		}
		c.Notify(head)
		b.StartTimer()
		if _, stored, err := c.Checkpoint(b.Context()); err != nil || !stored {
			b.Fatalf("checkpoint: %v %v", stored, err)
		}
	}
	b.ReportMetric(float64(DefaultCheckpointEvery)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
