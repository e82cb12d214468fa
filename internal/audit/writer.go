package audit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"sync"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// ErrClosed is returned by Record after Close.
var ErrClosed = errors.New("audit: writer is closed")

// maxBatch bounds how many events one transaction carries.
const maxBatch = 512

// Config configures a Writer.
type Config struct {
	Store      store.Audit
	Logger     *slog.Logger
	Now        func() time.Time
	MaxPayload int           // per request or response; default DefaultMaxPayload
	Timeout    time.Duration // for one commit; default 5s
	// OnCommit, when set, gets the new head Seq after each commit. It runs
	// on the commit loop and must not block (sink.Runner.Notify).
	OnCommit func(head int64)
}

// Writer appends events to the hash chain, group-committing concurrent
// events in one transaction.
type Writer struct {
	cfg  Config
	reqs chan *pending
	quit chan struct{}
	done chan struct{} // closed when the loop has exited
	wg   sync.WaitGroup
	once sync.Once

	// Owned by the loop goroutine.
	seq  int64
	hash []byte
}

type pending struct {
	ev   store.AuditEvent
	body []byte // encodeBody(ev), computed by the caller
	done chan error
}

var pendingPool = sync.Pool{New: func() any { return &pending{done: make(chan error, 1)} }}

// NewWriter loads the chain head and starts the commit loop.
func NewWriter(ctx context.Context, cfg Config) (*Writer, error) {
	if cfg.Store == nil {
		return nil, errors.New("audit: Config.Store is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxPayload == 0 {
		cfg.MaxPayload = DefaultMaxPayload
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	w := &Writer{cfg: cfg, reqs: make(chan *pending, maxBatch), quit: make(chan struct{}), done: make(chan struct{})}
	if err := w.loadHead(ctx); err != nil {
		return nil, err
	}
	w.wg.Add(1)
	go w.loop()
	return w, nil
}

func (w *Writer) loadHead(ctx context.Context) error {
	head, err := w.cfg.Store.AuditHead(ctx)
	switch {
	case errors.Is(err, store.ErrNotFound):
		w.seq, w.hash = 0, nil
	case err != nil:
		return fmt.Errorf("audit: load chain head: %w", err)
	default:
		w.seq, w.hash = head.Seq, head.Hash
	}
	return nil
}

// Record appends ev and returns once it is durable, with Seq and Hash
// filled in. Waiting ignores the cancellation of ctx, so a client that hangs
// up cannot drop its record, but is bounded by the commit timeout.
func (w *Writer) Record(ctx context.Context, ev store.AuditEvent) (store.AuditEvent, error) {
	if ev.ID == "" {
		ev.ID = newID()
	}
	if ev.Time.IsZero() {
		ev.Time = w.cfg.Now()
	}
	ev.Time = ev.Time.UTC()
	ev.Request = CapPayload(ev.Request, w.cfg.MaxPayload)
	ev.Response = CapPayload(ev.Response, w.cfg.MaxPayload)

	select {
	case <-w.quit:
		return ev, ErrClosed
	default:
	}
	body, err := encodeBody(ev)
	if err != nil {
		return ev, err
	}
	p := pendingPool.Get().(*pending)
	p.ev, p.body = ev, body
	timer := time.NewTimer(2 * w.cfg.Timeout)
	defer timer.Stop()
	select {
	case w.reqs <- p:
	case <-w.quit:
		return ev, ErrClosed
	case <-timer.C:
		return ev, errors.New("audit: writer is overloaded")
	}
	select {
	case err := <-p.done:
		ev = p.ev
		p.ev, p.body = store.AuditEvent{}, nil
		pendingPool.Put(p)
		return ev, err
	case <-w.done:
		select {
		case err := <-p.done: // committed by the final drain
			return p.ev, err
		default:
			return ev, ErrClosed
		}
	case <-timer.C:
		// The loop still owns p; it will be garbage collected, not pooled.
		return ev, errors.New("audit: commit timed out")
	}
}

// Close stops the loop after committing what is queued.
func (w *Writer) Close() error {
	w.once.Do(func() { close(w.quit) })
	w.wg.Wait()
	return nil
}

func (w *Writer) loop() {
	defer w.wg.Done()
	defer close(w.done)
	batch := make([]*pending, 0, maxBatch)
	for {
		select {
		case p := <-w.reqs:
			batch = w.collect(append(batch[:0], p))
			w.commit(batch)
		case <-w.quit:
			for {
				select {
				case p := <-w.reqs:
					w.commit(w.collect(append(batch[:0], p)))
				default:
					return
				}
			}
		}
	}
}

// collect drains whatever else is queued, up to maxBatch.
func (w *Writer) collect(batch []*pending) []*pending {
	for len(batch) < maxBatch {
		select {
		case p := <-w.reqs:
			batch = append(batch, p)
		default:
			return batch
		}
	}
	return batch
}

// maxConflicts bounds how often one batch is chained again after other
// writers (replicas sharing the database) moved the head first.
const maxConflicts = 8

func (w *Writer) commit(batch []*pending) {
	err := w.tryCommit(batch)
	for try := 1; errors.Is(err, store.ErrConflict) && try <= maxConflicts; try++ {
		// Another writer moved the head: reload it and chain again, after
		// a short random pause so that two replicas stop colliding.
		time.Sleep(time.Duration(mrand.Int64N(int64(try) * int64(time.Millisecond))))
		if err = w.loadHead(context.Background()); err == nil {
			err = w.tryCommit(batch)
		}
	}
	if err != nil {
		w.cfg.Logger.Error("audit commit failed", "events", len(batch), "err", err)
	}
	for _, p := range batch {
		p.done <- err
	}
}

func (w *Writer) tryCommit(batch []*pending) error {
	events := make([]store.AuditEvent, len(batch))
	for i, p := range batch {
		events[i] = p.ev
	}
	link := func(head int64, prev []byte, evs []store.AuditEvent) {
		seq := head
		for i := range evs {
			seq++
			h := chainHash(prev, seq, batch[i].body)
			evs[i].Seq, evs[i].PrevHash, evs[i].Hash = seq, prev, h
			prev = h
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), w.cfg.Timeout)
	defer cancel()
	if err := w.cfg.Store.AppendAuditChain(ctx, events, link); err != nil {
		return fmt.Errorf("audit: append %d events: %w", len(events), err)
	}
	for i, p := range batch {
		p.ev = events[i]
	}
	last := events[len(events)-1]
	w.seq, w.hash = last.Seq, last.Hash
	if w.cfg.OnCommit != nil {
		w.cfg.OnCommit(last.Seq)
	}
	return nil
}

func newID() string {
	var b [12]byte
	rand.Read(b[:])
	return "ev_" + hex.EncodeToString(b[:])
}
