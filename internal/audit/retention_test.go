package audit

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

var retentionNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// oldTrail writes old events, 40 days before retentionNow, then fresh
// ones, 5 days before it.
func oldTrail(t *testing.T, old, fresh int) *trail {
	tr := newTrail(t, 0)
	tr.record(t, old, retentionNow.Add(-40*24*time.Hour))
	tr.record(t, fresh, retentionNow.Add(-5*24*time.Hour))
	return tr
}

func (tr *trail) retention(t *testing.T, chunk int) *Retention {
	t.Helper()
	r, err := NewRetention(RetentionConfig{
		Store: tr.st, Signer: tr.signer, Audit: tr.w, Days: 30, Chunk: chunk,
		Now: func() time.Time { return retentionNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRetentionKeepsChainVerifiable(t *testing.T) {
	tr := oldTrail(t, 20, 10)
	tr.checkpoint(t, 5)
	tr.checkpoint(t, 25)
	res, err := tr.retention(t, 7).RunOnce(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if res.Deleted != 20 || res.FirstSeq != 1 || res.ThroughSeq != 20 || !res.Cutoff.Equal(retentionNow.Add(-30*24*time.Hour)) {
		t.Fatalf("result = %+v, want events 1 to 20 deleted", res)
	}
	rep := tr.verify(t)
	if !rep.OK || rep.AnchorSeq != 20 || rep.FirstSeq != 21 || rep.Count != 11 || rep.Checkpoints != 1 {
		t.Fatalf("after retention: %+v, want OK from the anchor at 20 over 11 events", rep)
	}
	cps, err := tr.st.ListAuditCheckpoints(t.Context(), 0, 0)
	if err != nil || len(cps) != 2 || cps[0].Seq != 20 || cps[1].Seq != 25 {
		t.Errorf("checkpoints = %+v, %v; want the anchor at 20 and 25", cps, err)
	}

	head, _ := tr.st.AuditHead(t.Context())
	var out struct {
		Deleted    int64  `json:"deleted"`
		ThroughSeq int64  `json:"through_seq"`
		AnchorHash string `json:"anchor_hash"`
	}
	if err := json.Unmarshal(head.Response, &out); err != nil || head.Code != CodeAuditRetention ||
		head.ActorType != ActorSystem || out.Deleted != 20 || out.ThroughSeq != 20 || out.AnchorHash == "" {
		t.Errorf("retention event = %s %s %s (%v)", head.Code, head.ActorType, head.Response, err)
	}

	again, err := tr.retention(t, 7).RunOnce(t.Context())
	if err != nil || again.Deleted != 0 {
		t.Errorf("second run: %+v, %v; want nothing deleted", again, err)
	}
	if h, _ := tr.st.AuditHead(t.Context()); h.Seq != head.Seq {
		t.Errorf("a run that deleted nothing recorded event %d", h.Seq)
	}
}

func TestRetentionThenTampering(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tamper string
		seq    int64
		reason Reason
	}{
		{"edit after the anchor", `UPDATE audit_events SET tool = 'x' WHERE seq = 11`, 11, ReasonEdited},
		{"delete the first kept", `DELETE FROM audit_events WHERE seq = 11`, 11, ReasonDeleted},
		{"drop the anchor", `DELETE FROM audit_checkpoints WHERE seq = 10`, 1, ReasonDeleted},
		{"forge the anchor", `UPDATE audit_checkpoints SET hash = zeroblob(32) WHERE seq = 10`, 10, ReasonEdited},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := oldTrail(t, 10, 5)
			if _, err := tr.retention(t, 0).RunOnce(t.Context()); err != nil {
				t.Fatal(err)
			}
			tr.exec(t, tc.tamper)
			if rep := tr.verify(t); rep.OK || rep.FirstBad != tc.seq || rep.Reason != tc.reason {
				t.Fatalf("report = %+v, want %s at %d", rep, tc.reason, tc.seq)
			}
		})
	}
}

func TestRetentionNeverDeletesTheHead(t *testing.T) {
	tr := oldTrail(t, 5, 0)
	res, err := tr.retention(t, 0).RunOnce(t.Context())
	if err != nil || res.Deleted != 4 || res.ThroughSeq != 4 {
		t.Fatalf("result = %+v, %v; want 1 to 4 deleted", res, err)
	}
	if rep := tr.verify(t); !rep.OK || rep.FirstSeq != 5 || rep.Count != 2 {
		t.Fatalf("report = %+v, want OK from seq 5", rep)
	}
}

func TestRetentionRefusesBrokenChain(t *testing.T) {
	tr := oldTrail(t, 20, 0)
	tr.exec(t, `UPDATE audit_events SET tool = 'evil' WHERE seq = 12`)
	res, err := tr.retention(t, 5).RunOnce(t.Context())
	if !errors.Is(err, ErrChainBroken) || res.Deleted != 10 || res.ThroughSeq != 10 {
		t.Fatalf("result = %+v, %v; want chunks 1-5 and 6-10 deleted, then ErrChainBroken", res, err)
	}
	if _, err := tr.st.GetAudit(t.Context(), 12); err != nil {
		t.Errorf("the evidence at seq 12 is gone: %v", err)
	}
	rep := tr.verify(t)
	if rep.OK || rep.FirstBad != 12 || rep.Reason != ReasonEdited {
		t.Errorf("report = %+v, want edited at 12", rep)
	}
	head, _ := tr.st.AuditHead(t.Context())
	if head.Code != CodeAuditRetention || head.Outcome != OutcomeError || head.Error == "" {
		t.Errorf("retention event: %s %s %q", head.Code, head.Outcome, head.Error)
	}
}

func TestRetentionConfig(t *testing.T) {
	tr := newTrail(t, 0)
	for _, cfg := range []RetentionConfig{
		{Store: tr.st, Signer: tr.signer, Audit: tr.w},
		{Store: tr.st, Signer: tr.signer, Days: 1},
	} {
		if _, err := NewRetention(cfg); err == nil {
			t.Errorf("NewRetention(%+v) succeeded", cfg)
		}
	}
}

// chainRecorder appends events straight to the store, chaining them
// itself: the Writer's pooled channels must not cross synctest bubbles.
type chainRecorder struct {
	mu sync.Mutex
	st store.Store
}

func (r *chainRecorder) Record(ctx context.Context, ev store.AuditEvent) (store.AuditEvent, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	head, err := r.st.AuditHead(ctx)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return ev, err
	}
	ev.Seq, ev.PrevHash, ev.ID = head.Seq+1, head.Hash, "ev_rec"
	if ev.Time.IsZero() {
		ev.Time = time.Now().UTC()
	}
	if ev.Hash, err = Hash(ev.PrevHash, ev); err != nil {
		return ev, err
	}
	return ev, r.st.AppendAudit(ctx, []store.AuditEvent{ev})
}

// TestRetentionRun drives the hourly loop with fake time: a run at start,
// then one per hour, each deleting what has aged past the cutoff.
func TestRetentionRun(t *testing.T) {
	tr := newTrail(t, 0)
	rec := &chainRecorder{st: tr.st}
	first := func(t *testing.T) int64 {
		ev, err := firstEvent(context.Background(), tr.st)
		if err != nil {
			t.Fatal(err)
		}
		return ev.Seq
	}
	synctest.Test(t, func(t *testing.T) {
		var skew atomic.Int64 // how far the injected clock runs ahead
		now := func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
		for i := range 10 {
			at := time.Now().Add(-40 * 24 * time.Hour)
			if i >= 5 {
				at = time.Now()
			}
			if _, err := rec.Record(t.Context(), store.AuditEvent{Code: CodeToolCall, Time: at}); err != nil {
				t.Fatal(err)
			}
		}
		r, err := NewRetention(RetentionConfig{Store: tr.st, Signer: tr.signer, Audit: rec, Days: 30, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { r.Run(ctx); close(done) }()
		synctest.Wait()
		if got := first(t); got != 6 {
			t.Errorf("after the first run: first event %d, want 6", got)
		}
		time.Sleep(time.Hour) // fake time under synctest
		synctest.Wait()
		if got := first(t); got != 6 {
			t.Errorf("an hour later: first event %d, want still 6", got)
		}
		skew.Store(int64(31 * 24 * time.Hour))
		time.Sleep(time.Hour)
		synctest.Wait()
		if got := first(t); got != 11 {
			t.Errorf("31 days later: first event %d, want 11 (all but the head)", got)
		}
		cancel()
		<-done
	})
	if rep := tr.verify(t); !rep.OK || rep.AnchorSeq != 10 {
		t.Errorf("after the runs: %+v", rep)
	}
}

// TestRetentionKeepsUndelivered stops at the oldest event that a sink
// still has to deliver.
func TestRetentionKeepsUndelivered(t *testing.T) {
	tr := oldTrail(t, 20, 10)
	r, err := NewRetention(RetentionConfig{
		Store: tr.st, Signer: tr.signer, Audit: tr.w, Days: 30,
		Now:      func() time.Time { return retentionNow },
		KeepFrom: func(context.Context) (int64, error) { return 8, nil }, // a sink delivered through 7
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.RunOnce(t.Context())
	if err != nil || res.Deleted != 7 || res.ThroughSeq != 7 {
		t.Fatalf("result = %+v, %v; want events 1 to 7 deleted", res, err)
	}
	if rep := tr.verify(t); !rep.OK || rep.FirstSeq != 8 {
		t.Errorf("after retention: %+v", rep)
	}
}
