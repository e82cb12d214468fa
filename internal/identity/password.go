package identity

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Password length limits, in characters. NIST SP 800-63B asks for at least
// 8 and advises allowing at least 64; we ask for 12.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 256
)

// ErrPasswordPolicy is returned for a password outside the length limits.
var ErrPasswordPolicy = fmt.Errorf("password: must be %d to %d characters", MinPasswordLen, MaxPasswordLen)

// PasswordParams are the argon2id costs of new password hashes. Hashes
// keep the parameters they were made with, so raising them later applies
// to new hashes and, through rehash at login, to old ones.
type PasswordParams struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
}

// DefaultPasswordParams are OWASP's first argon2id recommendation
// (46 MiB, one pass, one lane): about 50 ms on one core.
var DefaultPasswordParams = PasswordParams{Memory: 46 << 10, Time: 1, Threads: 1}

// Limits on parameters read back from a stored hash, so that a corrupt
// row cannot make one login allocate gigabytes.
const (
	maxMemoryKiB = 1 << 20
	maxTime      = 16
	saltLen      = 16
	keyLen       = 32
)

// hashSlots bounds how many argon2id computations run at once, which
// bounds their memory: a burst of logins waits instead of exhausting RAM.
var hashSlots = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))

// CheckPassword enforces the length limits.
func CheckPassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLen || n > MaxPasswordLen || strings.TrimSpace(pw) == "" {
		return ErrPasswordPolicy
	}
	return nil
}

// HashPassword returns the PHC-encoded argon2id hash of pw:
// $argon2id$v=19$m=47104,t=1,p=1$<salt>$<hash>, base64 without padding.
func HashPassword(pw string, p PasswordParams) (string, error) {
	if err := CheckPassword(pw); err != nil {
		return "", err
	}
	salt := make([]byte, saltLen)
	rand.Read(salt)
	key := idKey(pw, salt, p, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether pw matches the encoded hash, and whether
// the hash should be replaced because its parameters differ from p. A
// malformed hash is an error.
func VerifyPassword(encoded, pw string, p PasswordParams) (ok, rehash bool, err error) {
	got, salt, key, err := parsePHC(encoded)
	if err != nil {
		return false, false, err
	}
	if len(pw) > 4*MaxPasswordLen {
		return false, false, nil
	}
	sum := idKey(pw, salt, got, uint32(len(key)))
	return subtle.ConstantTimeCompare(sum, key) == 1, got != p, nil
}

func idKey(pw string, salt []byte, p PasswordParams, n uint32) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, n)
}

var errBadHash = errors.New("password hash: not a valid argon2id PHC string")

// parsePHC splits $argon2id$v=19$m=…,t=…,p=…$salt$hash.
func parsePHC(s string) (PasswordParams, []byte, []byte, error) {
	var p PasswordParams
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, nil, nil, errBadHash
	}
	var threads uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &threads); err != nil ||
		fmt.Sprintf("m=%d,t=%d,p=%d", p.Memory, p.Time, threads) != parts[3] {
		return p, nil, nil, errBadHash
	}
	p.Threads = uint8(threads)
	if p.Time < 1 || p.Time > maxTime || threads < 1 || threads > 255 || p.Memory < 8*threads || p.Memory > maxMemoryKiB {
		return p, nil, nil, errBadHash
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	key, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, errBadHash
	}
	return p, salt, key, nil
}
