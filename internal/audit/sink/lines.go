package sink

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// Lines writes one JSON line per event to a stream, such as stdout for
// container logs. A delivery is one Write, so that lines from other
// writers of the stream do not land inside it (as far as the stream
// keeps whole writes together).
type Lines struct {
	mu  sync.Mutex
	w   io.Writer
	buf []byte
}

// NewLines returns a sink that writes to w.
func NewLines(w io.Writer) *Lines { return &Lines{w: w} }

// Deliver writes the events as JSON lines.
func (s *Lines) Deliver(_ context.Context, events []store.AuditEvent) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = s.buf[:0]
	for _, ev := range events {
		line, err := Encode(ev)
		if err != nil {
			return 0, fmt.Errorf("lines sink: encode event %d: %w", ev.Seq, err)
		}
		s.buf = append(append(s.buf, line...), '\n')
	}
	if _, err := s.w.Write(s.buf); err != nil {
		return 0, fmt.Errorf("lines sink: write: %w", err)
	}
	return len(events), nil
}

// Close does nothing: the stream belongs to the caller.
func (s *Lines) Close() error { return nil }
