package audit

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// Reason says how a chain is broken.
type Reason string

// Reasons that Verify reports.
const (
	// ReasonEdited: an event's contents, hash or prev_hash changed, a
	// stretch of the chain was rewritten (a signed checkpoint no longer
	// matches), or a checkpoint's signature is bad.
	ReasonEdited Reason = "edited"
	// ReasonDeleted: events are missing: a gap in seq, a first event with
	// no retention anchor before it, a prev_hash naming an event that no
	// longer exists, or a checkpoint past the end of the trail.
	ReasonDeleted Reason = "deleted"
	// ReasonReordered: events are all there but not in chain order: the
	// event at the first bad seq links to one stored later, or the true
	// successor of its predecessor is stored later.
	ReasonReordered Reason = "reordered"
)

// DefaultVerifyPage is how many events Verify reads at a time.
const DefaultVerifyPage = 500

// VerifyStore is what Verify reads; store.Store satisfies it.
type VerifyStore interface {
	AuditHead(ctx context.Context) (store.AuditEvent, error)
	ListAudit(ctx context.Context, f store.AuditFilter) ([]store.AuditEvent, error)
	ListAuditCheckpoints(ctx context.Context, afterSeq int64, limit int) ([]store.AuditCheckpoint, error)
}

// VerifyOptions tune Verify. The zero value verifies the whole trail
// without checking checkpoint signatures.
type VerifyOptions struct {
	PageSize int   // events per read; default DefaultVerifyPage
	UpTo     int64 // stop after this seq; 0 = through the head
	// Keys, when set, must verify every checkpoint's signature, looked up
	// by the checkpoint's KeyID (see Signer.PublicKeys).
	Keys map[string]ed25519.PublicKey
}

// Report is the outcome of Verify. When OK is false, FirstBad is the
// first sequence number that cannot be trusted and Reason says why.
type Report struct {
	OK          bool
	Count       int64  // events verified
	FirstSeq    int64  // first event verified; 0 when none
	LastSeq     int64  // last event verified, or the anchor when none was
	LastHash    []byte // hash of LastSeq
	AnchorSeq   int64  // the retention anchor the walk started after; 0 = the genesis
	Checkpoints int    // checkpoints matched on the way, the anchor not counted
	FirstBad    int64
	Reason      Reason
	Detail      string // one sentence for people
}

// errBroken unwinds a walk that has filled in its report's failure.
var errBroken = errors.New("chain broken")

// Verify walks the audit chain from its start (the genesis, or the
// retention anchor just before the first stored event) in ascending pages,
// so its memory use does not grow with the trail. It recomputes each
// event's hash, checks each link, and compares every signed checkpoint on
// the way. It returns an error only when the store fails; a broken chain
// is a Report with OK false.
func Verify(ctx context.Context, st VerifyStore, opts VerifyOptions) (Report, error) {
	if opts.PageSize <= 0 {
		opts.PageSize = DefaultVerifyPage
	}
	rep, first, err := verifyOnce(ctx, st, opts)
	if err != nil || rep.OK || rep.Reason != ReasonDeleted {
		return rep, err
	}
	// Retention may have pruned the start of the trail under the walk:
	// then the walk saw a gap that is not there. Walk again from the new
	// anchor.
	now, err := firstEvent(ctx, st)
	if err != nil || now.Seq == first {
		return rep, err
	}
	rep, _, err = verifyOnce(ctx, st, opts)
	return rep, err
}

// verifyOnce runs one walk. It also returns the seq of the first stored
// event it started from.
func verifyOnce(ctx context.Context, st VerifyStore, opts VerifyOptions) (Report, int64, error) {
	w := &walker{st: st, opts: opts, cps: &cpIter{st: st}}
	head, err := st.AuditHead(ctx)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return Report{}, 0, fmt.Errorf("audit: verify: %w", err)
	}
	first, err := firstEvent(ctx, st)
	if err != nil {
		return Report{}, 0, err
	}
	w.end = head.Seq
	if opts.UpTo > 0 && opts.UpTo < w.end {
		w.end = opts.UpTo
	}
	err = w.start(ctx, first)
	if err == nil {
		err = w.walk(ctx)
	}
	if err == nil && opts.UpTo == 0 {
		err = w.finish(ctx)
	}
	switch {
	case errors.Is(err, errBroken):
		return w.rep, first.Seq, nil
	case err != nil:
		return Report{}, first.Seq, fmt.Errorf("audit: verify: %w", err)
	}
	w.rep.OK = true
	return w.rep, first.Seq, nil
}

