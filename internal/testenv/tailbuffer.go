package testenv

import (
	"bytes"
	"sync"
)

// tailBufferMax bounds the output a tailBuffer keeps; older output is
// dropped so a chatty long-running peer cannot grow memory without limit.
const tailBufferMax = 256 << 10

// tailBuffer is a concurrency-safe io.Writer that keeps the last
// tailBufferMax bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	if over := b.buf.Len() - tailBufferMax; over > 0 {
		b.buf.Next(over)
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
