package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"unicode/utf8"
)

// DefaultMaxPayload is the default cap on a stored request or response.
const DefaultMaxPayload = 1 << 20

// previewBytes is how much of a truncated payload is kept as a preview.
const previewBytes = 1024

// truncated replaces a payload larger than the cap.
type truncated struct {
	Truncated bool   `json:"_truncated"`
	Size      int    `json:"size"`
	SHA256    string `json:"sha256"`
	Preview   string `json:"preview"`
}

// CapPayload returns p unchanged when it fits in max bytes, or a marker
// object holding the size, the SHA-256 of the whole payload and a short
// preview. The result is always valid JSON when p is.
func CapPayload(p json.RawMessage, max int) json.RawMessage {
	if max <= 0 || len(p) <= max {
		return p
	}
	sum := sha256.Sum256(p)
	n := min(previewBytes, max/2, len(p))
	for n > 0 && !utf8.Valid(p[:n]) {
		n--
	}
	b, _ := json.Marshal(truncated{
		Truncated: true, Size: len(p),
		SHA256: hex.EncodeToString(sum[:]), Preview: string(p[:n]),
	})
	return b
}
