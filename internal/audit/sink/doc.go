// Package sink streams the audit trail out of the store: to JSONL files
// with size-based rotation, to HTTPS webhooks in Splunk HEC format, and to
// stdout for container logs.
//
// Every sink delivers at least once from a persisted cursor (the Seq of
// the last event it delivered, store.AuditSinkCursors). A Runner gives each
// sink its own goroutine that reads the trail in ascending pages after the
// cursor, hands each batch to the sink and moves the cursor on. A sink that
// is down never blocks the gateway: the audit writer only nudges the
// Runner (Notify), the sink retries with exponential backoff and jitter,
// and catches up from its cursor when it is back. Its lag (head Seq minus
// cursor) is reported through Config.Lag.
//
// Pager reads pages whose size adapts to the payloads, so that a page
// stays near a byte budget; the admin export uses it as well. Encode is
// the JSON shape of one event, the same as the admin API's.
//
//	writer.Record ──commit──▶ Runner.Notify ──wake──▶ worker ─ListAudit(after cursor)─▶ Sink.Deliver
//	                                            ▲ poll (other replicas)      └─ SetAuditSinkCursor
package sink
