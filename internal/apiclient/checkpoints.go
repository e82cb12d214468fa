package apiclient

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// checkpointDomain starts every signed checkpoint message. The encoding
// is frozen; internal/audit signs with the same one (a test compares).
const checkpointDomain = "switchboard audit checkpoint v1\n"

// CheckpointMessage returns the bytes a checkpoint signature covers:
// checkpointDomain, seq (8 bytes), len(hash) (2 bytes), hash and signed_at
// in Unix nanoseconds (8 bytes), integers big endian.
func CheckpointMessage(seq int64, hash []byte, signedAt time.Time) []byte {
	b := make([]byte, 0, len(checkpointDomain)+8+2+len(hash)+8)
	b = append(b, checkpointDomain...)
	b = binary.BigEndian.AppendUint64(b, uint64(seq))
	b = binary.BigEndian.AppendUint16(b, uint16(len(hash)))
	b = append(b, hash...)
	return binary.BigEndian.AppendUint64(b, uint64(signedAt.UnixNano()))
}

// CheckpointKeyID returns the key ID of an Ed25519 public key: "ed25519-"
// and the first 8 bytes of its SHA-256 in hex.
func CheckpointKeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return "ed25519-" + hex.EncodeToString(sum[:8])
}

// ParsePublicKeys reads Ed25519 public keys from a file's contents: PKIX
// "PUBLIC KEY" PEM blocks, as `switchboard audit public-key` prints them,
// or, without PEM, one key per line as standard base64 of the raw 32
// bytes. Blank lines and lines starting with # are skipped.
func ParsePublicKeys(data []byte) ([]ed25519.PublicKey, error) {
	if bytes.Contains(data, []byte("-----BEGIN")) {
		return parsePEMKeys(data)
	}
	var keys []ed25519.PublicKey
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(line)
		if err != nil || len(raw) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("line %d: want a PEM PUBLIC KEY block or the base64 of a 32-byte Ed25519 key", n+1)
		}
		keys = append(keys, ed25519.PublicKey(raw))
	}
	if len(keys) == 0 {
		return nil, errors.New("no public key found")
	}
	return keys, nil
}

func parsePEMKeys(data []byte) ([]ed25519.PublicKey, error) {
	var keys []ed25519.PublicKey
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		if b.Type != "PUBLIC KEY" {
			return nil, fmt.Errorf("PEM block %q: want PUBLIC KEY", b.Type)
		}
		k, err := x509.ParsePKIXPublicKey(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("PEM PUBLIC KEY: %w", err)
		}
		pub, ok := k.(ed25519.PublicKey)
		if !ok {
			return nil, fmt.Errorf("PEM PUBLIC KEY is %T, want Ed25519", k)
		}
		keys = append(keys, pub)
	}
	if len(keys) == 0 {
		return nil, errors.New("no PEM PUBLIC KEY block found")
	}
	return keys, nil
}

// CheckpointReport is the outcome of VerifyCheckpoints. When OK is false,
// FirstBadSeq is the first seq that cannot be trusted and Reason is
// api.VerifyEdited or api.VerifyDeleted.
type CheckpointReport struct {
	OK          bool
	Checkpoints int   // checkpoints whose signature verified
	Events      int   // checkpointed events found with the signed hash
	AnchorSeq   int64 // the retention anchor, when the lowest checkpoint is one
	FirstBadSeq int64
	Reason      string
	Detail      string
}

func (r *CheckpointReport) fail(seq int64, reason, format string, args ...any) *CheckpointReport {
	r.OK, r.FirstBadSeq, r.Reason, r.Detail = false, seq, reason, fmt.Sprintf(format, args...)
	return r
}

// VerifyCheckpoints checks the server's signed checkpoints with keys
// alone, trusting nothing else it says: every signature must verify with
// one of keys, and the event at each checkpoint's seq must still have the
// signed hash. The lowest checkpoint may be the retention anchor: its
// event is gone by design, and the trail must then start right after it.
// It reads the checkpoints a page at a time.
func (c *Client) VerifyCheckpoints(ctx context.Context, keys []ed25519.PublicKey) (*CheckpointReport, error) {
	byID := map[string]ed25519.PublicKey{}
	for _, k := range keys {
		byID[CheckpointKeyID(k)] = k
	}
	rep := &CheckpointReport{OK: true}
	var lastGood int64
	cursor := ""
	for {
		page, err := c.ListAuditCheckpoints(ctx, cursor, 0)
		if err != nil {
			return nil, err
		}
		for _, cp := range page.Checkpoints {
			if bad, err := c.checkOne(ctx, byID, cp, rep, lastGood); err != nil || bad {
				return rep, err
			}
			lastGood = cp.Seq
		}
		if cursor = page.NextCursor; cursor == "" {
			return rep, nil
		}
	}
}

// checkOne verifies one checkpoint and its event; it reports whether the
// report now holds a failure.
func (c *Client) checkOne(ctx context.Context, keys map[string]ed25519.PublicKey, cp api.AuditCheckpoint, rep *CheckpointReport, lastGood int64) (bool, error) {
	hash, herr := hex.DecodeString(cp.Hash)
	sig, serr := base64.StdEncoding.DecodeString(cp.Signature)
	pub, known := keys[cp.KeyID]
	if herr != nil || serr != nil || !known || len(hash) > 0xffff ||
		!ed25519.Verify(pub, CheckpointMessage(cp.Seq, hash, cp.SignedAt), sig) {
		rep.fail(cp.Seq, api.VerifyEdited, "the checkpoint at seq %d (key %s) does not verify with the given public key(s)", cp.Seq, cp.KeyID)
		return true, nil
	}
	rep.Checkpoints++
	ev, err := c.GetAuditEvent(ctx, cp.Seq)
	switch {
	case IsNotFound(err) && rep.Checkpoints == 1:
		// The lowest checkpoint: the retention anchor, if the trail
		// starts right after it.
		if _, err := c.GetAuditEvent(ctx, cp.Seq+1); IsNotFound(err) {
			rep.fail(cp.Seq+1, api.VerifyDeleted, "the lowest checkpoint is at seq %d but the trail does not start at seq %d", cp.Seq, cp.Seq+1)
			return true, nil
		} else if err != nil {
			return true, err
		}
		rep.AnchorSeq = cp.Seq
		return false, nil
	case IsNotFound(err):
		rep.fail(cp.Seq, api.VerifyDeleted, "event %d, signed in a checkpoint, is gone", cp.Seq)
		return true, nil
	case err != nil:
		return true, err
	case !strings.EqualFold(ev.Hash, cp.Hash):
		rep.fail(lastGood+1, api.VerifyEdited, "event %d no longer has the hash its signed checkpoint records: "+
			"the chain was changed somewhere from seq %d to %d", cp.Seq, lastGood+1, cp.Seq)
		return true, nil
	}
	rep.Events++
	return false, nil
}
