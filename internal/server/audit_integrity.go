package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/config"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/vault"
)

// auditIntegrity signs checkpoints of the audit chain and prunes it by
// age, in the background, for as long as the server runs.
type auditIntegrity struct {
	signer      *audit.Signer
	checkpoints *audit.Checkpointer // nil when audit.checkpoint_every and _interval are 0
	cancel      context.CancelFunc
	wg          sync.WaitGroup
}

// openAuditIntegrity opens the checkpoint signing key, generating it on
// first start (sealed by the vault), and the checkpointer. Call start
// once the writer exists.
func openAuditIntegrity(ctx context.Context, cfg config.Config, st store.Store, v *vault.Vault, logger *slog.Logger) (*auditIntegrity, error) {
	signer, err := audit.OpenSigner(ctx, audit.SignerConfig{Store: st, Sealer: v})
	if err != nil {
		return nil, fmt.Errorf("audit signing key: %w", err)
	}
	ai := &auditIntegrity{signer: signer}
	every, interval := cfg.Audit.CheckpointEvery, cfg.Audit.CheckpointInterval.Duration
	if every > 0 || interval > 0 {
		ai.checkpoints, err = audit.NewCheckpointer(ctx, audit.CheckpointConfig{
			Store: st, Signer: signer, Every: every, Interval: interval, Logger: logger,
		})
		if err != nil {
			return nil, err
		}
	}
	return ai, nil
}

// notify is for the writer's OnCommit. It is nil-safe.
func (ai *auditIntegrity) notify(seq int64) {
	if ai != nil && ai.checkpoints != nil {
		ai.checkpoints.Notify(seq)
	}
}

// start runs the checkpoint loop and, when audit.retention_days is set,
// the hourly retention, until ctx ends or close is called. ctx is the
// server's lifetime context.
func (ai *auditIntegrity) start(ctx context.Context, cfg config.Config, st store.Store, rec audit.Recorder, logger *slog.Logger) error {
	var ret *audit.Retention
	if cfg.Audit.RetentionDays > 0 {
		var err error
		ret, err = audit.NewRetention(audit.RetentionConfig{
			Store: st, Signer: ai.signer, Audit: rec, Days: int(cfg.Audit.RetentionDays), Logger: logger,
			KeepFrom: undeliveredFrom(st, cfg.Audit.Sinks),
		})
		if err != nil {
			return err
		}
	}
	ctx, ai.cancel = context.WithCancel(ctx)
	if ai.checkpoints != nil {
		ai.wg.Go(func() { ai.checkpoints.Run(ctx) })
	}
	if ret != nil {
		ai.wg.Go(func() { ret.Run(ctx) })
	}
	return nil
}

// close stops the background loops and waits for them. It is nil-safe.
func (ai *auditIntegrity) close() {
	if ai == nil || ai.cancel == nil {
		return
	}
	ai.cancel()
	ai.wg.Wait()
}

// undeliveredFrom keeps retention away from events that an audit sink has
// not delivered yet: it returns the lowest seq after any sink's cursor.
func undeliveredFrom(st store.Store, sinks config.AuditSinks) func(context.Context) (int64, error) {
	if len(sinks) == 0 {
		return nil
	}
	return func(ctx context.Context) (int64, error) {
		keep := int64(math.MaxInt64)
		for _, s := range sinks {
			cur, err := st.GetAuditSinkCursor(ctx, s.Name)
			if errors.Is(err, store.ErrNotFound) {
				cur, err = 0, nil // it has delivered nothing yet
			}
			if err != nil {
				return 0, fmt.Errorf("sink %s cursor: %w", s.Name, err)
			}
			keep = min(keep, cur+1)
		}
		return keep, nil
	}
}
