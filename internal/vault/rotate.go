package vault

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// ErrRotationRunning means a rotation is already running in this process.
var ErrRotationRunning = errors.New("vault: a rotation is already running")

// RecordStore is what RotateAll and Status need from the store:
// store.Store satisfies it.
type RecordStore interface {
	ListVaultKeys(ctx context.Context) ([]store.VaultKey, error)
	DeleteVaultKey(ctx context.Context, id uint32) error
	SealedKinds(ctx context.Context) ([]string, error)
	ListSealed(ctx context.Context, kind, afterID string, limit int) ([]store.SealedRecord, error)
	SwapSealed(ctx context.Context, kind, id string, old, sealed []byte) (bool, error)
	CountSealed(ctx context.Context) ([]store.SealedCount, error)
}

// RotateOptions tunes RotateAll. The zero value is fine.
type RotateOptions struct {
	// BatchSize is how many records are read per page (default 100).
	// Every record is still re-sealed in its own short transaction.
	BatchSize int
	// Pause is slept between pages, to bound the load on a busy database.
	Pause time.Duration
	// Grace, when set, is waited after the first pass; a second pass then
	// re-seals what other replicas sealed with the old key before they
	// reloaded the keyring (WithSealReload bounds that), and only then are
	// old keys retired. Set it above the replicas' seal-reload interval.
	Grace time.Duration
}

// RotateReport is the outcome of RotateAll. It never holds key material.
type RotateReport struct {
	NewKeyID uint32
	Resealed map[string]int // records re-sealed with the new key, by kind
	Skipped  int            // records a concurrent write replaced first (the write wins)
	Failed   []string       // "kind/id" of records that did not open; their keys are kept
	Retired  []uint32       // old data keys deleted from the keyring
	Kept     []uint32       // old data keys that records still use
	Duration time.Duration
}

// RotateAll rotates the data key without downtime: it adds a new active
// data key, re-seals every sealed record of every kind with it (one short
// compare-and-swap per record, so a concurrent write wins), then retires
// every old key that no record uses any more. Old keys stay loaded, so
// Unseal keeps working for the whole rotation and for requests that read a
// record before it was re-sealed. A store error stops the rotation; what
// it did so far is consistent and a second run continues.
func (v *Vault) RotateAll(ctx context.Context, rs RecordStore, opt RotateOptions) (RotateReport, error) {
	if !v.rotating.TryLock() {
		return RotateReport{}, ErrRotationRunning
	}
	defer v.rotating.Unlock()
	start := time.Now()
	if opt.BatchSize <= 0 {
		opt.BatchSize = 100
	}
	// The keyring must still open with this process's master key: after
	// rotate-master-key a stale server must not add a key wrapped by the
	// old one.
	if err := v.Reload(ctx); err != nil {
		return RotateReport{}, err
	}
	rep := RotateReport{Resealed: map[string]int{}}
	var err error
	if rep.NewKeyID, err = v.Rotate(ctx); err != nil {
		return rep, err
	}
	kinds, err := rs.SealedKinds(ctx)
	if err != nil {
		return rep, fmt.Errorf("vault: rotate: %w", err)
	}
	passes := 1
	if opt.Grace > 0 {
		passes = 2
	}
	for pass := 0; pass < passes; pass++ {
		if pass > 0 {
			if err := sleep(ctx, opt.Grace); err != nil {
				return rep, err
			}
		}
		for _, kind := range kinds {
			if err := v.resealKind(ctx, rs, kind, opt, &rep); err != nil {
				return rep, err
			}
		}
	}
	err = v.retireOld(ctx, rs, &rep)
	rep.Duration = time.Since(start)
	return rep, err
}

// resealKind re-seals, page by page, every record of kind that names
// another key than rep.NewKeyID.
func (v *Vault) resealKind(ctx context.Context, rs RecordStore, kind string, opt RotateOptions, rep *RotateReport) error {
	after := ""
	for {
		page, err := rs.ListSealed(ctx, kind, after, opt.BatchSize)
		if err != nil {
			return fmt.Errorf("vault: rotate: %w", err)
		}
		for _, rec := range page {
			if err := v.resealOne(ctx, rs, rec, rep); err != nil {
				return err
			}
		}
		if len(page) < opt.BatchSize {
			return nil
		}
		after = page[len(page)-1].ID
		if err := sleep(ctx, opt.Pause); err != nil {
			return err
		}
	}
}

