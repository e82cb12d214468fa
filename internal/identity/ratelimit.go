package identity

import (
	"context"
	"sync"
	"time"
)

// Limiter throttles failed attempts per key ("account:<email>",
// "ip:<addr>"). It is the seam for a store-backed limiter shared by
// replicas; MemoryLimiter serves a single node.
type Limiter interface {
	// Allow returns 0 when key may try now, or how long it must wait.
	Allow(ctx context.Context, key string) (time.Duration, error)
	// Fail records a failed attempt by key.
	Fail(ctx context.Context, key string) error
	// Reset forgets key's failures, e.g. after a successful login.
	Reset(ctx context.Context, key string) error
}

// Rate is a token bucket: Burst attempts at once, then one every Every.
type Rate struct {
	Burst int
	Every time.Duration
}

// MemoryLimiter is an in-memory token bucket per key. Only failures take
// tokens, so a user who types the password right is never slowed.
type MemoryLimiter struct {
	rate Rate
	now  func() time.Time

	mu      sync.Mutex
	buckets map[string]bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// maxBuckets bounds the limiter's memory; full buckets are dropped first.
const maxBuckets = 100_000

// NewMemoryLimiter returns a limiter with rate r; now may be nil.
func NewMemoryLimiter(r Rate, now func() time.Time) *MemoryLimiter {
	if now == nil {
		now = time.Now
	}
	return &MemoryLimiter{rate: r, now: now, buckets: map[string]bucket{}}
}

// refill returns key's bucket as of now. The caller holds mu.
func (l *MemoryLimiter) refill(key string, now time.Time) bucket {
	b, ok := l.buckets[key]
	if !ok {
		return bucket{tokens: float64(l.rate.Burst), at: now}
	}
	if gained := now.Sub(b.at).Seconds() / l.rate.Every.Seconds(); gained > 0 {
		b.tokens = min(float64(l.rate.Burst), b.tokens+gained)
	}
	b.at = now
	return b
}

// Allow implements Limiter.
func (l *MemoryLimiter) Allow(_ context.Context, key string) (time.Duration, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refill(key, l.now())
	if b.tokens >= 1 {
		return 0, nil
	}
	wait := time.Duration((1 - b.tokens) * float64(l.rate.Every))
	return max(wait, time.Second), nil
}

// Fail implements Limiter.
func (l *MemoryLimiter) Fail(_ context.Context, key string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.refill(key, now)
	b.tokens = max(b.tokens-1, 0)
	if len(l.buckets) >= maxBuckets {
		l.prune(now)
	}
	l.buckets[key] = b
	return nil
}

// Reset implements Limiter.
func (l *MemoryLimiter) Reset(_ context.Context, key string) error {
	l.mu.Lock()
	delete(l.buckets, key)
	l.mu.Unlock()
	return nil
}

// prune drops buckets that have refilled; if none has, it drops them all
// rather than grow without bound. The caller holds mu.
func (l *MemoryLimiter) prune(now time.Time) {
	for k := range l.buckets {
		if l.refill(k, now).tokens >= float64(l.rate.Burst) {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) >= maxBuckets {
		clear(l.buckets)
	}
}
