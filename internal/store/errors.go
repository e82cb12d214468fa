package store

import "errors"

// Sentinel errors that every backend must return, wrapped or bare.
var (
	// ErrNotFound means no row matched the key.
	ErrNotFound = errors.New("not found")
	// ErrConflict means a uniqueness constraint was violated (a duplicate
	// name or email) or a row is still referenced by another one.
	ErrConflict = errors.New("conflict")
)
