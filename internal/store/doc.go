// Package store defines Switchboard's domain value types and the Store
// interface that every storage backend implements.
//
// Backends live in subpackages (sqlstore holds the shared SQL, sqlite and
// postgres open the drivers). Every backend must pass the conformance suite
// in storetest. Methods take ctx first and return values, never pointers into
// a cache. Backends map their driver errors onto ErrNotFound and ErrConflict.
//
// The store makes no access decisions: authorization happens in policy, at
// the API and gateway boundaries.
package store
