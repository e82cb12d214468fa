package audit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// Retention defaults.
const (
	DefaultRetentionChunk    = 10_000
	DefaultRetentionInterval = time.Hour
)

// ErrChainBroken means retention found the part of the chain it was about
// to delete broken, and deleted nothing more: pruning would destroy the
// evidence. Run `switchboard audit verify` to see where.
var ErrChainBroken = errors.New("audit: the chain does not verify")

// RetentionStore is what retention needs of the store.
type RetentionStore interface {
	VerifyStore
	PruneAudit(ctx context.Context, anchor store.AuditCheckpoint) (int64, error)
}

// Recorder durably appends an audit event; *Writer implements it.
type Recorder interface {
	Record(ctx context.Context, ev store.AuditEvent) (store.AuditEvent, error)
}

// RetentionConfig configures a Retention. Store, Signer and Audit are
// required and Days must be positive.
type RetentionConfig struct {
	Store    RetentionStore
	Signer   *Signer
	Audit    Recorder
	Days     int
	Chunk    int           // events deleted per transaction; default DefaultRetentionChunk
	Interval time.Duration // how often Run prunes; default DefaultRetentionInterval
	// KeepFrom, when set, returns the lowest seq that must survive, such
	// as the oldest event an audit sink has not delivered yet.
	KeepFrom func(ctx context.Context) (int64, error)
	Now      func() time.Time
	Logger   *slog.Logger
}

// Retention deletes audit events older than Days, oldest first. Before
// each chunk it verifies the events it is about to delete and signs the
// last one's hash as the new anchor, so the remaining chain still
// verifies from there. It never deletes the newest event, which the
// writer chains onto.
type Retention struct {
	cfg RetentionConfig
}

// RetentionResult says what one run deleted.
type RetentionResult struct {
	Cutoff     time.Time
	Deleted    int64
	FirstSeq   int64  // the first event deleted
	ThroughSeq int64  // the last event deleted: the new anchor
	AnchorHash []byte // its hash
}

// NewRetention validates cfg and fills in defaults.
func NewRetention(cfg RetentionConfig) (*Retention, error) {
	var errs []error
	if cfg.Store == nil || cfg.Signer == nil || cfg.Audit == nil {
		errs = append(errs, errors.New("audit: RetentionConfig.Store, Signer and Audit are required"))
	}
	if cfg.Days <= 0 {
		errs = append(errs, errors.New("audit: RetentionConfig.Days must be positive"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if cfg.Chunk <= 0 {
		cfg.Chunk = DefaultRetentionChunk
	}
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultRetentionInterval
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Retention{cfg: cfg}, nil
}

// Run prunes once right away, then every Interval, until ctx ends.
func (r *Retention) Run(ctx context.Context) {
	t := time.NewTicker(r.cfg.Interval)
	defer t.Stop()
	for {
		res, err := r.RunOnce(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			r.cfg.Logger.ErrorContext(ctx, "audit retention failed", "deleted", res.Deleted, "err", err)
		case res.Deleted > 0:
			r.cfg.Logger.InfoContext(ctx, "audit retention deleted events",
				"deleted", res.Deleted, "first_seq", res.FirstSeq, "through_seq", res.ThroughSeq)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce deletes the events older than the cutoff, in chunks, and
// records an admin.audit.retention event when it deleted any.
func (r *Retention) RunOnce(ctx context.Context) (RetentionResult, error) {
	res := RetentionResult{Cutoff: r.cfg.Now().UTC().Add(-time.Duration(r.cfg.Days) * 24 * time.Hour)}
	first, through, err := r.span(ctx, res.Cutoff)
	if err != nil || through < first {
		return res, err
	}
	res.FirstSeq = first
	for from := first; from <= through; {
		end := min(from+int64(r.cfg.Chunk)-1, through)
		if err = r.pruneThrough(ctx, end, &res); err != nil {
			break
		}
		from = end + 1
	}
	if res.Deleted > 0 {
		err = errors.Join(err, r.record(ctx, res, err))
	}
	return res, err
}

// span returns the seqs of the first stored event and of the last one to
// delete: the newest event before cutoff, but never the head. through <
// first means there is nothing to delete.
func (r *Retention) span(ctx context.Context, cutoff time.Time) (first, through int64, err error) {
	head, err := r.cfg.Store.AuditHead(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return 0, -1, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("audit: retention: %w", err)
	}
	older, err := r.cfg.Store.ListAudit(ctx, store.AuditFilter{Until: cutoff, Limit: 1})
	if err != nil {
		return 0, 0, fmt.Errorf("audit: retention: %w", err)
	}
	if len(older) == 0 {
		return 0, -1, nil
	}
	ev, err := firstEvent(ctx, r.cfg.Store)
	if err != nil {
		return 0, 0, err
	}
	through = min(older[0].Seq, head.Seq-1)
	if r.cfg.KeepFrom != nil {
		keep, err := r.cfg.KeepFrom(ctx)
		if err != nil {
			return 0, 0, fmt.Errorf("audit: retention: %w", err)
		}
		through = min(through, keep-1)
	}
	return ev.Seq, through, nil
}

// pruneThrough verifies the chain up to end, signs end's hash as the new
// anchor and deletes everything up to it in one transaction.
func (r *Retention) pruneThrough(ctx context.Context, end int64, res *RetentionResult) error {
	rep, err := Verify(ctx, r.cfg.Store, VerifyOptions{UpTo: end, Keys: r.cfg.Signer.PublicKeys()})
	if err != nil {
		return fmt.Errorf("audit: retention: %w", err)
	}
	if !rep.OK {
		return fmt.Errorf("%w: %s at seq %d (%s); retention deleted nothing past seq %d",
			ErrChainBroken, rep.Reason, rep.FirstBad, rep.Detail, res.ThroughSeq)
	}
	if rep.LastSeq != end {
		return fmt.Errorf("audit: retention: verified through seq %d, want %d", rep.LastSeq, end)
	}
	anchor := r.cfg.Signer.Sign(end, rep.LastHash)
	n, err := r.cfg.Store.PruneAudit(ctx, anchor)
	if err != nil {
		return fmt.Errorf("audit: retention: %w", err)
	}
	res.Deleted += n
	res.ThroughSeq, res.AnchorHash = end, anchor.Hash
	return nil
}

// record appends the admin.audit.retention event; failure, when not nil,
// is why the run stopped early.
func (r *Retention) record(ctx context.Context, res RetentionResult, failure error) error {
	req, _ := json.Marshal(map[string]any{"retention_days": r.cfg.Days, "cutoff": res.Cutoff})
	resp, _ := json.Marshal(map[string]any{
		"deleted": res.Deleted, "first_seq": res.FirstSeq, "through_seq": res.ThroughSeq,
		"anchor_hash": hex.EncodeToString(res.AnchorHash),
	})
	ev := store.AuditEvent{
		Code: CodeAuditRetention, RequestID: retentionRequestID(), ActorType: ActorSystem, ActorID: "retention",
		Outcome: OutcomeOK, Request: req, Response: resp,
	}
	if failure != nil {
		ev.Outcome, ev.Error = OutcomeError, failure.Error()
	}
	if _, err := r.cfg.Audit.Record(ctx, ev); err != nil {
		return fmt.Errorf("audit: retention: record: %w", err)
	}
	return nil
}

func retentionRequestID() string {
	var b [12]byte
	rand.Read(b[:])
	return "req_" + hex.EncodeToString(b[:])
}