// firstEvent returns the stored event with the lowest seq, or the zero
// event on an empty trail.
func firstEvent(ctx context.Context, st VerifyStore) (store.AuditEvent, error) {
	evs, err := st.ListAudit(ctx, store.AuditFilter{Ascending: true, Limit: 1})
	if err != nil {
		return store.AuditEvent{}, fmt.Errorf("audit: verify: first event: %w", err)
	}
	if len(evs) == 0 {
		return store.AuditEvent{}, nil
	}
	return evs[0], nil
}

// walker is the state of one walk up the chain.
type walker struct {
	st   VerifyStore
	opts VerifyOptions
	cps  *cpIter
	rep  Report

	end    int64  // the last seq to verify
	next   int64  // the seq the next event must have
	prev   []byte // the hash the next event must link to
	lastCp int64  // seq of the last checkpoint (or anchor) that matched
}

// fail records the first broken seq and stops the walk.
func (w *walker) fail(seq int64, reason Reason, format string, args ...any) error {
	w.rep.OK, w.rep.FirstBad, w.rep.Reason, w.rep.Detail = false, seq, reason, fmt.Sprintf(format, args...)
	return errBroken
}

// start finds where the chain begins: at seq 1 after nothing, or after
// the retention anchor, the checkpoint just before the first stored event.
func (w *walker) start(ctx context.Context, first store.AuditEvent) error {
	w.next = 1
	if first.Seq <= 1 {
		return nil
	}
	var anchor *store.AuditCheckpoint
	for {
		cp, err := w.cps.peek(ctx)
		if err != nil {
			return err
		}
		if cp == nil || cp.Seq >= first.Seq {
			break
		}
		if err := w.checkSignature(*cp); err != nil {
			return err
		}
		c := *cp
		anchor = &c
		w.cps.advance()
	}
	if anchor == nil {
		return w.fail(1, ReasonDeleted, "the trail starts at seq %d and no retention anchor covers seq 1 to %d: they were deleted",
			first.Seq, first.Seq-1)
	}
	if anchor.Seq != first.Seq-1 {
		return w.fail(anchor.Seq+1, ReasonDeleted, "the trail starts at seq %d but the newest checkpoint before it is at seq %d: "+
			"seq %d to %d were deleted", first.Seq, anchor.Seq, anchor.Seq+1, first.Seq-1)
	}
	w.next, w.prev, w.lastCp = first.Seq, anchor.Hash, anchor.Seq
	w.rep.AnchorSeq, w.rep.LastSeq, w.rep.LastHash = anchor.Seq, anchor.Seq, anchor.Hash
	return nil
}

// walk verifies the events from w.next through w.end, a page at a time.
func (w *walker) walk(ctx context.Context) error {
	for w.next <= w.end {
		limit := int(min(int64(w.opts.PageSize), w.end-w.next+1))
		page, err := w.st.ListAudit(ctx, store.AuditFilter{AfterSeq: w.next - 1, Ascending: true, Limit: limit})
		if err != nil {
			return err
		}
		if len(page) == 0 {
			return w.fail(w.next, ReasonDeleted, "the trail ends at seq %d, before its head at seq %d", w.next-1, w.end)
		}
		for _, ev := range page {
			if ev.Seq != w.next {
				return w.fail(w.next, ReasonDeleted, "seq %d to %d are missing", w.next, ev.Seq-1)
			}
			if err := w.checkEvent(ctx, ev); err != nil {
				return err
			}
			if err := w.matchCheckpoints(ctx, ev); err != nil {
				return err
			}
			if w.rep.Count == 0 {
				w.rep.FirstSeq = ev.Seq
			}
			w.rep.Count++
			w.rep.LastSeq, w.rep.LastHash = ev.Seq, ev.Hash
			w.next, w.prev = ev.Seq+1, ev.Hash
		}
	}
	return nil
}
