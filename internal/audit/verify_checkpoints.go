package audit

import (
	"bytes"
	"context"
	"errors"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// checkpointPage is how many checkpoints a walk reads at a time.
const checkpointPage = 1000

// cpIter walks the checkpoints in ascending seq, a page at a time.
type cpIter struct {
	st    VerifyStore
	after int64
	buf   []store.AuditCheckpoint
	i     int
	done  bool
}

// peek returns the next checkpoint without consuming it, or nil.
func (it *cpIter) peek(ctx context.Context) (*store.AuditCheckpoint, error) {
	if it.i < len(it.buf) {
		return &it.buf[it.i], nil
	}
	if it.done {
		return nil, nil
	}
	page, err := it.st.ListAuditCheckpoints(ctx, it.after, checkpointPage)
	if err != nil {
		return nil, err
	}
	it.buf, it.i = page, 0
	if len(page) == 0 {
		it.done = true
		return nil, nil
	}
	it.after = page[len(page)-1].Seq
	return &it.buf[0], nil
}

// advance consumes the checkpoint peek returned.
func (it *cpIter) advance() { it.i++ }

// checkSignature verifies cp's signature when the walk has keys.
func (w *walker) checkSignature(cp store.AuditCheckpoint) error {
	if w.opts.Keys == nil {
		return nil
	}
	if err := VerifyCheckpoint(w.opts.Keys, cp); err != nil {
		return w.fail(cp.Seq, ReasonEdited, "the checkpoint at seq %d has a bad signature or an unknown key %q", cp.Seq, cp.KeyID)
	}
	return nil
}

// matchCheckpoints compares the checkpoints at ev.Seq with ev's hash. A
// mismatch means the chain was rewritten consistently after the last
// checkpoint that still matched: every hash recomputes, but not to what
// was signed.
func (w *walker) matchCheckpoints(ctx context.Context, ev store.AuditEvent) error {
	for {
		cp, err := w.cps.peek(ctx)
		if err != nil || cp == nil || cp.Seq > ev.Seq {
			return err
		}
		if err := w.checkSignature(*cp); err != nil {
			return err
		}
		if !bytes.Equal(cp.Hash, ev.Hash) {
			return w.fail(w.lastCp+1, ReasonEdited, "event %d no longer has the hash its signed checkpoint records: "+
				"the chain was rewritten somewhere from seq %d to %d", ev.Seq, w.lastCp+1, ev.Seq)
		}
		w.lastCp = cp.Seq
		w.rep.Checkpoints++
		w.cps.advance()
	}
}

// finish checks that no checkpoint lies past the end of the trail: that
// would mean the newest events were deleted. A checkpoint written while
// the walk ran is past the head it started with, so the head is read
// again before concluding.
func (w *walker) finish(ctx context.Context) error {
	cp, err := w.cps.peek(ctx)
	if err != nil || cp == nil {
		return err
	}
	head, err := w.st.AuditHead(ctx)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if cp.Seq <= head.Seq {
		return nil
	}
	if err := w.checkSignature(*cp); err != nil {
		return err
	}
	return w.fail(head.Seq+1, ReasonDeleted, "a signed checkpoint names seq %d but the trail ends at seq %d: the newest events were deleted",
		cp.Seq, head.Seq)
}
