// Package toolname derives the names under which an endpoint exposes its
// servers' tools: "{server}__{tool}" by default, or the bare tool name.
//
// Exposed names are at most 64 characters of [A-Za-z0-9_-]. A name that
// had to be cleaned or shortened gets a suffix of 8 hex digits of the
// SHA-256 of "server/tool", so the result is deterministic and two cleaned
// names do not collide by accident. Both the admin API (to refuse a
// collision when a tool is enabled) and the gateway (to route calls) use it.
package toolname
