package sink

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// saveTimeout bounds the cursor write made while a sink stops.
const saveTimeout = 5 * time.Second

// worker runs one sink: read after the cursor, deliver, move the cursor.
type worker struct {
	r      *Runner
	spec   Spec
	log    *slog.Logger
	wakeC  chan struct{} // capacity 1: a pending wake-up
	cursor atomic.Int64  // last delivered Seq; read by the lag reports

	// Owned by the run goroutine.
	saved   int64     // cursor as last stored
	savedAt time.Time // when it was stored
	fails   int       // consecutive failures
}

func newWorker(r *Runner, sp Spec) *worker {
	if sp.MaxEvents <= 0 {
		sp.MaxEvents = DefaultMaxEvents
	}
	sp.MaxEvents = min(sp.MaxEvents, MaxPage)
	return &worker{r: r, spec: sp, log: r.cfg.Logger.With("sink", sp.Name), wakeC: make(chan struct{}, 1)}
}

// wake nudges the worker without blocking.
func (w *worker) wake() {
	select {
	case w.wakeC <- struct{}{}:
	default:
	}
}

func (w *worker) run(ctx context.Context) {
	if !w.loadCursor(ctx) {
		return
	}
	defer w.saveOnExit()
	p := NewPager(w.r.cfg.Store, store.AuditFilter{}, w.spec.MaxEvents, 0)
	var gathering time.Time // when a partial batch was first seen
	for ctx.Err() == nil {
		p.SetAfter(w.cursor.Load())
		want := p.pageSize()
		evs, err := p.Next(ctx)
		switch {
		case err != nil:
			w.fail(ctx, "read the audit trail", err)
		case len(evs) == 0:
			gathering = time.Time{}
			w.idle(ctx)
		case len(evs) < want && w.spec.MaxWait > 0 && w.gather(ctx, &gathering):
			// Waited for more events to fill the batch; read again.
		default:
			gathering = time.Time{}
			w.deliver(ctx, evs)
		}
	}
}

// loadCursor reads the stored cursor, retrying until it can or ctx ends.
func (w *worker) loadCursor(ctx context.Context) bool {
	for ctx.Err() == nil {
		seq, err := w.r.cfg.Store.GetAuditSinkCursor(ctx, w.spec.Name)
		if errors.Is(err, store.ErrNotFound) {
			seq, err = 0, nil
		}
		if err == nil {
			w.cursor.Store(seq)
			w.saved, w.savedAt = seq, w.r.cfg.Now()
			w.reportLag()
			return true
		}
		w.fail(ctx, "read the sink cursor", err)
	}
	return false
}

// gather waits, up to MaxWait after a partial batch was first seen, for
// more events. It reports false once the wait is over: deliver now.
func (w *worker) gather(ctx context.Context, since *time.Time) bool {
	now := w.r.cfg.Now()
	if since.IsZero() {
		*since = now
	}
	left := since.Add(w.spec.MaxWait).Sub(now)
	if left <= 0 {
		return false
	}
	t := time.NewTimer(left)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-w.wakeC:
	case <-t.C:
	}
	return true
}

func (w *worker) deliver(ctx context.Context, evs []store.AuditEvent) {
	n, err := w.spec.Sink.Deliver(ctx, evs)
	n = min(max(n, 0), len(evs))
	if n > 0 {
		w.cursor.Store(evs[n-1].Seq)
		w.reportLag()
		if w.r.cfg.Now().Sub(w.savedAt) >= w.r.cfg.SaveEvery {
			w.save(ctx)
		}
	}
	if err != nil {
		w.fail(ctx, "deliver audit events", err)
		return
	}
	if n < len(evs) {
		w.fail(ctx, "deliver audit events", errors.New("the sink took only part of the batch"))
		return
	}
	w.fails = 0
}

// idle stores a cursor that moved, then waits for a wake-up.
func (w *worker) idle(ctx context.Context) {
	w.reportLag()
	if w.cursor.Load() != w.saved {
		w.save(ctx)
	}
	select {
	case <-ctx.Done():
	case <-w.wakeC:
	}
}

func (w *worker) save(ctx context.Context) {
	seq := w.cursor.Load()
	now := w.r.cfg.Now()
	if err := w.r.cfg.Store.SetAuditSinkCursor(ctx, w.spec.Name, seq, now); err != nil {
		if ctx.Err() == nil {
			w.log.WarnContext(ctx, "audit sink: save cursor failed; events after it may be delivered again", "seq", seq, "err", err)
		}
		return
	}
	w.saved, w.savedAt = seq, now
}

// saveOnExit stores the final cursor on a context of its own: the run
// context is over by now.
func (w *worker) saveOnExit() {
	if w.cursor.Load() == w.saved {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), saveTimeout)
	defer cancel()
	w.save(ctx)
}

// fail logs err and waits out the backoff of the failure count.
func (w *worker) fail(ctx context.Context, what string, err error) {
	if ctx.Err() != nil {
		return
	}
	w.fails++
	d := w.backoff()
	w.log.WarnContext(ctx, "audit sink: "+what+" failed; retrying", "attempt", w.fails, "retry_in", d, "err", err)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// backoff doubles from MinBackoff with each consecutive failure, up to
// MaxBackoff, and picks a wait between half and all of it.
func (w *worker) backoff() time.Duration {
	lo, hi := w.r.cfg.MinBackoff, w.r.cfg.MaxBackoff
	d := hi
	if shift := w.fails - 1; shift < 30 && lo<<shift < hi {
		d = lo << shift
	}
	return d/2 + rand.N(d/2+1)
}

func (w *worker) reportLag() {
	w.r.cfg.Lag(w.spec.Name, max(w.r.head.Load()-w.cursor.Load(), 0))
}
