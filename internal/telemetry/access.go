package telemetry

import (
	"log/slog"
	"net/http"
	"time"
)

// LogRequests logs one line per request after it completes: method, path
// (never the query string, which may hold codes or tokens), status,
// response bytes, duration and the request ID from AssignRequestID. At
// debug level it adds the request headers after RedactHeaders. Bodies are
// never logged. The wrapped ResponseWriter keeps Flush and Unwrap working,
// so streaming responses and http.ResponseController still work.
func LogRequests(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		ctx := r.Context()
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", sw.statusOr200()),
			slog.Int64("bytes", sw.bytes),
			slog.Duration("duration", time.Since(start)),
			slog.String("request_id", RequestID(ctx)),
		}
		if logger.Enabled(ctx, slog.LevelDebug) {
			attrs = append(attrs, slog.Attr{Key: "headers", Value: slog.GroupValue(headerAttrs(r.Header)...)})
		}
		logger.LogAttrs(ctx, slog.LevelInfo, "http request", attrs...)
	})
}

// statusWriter records the status code and body size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Flush passes through to the underlying writer when it can flush.
func (w *statusWriter) Flush() {
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// statusOr200 is the status the client saw: a handler that wrote nothing
// gets 200 from net/http.
func (w *statusWriter) statusOr200() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}
