package identity

import (
	"crypto/rand"
	"encoding/hex"
)

// NewID returns a random identifier with a kind prefix, e.g. "usr_3f9a…".
func NewID(prefix string) string {
	var b [10]byte
	rand.Read(b[:])
	return prefix + "_" + hex.EncodeToString(b[:])
}
