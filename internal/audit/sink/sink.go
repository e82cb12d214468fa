package sink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// Sink delivers audit events outside the store.
type Sink interface {
	// Deliver hands events, in ascending Seq order, to the destination and
	// returns how many of the first ones are delivered durably. An error
	// means the rest are to be retried; the Runner retries them, and
	// everything after them, with backoff.
	Deliver(ctx context.Context, events []store.AuditEvent) (int, error)
	// Close releases the sink's resources.
	Close() error
}

// Spec is one sink as the Runner runs it.
type Spec struct {
	// Name identifies the sink's cursor; renaming a sink starts it over
	// from the beginning of the trail.
	Name string
	Sink Sink
	// MaxEvents bounds one delivery (default 100, at most MaxPage).
	MaxEvents int
	// MaxWait lets a batch gather up to MaxEvents for this long before a
	// partial one is delivered; 0 delivers at once.
	MaxWait time.Duration
}

// Store is what the Runner needs of the store.
type Store interface {
	Lister
	AuditHead(ctx context.Context) (store.AuditEvent, error)
	store.AuditSinkCursors
}

// Config configures a Runner. Store is required.
type Config struct {
	Store  Store
	Sinks  []Spec
	Logger *slog.Logger
	Now    func() time.Time
	// Poll is how often the Runner looks for events written by other
	// replicas (default 2s); its own writer wakes it through Notify.
	Poll time.Duration
	// MinBackoff and MaxBackoff bound the wait after a failure (default
	// 1s and 1m). Each failure doubles it; the wait is jittered between
	// half and all of it.
	MinBackoff, MaxBackoff time.Duration
	// SaveEvery is the least time between two cursor writes of a sink
	// (default 1s), so that a busy sink does not contend with the audit
	// writer. A crash may deliver this much again: at least once.
	SaveEvery time.Duration
	// Lag, when set, receives each sink's lag in events as it changes.
	Lag func(sink string, lag int64)
}

// Defaults of Config and Spec.
const (
	DefaultPoll       = 2 * time.Second
	DefaultMinBackoff = time.Second
	DefaultMaxBackoff = time.Minute
	DefaultSaveEvery  = time.Second
	DefaultMaxEvents  = 100
)

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// Runner delivers the trail to every configured sink, each from its own
// goroutine and cursor.
type Runner struct {
	cfg     Config
	workers []*worker
	head    atomic.Int64
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	once    sync.Once
}

// Start checks cfg and starts one goroutine per sink, plus one that polls
// the head of the trail. They run until ctx ends or Close is called.
func Start(ctx context.Context, cfg Config) (*Runner, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	cfg.defaults()
	ctx, cancel := context.WithCancel(ctx)
	r := &Runner{cfg: cfg, cancel: cancel}
	for _, sp := range cfg.Sinks {
		r.workers = append(r.workers, newWorker(r, sp))
	}
	for _, w := range r.workers {
		r.wg.Go(func() { w.run(ctx) })
	}
	r.wg.Go(func() { r.poll(ctx) })
	return r, nil
}

func (c Config) check() error {
	var errs []error
	if c.Store == nil {
		errs = append(errs, errors.New("sink: Config.Store is required"))
	}
	seen := map[string]bool{}
	for i, sp := range c.Sinks {
		switch {
		case !nameRE.MatchString(sp.Name):
			errs = append(errs, fmt.Errorf("sink: Sinks[%d]: name %q must be 1-63 of a-z, 0-9, _ and -", i, sp.Name))
		case seen[sp.Name]:
			errs = append(errs, fmt.Errorf("sink: Sinks[%d]: name %q is used twice", i, sp.Name))
		}
		seen[sp.Name] = true
		if sp.Sink == nil {
			errs = append(errs, fmt.Errorf("sink: Sinks[%d]: Sink is required", i))
		}
	}
	return errors.Join(errs...)
}

func (c *Config) defaults() {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	c.Poll = cmpOr(c.Poll, DefaultPoll)
	c.MinBackoff = cmpOr(c.MinBackoff, DefaultMinBackoff)
	c.MaxBackoff = max(cmpOr(c.MaxBackoff, DefaultMaxBackoff), c.MinBackoff)
	c.SaveEvery = cmpOr(c.SaveEvery, DefaultSaveEvery)
	if c.Lag == nil {
		c.Lag = func(string, int64) {}
	}
}

func cmpOr(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Notify tells the sinks that the trail's head is now seq. It never
// blocks, so the audit writer can call it after every commit.
func (r *Runner) Notify(seq int64) {
	if r == nil {
		return
	}
	r.raiseHead(seq)
	for _, w := range r.workers {
		w.wake()
	}
}

func (r *Runner) raiseHead(seq int64) {
	for {
		cur := r.head.Load()
		if seq <= cur || r.head.CompareAndSwap(cur, seq) {
			return
		}
	}
}

// poll reads the head every Poll, for events that other replicas wrote,
// and refreshes every sink's lag.
func (r *Runner) poll(ctx context.Context) {
	t := time.NewTicker(r.cfg.Poll)
	defer t.Stop()
	for {
		if ev, err := r.cfg.Store.AuditHead(ctx); err == nil {
			r.Notify(ev.Seq)
		} else if !errors.Is(err, store.ErrNotFound) && ctx.Err() == nil {
			r.cfg.Logger.WarnContext(ctx, "audit sink: read trail head failed", "err", err)
		}
		for _, w := range r.workers {
			w.reportLag()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Close stops the sinks, saves their cursors and closes them.
func (r *Runner) Close() error {
	if r == nil {
		return nil
	}
	var errs []error
	r.once.Do(func() {
		r.cancel()
		r.wg.Wait()
		for _, w := range r.workers {
			if err := w.spec.Sink.Close(); err != nil {
				errs = append(errs, fmt.Errorf("close audit sink %s: %w", w.spec.Name, err))
			}
		}
	})
	return errors.Join(errs...)
}
