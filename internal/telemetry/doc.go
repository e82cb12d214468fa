// Package telemetry sets up logging and the HTTP middleware that ties log
// lines to requests.
//
// NewLogger builds the process slog.Logger (text or JSON). AssignRequestID
// gives every request an ID (RequestID reads it back from the context) and
// LogRequests writes one line per request: method, path, status, bytes,
// duration and request_id. The query string, bodies and credential headers
// are never logged; at debug level the request headers are logged after
// RedactHeaders. Wrap handlers as AssignRequestID(LogRequests(logger, mux)).
//
// NewMetrics owns the Prometheus registry (Go runtime, process and
// Switchboard metrics such as switchboard_audit_sink_lag_events); server
// serves its Handler at /metrics. Traces will live here too. This package
// imports nothing internal.
package telemetry
