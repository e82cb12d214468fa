// Package upstream is the MCP client side of Switchboard: it opens
// sessions to upstream servers over Streamable HTTP or legacy SSE, injects
// their credentials, keeps the sessions pooled per (server, credential) and
// syncs tool catalogs into the store.
//
// Sessions open lazily on the first call and are reused by every later one;
// a session that the upstream closed or forgot is reopened once, and a call
// that may have reached the upstream is never retried. A static secret is
// unsealed when a session opens and lives only inside that session's HTTP
// transport; an OAuth token set is read per request through a token
// source that refreshes it (single-flight, with a store lease across
// replicas). DESIGN.md has the flows.
package upstream
