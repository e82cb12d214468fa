package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// Checkpoint defaults.
const (
	DefaultCheckpointEvery    = 1000
	DefaultCheckpointInterval = time.Minute
)

// CheckpointStore is what a Checkpointer needs of the store.
type CheckpointStore interface {
	AuditHead(ctx context.Context) (store.AuditEvent, error)
	GetAudit(ctx context.Context, seq int64) (store.AuditEvent, error)
	LatestAuditCheckpoint(ctx context.Context) (store.AuditCheckpoint, error)
	AddAuditCheckpoint(ctx context.Context, cp store.AuditCheckpoint) error
}

// CheckpointConfig configures a Checkpointer. Store and Signer are
// required; Every and Interval may not both be zero.
type CheckpointConfig struct {
	Store    CheckpointStore
	Signer   *Signer
	Every    int64         // checkpoint after this many new events; 0 = never by count
	Interval time.Duration // checkpoint new events this often; 0 = never by time
	Logger   *slog.Logger
}

// Checkpointer signs the chain head every Every events or every Interval,
// whichever comes first, and skips a tick when nothing was written. The
// writer tells it about each commit through Notify (Config.OnCommit).
//
// It signs the hash of the head event as just committed, read back with
// one point read after checking that the event still hashes to it. It
// does not re-verify the events since the last checkpoint: reading every
// event back while the writer is busy slows SQLite's commits down by half
// or more (WAL checkpoints starve). `audit verify` and retention walk the
// chain instead.
type Checkpointer struct {
	cfg  CheckpointConfig
	kick chan struct{} // buffered 1: "Every events have passed"

	mu      sync.Mutex
	headSeq int64 // the newest committed seq
	lastSeq int64 // seq of the newest stored checkpoint
}

// NewCheckpointer loads the newest checkpoint and the chain head.
func NewCheckpointer(ctx context.Context, cfg CheckpointConfig) (*Checkpointer, error) {
	var errs []error
	if cfg.Store == nil {
		errs = append(errs, errors.New("audit: CheckpointConfig.Store is required"))
	}
	if cfg.Signer == nil {
		errs = append(errs, errors.New("audit: CheckpointConfig.Signer is required"))
	}
	if cfg.Every < 0 || cfg.Interval < 0 || cfg.Every == 0 && cfg.Interval == 0 {
		errs = append(errs, errors.New("audit: CheckpointConfig needs a positive Every or Interval"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	c := &Checkpointer{cfg: cfg, kick: make(chan struct{}, 1)}
	cp, err := cfg.Store.LatestAuditCheckpoint(ctx)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("audit: load latest checkpoint: %w", err)
	}
	head, err := cfg.Store.AuditHead(ctx)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("audit: load chain head: %w", err)
	}
	c.lastSeq, c.headSeq = cp.Seq, head.Seq
	return c, nil
}

// Notify records that the chain head is now seq. It never blocks, so the
// writer calls it from its commit loop.
func (c *Checkpointer) Notify(seq int64) {
	c.mu.Lock()
	c.headSeq = max(c.headSeq, seq)
	due := c.cfg.Every > 0 && c.headSeq-c.lastSeq >= c.cfg.Every
	c.mu.Unlock()
	if due {
		select {
		case c.kick <- struct{}{}:
		default:
		}
	}
}

// Run writes checkpoints until ctx ends.
func (c *Checkpointer) Run(ctx context.Context) {
	var tick <-chan time.Time
	if c.cfg.Interval > 0 {
		t := time.NewTicker(c.cfg.Interval)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
		case <-c.kick:
		}
		if _, _, err := c.Checkpoint(ctx); err != nil && ctx.Err() == nil {
			c.cfg.Logger.ErrorContext(ctx, "audit checkpoint failed", "err", err)
		}
	}
}

// Checkpoint signs and stores the head unless it is checkpointed
// already. It returns the checkpoint and whether it stored one; a
// checkpoint stored at the same seq by another replica or by retention
// counts as done. A head event that no longer hashes to its stored hash
// is ErrChainBroken, and nothing is signed.
func (c *Checkpointer) Checkpoint(ctx context.Context) (store.AuditCheckpoint, bool, error) {
	c.mu.Lock()
	head, last := c.headSeq, c.lastSeq
	c.mu.Unlock()
	if head <= last {
		return store.AuditCheckpoint{}, false, nil
	}
	ev, err := c.cfg.Store.GetAudit(ctx, head)
	if err != nil {
		return store.AuditCheckpoint{}, false, fmt.Errorf("audit: checkpoint %d: %w", head, err)
	}
	if h, err := Hash(ev.PrevHash, ev); err != nil || !bytes.Equal(h, ev.Hash) {
		return store.AuditCheckpoint{}, false, fmt.Errorf("%w: event %d no longer matches its hash; not signing a checkpoint",
			ErrChainBroken, head)
	}
	cp := c.cfg.Signer.Sign(head, ev.Hash)
	err = c.cfg.Store.AddAuditCheckpoint(ctx, cp)
	if err != nil && !errors.Is(err, store.ErrConflict) {
		return cp, false, fmt.Errorf("audit: store checkpoint %d: %w", head, err)
	}
	c.mu.Lock()
	c.lastSeq = max(c.lastSeq, head)
	c.mu.Unlock()
	return cp, err == nil, nil
}