// resealOne opens rec and swaps in a new sealing under the active key.
func (v *Vault) resealOne(ctx context.Context, rs RecordStore, rec store.SealedRecord, rep *RotateReport) error {
	if id, err := KeyIDOf(rec.Sealed); err == nil && id == rep.NewKeyID {
		return nil
	}
	plain, err := v.Unseal(rec.Sealed, rec.Kind, rec.ID)
	if err != nil {
		rep.Failed = append(rep.Failed, rec.Kind+"/"+rec.ID)
		return nil
	}
	sealed, err := v.Seal(plain, rec.Kind, rec.ID)
	clear(plain)
	if err != nil {
		return err
	}
	swapped, err := rs.SwapSealed(ctx, rec.Kind, rec.ID, rec.Sealed, sealed)
	switch {
	case err != nil:
		return fmt.Errorf("vault: rotate: %w", err)
	case swapped:
		rep.Resealed[rec.Kind]++
	default:
		rep.Skipped++
	}
	return nil
}

// retireOld deletes every inactive data key that no record names. The
// store refuses a key still in use (store.ErrConflict): it is kept.
func (v *Vault) retireOld(ctx context.Context, rs RecordStore, rep *RotateReport) error {
	keys, err := rs.ListVaultKeys(ctx)
	if err != nil {
		return fmt.Errorf("vault: rotate: %w", err)
	}
	for _, k := range keys {
		if k.Active || k.ID == rep.NewKeyID {
			continue
		}
		err := rs.DeleteVaultKey(ctx, k.ID)
		switch {
		case err == nil:
			rep.Retired = append(rep.Retired, k.ID)
		case errors.Is(err, store.ErrNotFound): // another replica retired it
		case errors.Is(err, store.ErrConflict):
			rep.Kept = append(rep.Kept, k.ID)
		default:
			return fmt.Errorf("vault: rotate: %w", err)
		}
	}
	return nil
}

// KeyStatus describes one data key. It never holds key material.
type KeyStatus struct {
	ID        uint32
	Active    bool
	CreatedAt time.Time      // zero for a key records name but the keyring lacks
	InKeyring bool           // false: records name a key that is gone (they cannot open)
	Records   map[string]int // sealed records using the key, by kind
}

// Status is the keyring as the database holds it.
type Status struct {
	MasterKey   string // the KeyWrapper's ID, e.g. the master key's Fingerprint
	ActiveKeyID uint32
	Kinds       []string
	Keys        []KeyStatus // by ID
}

// Status reports the keyring and how many records each data key seals.
func (v *Vault) Status(ctx context.Context, rs RecordStore) (Status, error) {
	keys, err := rs.ListVaultKeys(ctx)
	if err != nil {
		return Status{}, fmt.Errorf("vault: status: %w", err)
	}
	counts, err := rs.CountSealed(ctx)
	if err != nil {
		return Status{}, fmt.Errorf("vault: status: %w", err)
	}
	st := Status{MasterKey: v.w.ID()}
	if st.Kinds, err = rs.SealedKinds(ctx); err != nil {
		return Status{}, fmt.Errorf("vault: status: %w", err)
	}
	byID := map[uint32]*KeyStatus{}
	for _, k := range keys {
		byID[k.ID] = &KeyStatus{ID: k.ID, Active: k.Active, CreatedAt: k.CreatedAt, InKeyring: true, Records: map[string]int{}}
		if k.Active {
			st.ActiveKeyID = k.ID
		}
	}
	for _, c := range counts {
		ks := byID[c.KeyID]
		if ks == nil {
			ks = &KeyStatus{ID: c.KeyID, Records: map[string]int{}}
			byID[c.KeyID] = ks
		}
		ks.Records[c.Kind] += c.Rows
	}
	for _, ks := range byID {
		st.Keys = append(st.Keys, *ks)
	}
	slices.SortFunc(st.Keys, func(a, b KeyStatus) int { return int(int64(a.ID) - int64(b.ID)) })
	return st, nil
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
