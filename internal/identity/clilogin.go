package identity

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// CLI sign-in: `switchboard login` gets an API token either from email and
// password (POST /api/v1/login) or through the browser. In the browser
// flow the CLI listens on a loopback port and opens /cli/login with a
// state and a PKCE-style S256 challenge; the signed-in user confirms, the
// page redirects to the loopback port with a one-time code, and the CLI
// trades code and verifier for a token (POST /api/v1/cli/token).

// Lifetimes of the CLI sign-in.
const (
	CLICodeTTL  = 60 * time.Second
	CLITokenTTL = 30 * 24 * time.Hour
	// CLICodePrefix starts every CLI sign-in code.
	CLICodePrefix = "sbl_"
)

// ErrBadCLICode is the one answer for a CLI code that cannot be used:
// unknown, expired, spent or presented with the wrong verifier.
var ErrBadCLICode = errors.New("the sign-in code is invalid, expired or already used")

// CLIChallengeRE is a base64url SHA-256 without padding, as in RFC 7636.
var CLIChallengeRE = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

// CLICodes holds the codes of browser sign-ins between the confirmation
// page and the CLI's exchange. They live in memory for CLICodeTTL.
// TODO(replicas): a store table, so that the exchange may reach another
// replica than the confirmation.
type CLICodes struct {
	now func() time.Time

	mu    sync.Mutex
	codes map[[sha256.Size]byte]cliCode
}

type cliCode struct {
	userID    string
	challenge string
	expires   time.Time
}

// maxCLICodes bounds the pending codes; expired ones are dropped first.
const maxCLICodes = 10000

// NewCLICodes returns an empty code table; now may be nil.
func NewCLICodes(now func() time.Time) *CLICodes {
	if now == nil {
		now = time.Now
	}
	return &CLICodes{now: now, codes: map[[sha256.Size]byte]cliCode{}}
}

// Issue returns a fresh single-use code for userID, bound to the S256
// challenge.
func (c *CLICodes) Issue(userID, challenge string) string {
	text, _ := NewSecret(CLICodePrefix)
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.codes) >= maxCLICodes {
		for k, v := range c.codes {
			if !now.Before(v.expires) {
				delete(c.codes, k)
			}
		}
		if len(c.codes) >= maxCLICodes {
			clear(c.codes)
		}
	}
	c.codes[sha256.Sum256([]byte(text))] = cliCode{userID: userID, challenge: challenge, expires: now.Add(CLICodeTTL)}
	return text
}

// Redeem spends code, right or wrong, and returns its user when it is
// live and verifier matches its challenge.
func (c *CLICodes) Redeem(code, verifier string) (string, error) {
	if !strings.HasPrefix(code, CLICodePrefix) || len(code) > 128 {
		return "", ErrBadCLICode
	}
	key := sha256.Sum256([]byte(code))
	c.mu.Lock()
	cc, ok := c.codes[key]
	delete(c.codes, key)
	c.mu.Unlock()
	if !ok || !c.now().Before(cc.expires) || !VerifyS256(verifier, cc.challenge) {
		return "", ErrBadCLICode
	}
	return cc.userID, nil
}

// VerifyS256 checks a PKCE verifier against its S256 challenge in
// constant time.
func VerifyS256(verifier, challenge string) bool {
	if len(verifier) < 43 || len(verifier) > 128 {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	got := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(got), []byte(challenge)) == 1
}

// CLITokenName is the name of the API token a CLI sign-in creates:
// "cli <hostname>", cleaned and cut to fit a token name.
func CLITokenName(hostname string) string {
	h := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return -1
		}
		return r
	}, hostname)
	if h == "" {
		h = "unknown-host"
	}
	if r := []rune(h); len(r) > 80 {
		h = string(r[:80])
	}
	return "cli " + h
}

// CreateCLIToken stores a new API token for the user of a CLI sign-in,
// named after the host and expiring after CLITokenTTL, and returns it
// with its text.
func CreateCLIToken(ctx context.Context, st store.Store, userID, hostname string, now time.Time) (store.APIToken, string, error) {
	text, hash := NewToken()
	t := store.APIToken{ID: NewID("tok"), Name: CLITokenName(hostname), UserID: userID, Hash: hash,
		Prefix: text[:8], CreatedAt: now, ExpiresAt: now.Add(CLITokenTTL)}
	if err := st.CreateAPIToken(ctx, t); err != nil {
		return t, "", err
	}
	return t, text, nil
}
