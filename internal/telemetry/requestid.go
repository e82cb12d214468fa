package telemetry

import (
	"context"
	"crypto/rand"
	"net/http"
)

// RequestIDHeader carries the request ID in both directions.
const RequestIDHeader = "X-Request-ID"

// maxRequestIDLen bounds an incoming request ID.
const maxRequestIDLen = 64

type requestIDKey struct{}

// AssignRequestID gives each request an ID: the incoming X-Request-ID
// when ValidRequestID accepts it (so a proxy's ID carries through),
// otherwise a new random one. The ID goes on the response header and into
// the request context, where RequestID finds it.
func AssignRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(RequestIDHeader)
		if !ValidRequestID(id) {
			id = NewRequestID()
		}
		w.Header().Set(RequestIDHeader, id)
		next.ServeHTTP(w, r.WithContext(ContextWithRequestID(r.Context(), id)))
	})
}

// RequestID returns the request ID stored in ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// ContextWithRequestID returns ctx carrying id, for work that is not an
// HTTP request (background jobs, tests).
func ContextWithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// NewRequestID returns a random ID: 26 characters of base32, 130 bits.
func NewRequestID() string {
	return rand.Text()
}

// ValidRequestID reports whether s is 1 to 64 characters of
// [A-Za-z0-9_-], the only IDs taken from clients; anything else could
// inject text into logs or collide on purpose with short guesses.
func ValidRequestID(s string) bool {
	if s == "" || len(s) > maxRequestIDLen {
		return false
	}
	for _, c := range []byte(s) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
		if !ok {
			return false
		}
	}
	return true
}
