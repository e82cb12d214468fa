package redact

import (
	"encoding/base64"
	"strings"
	"testing"
)

// jwtWith builds a token whose header is the given JSON.
func jwtWith(header string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(header)) + "." + enc([]byte(`{"sub":"1234567890"}`)) + ".c2lnbmF0dXJl"
}

func TestTokens(t *testing.T) {
	gh := strings.Repeat("a1B2", 9) // 36 characters
	runCases(t, secretsOnly, []redactCase{
		{"aws akia", "key AKIAIOSFODNN7EXAMPLE,", "key [REDACTED_AWS_ACCESS_KEY],"},
		{"aws asia", `"ASIAY34FZKBOKMUTVV7A"`, `"[REDACTED_AWS_ACCESS_KEY]"`},
		{"aws too short", "AKIAIOSFODNN7EXAMPL", "AKIAIOSFODNN7EXAMPL"},
		{"aws too long", "AKIAIOSFODNN7EXAMPLEX", "AKIAIOSFODNN7EXAMPLEX"},
		{"aws glued", "xAKIAIOSFODNN7EXAMPLE", "xAKIAIOSFODNN7EXAMPLE"},
		{"aws lower case body", "AKIAiosfodnn7example", "AKIAiosfodnn7example"},
		{"github classic", "ghp_" + gh + ".", "[REDACTED_GITHUB_TOKEN]."},
		{"github oauth", "gho_" + gh, "[REDACTED_GITHUB_TOKEN]"},
		{"github user server refresh", "ghu_" + gh + " ghs_" + gh + " ghr_" + gh, "[REDACTED_GITHUB_TOKEN] [REDACTED_GITHUB_TOKEN] [REDACTED_GITHUB_TOKEN]"},
		{"github fine grained", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVW", "[REDACTED_GITHUB_TOKEN]"},
		{"github short", "ghp_abc", "ghp_abc"},
		{"github unknown variant", "ghx_" + gh, "ghx_" + gh},
		{"github in a word", "xghp_" + gh, "xghp_" + gh},
		{"gitlab", "glpat-abcdefghij0123456789", "[REDACTED_GITLAB_TOKEN]"},
		{"gitlab short", "glpat-abc", "glpat-abc"},
		{"slack bot", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "[REDACTED_SLACK_TOKEN]"},
		{"slack user", "xoxp-1234567890-abc", "[REDACTED_SLACK_TOKEN]"},
		{"slack unknown variant", "xoxz-1234567890-abc", "xoxz-1234567890-abc"},
		{"slack short", "xoxb-123", "xoxb-123"},
	})
}

func TestJWT(t *testing.T) {
	good := jwtWith(`{"alg":"HS256","typ":"JWT"}`)
	unsigned := strings.TrimSuffix(jwtWith(`{"alg":"none"}`), "c2lnbmF0dXJl")
	runCases(t, secretsOnly, []redactCase{
		{"signed", "Bearer " + good + " ok", "Bearer [REDACTED_JWT] ok"},
		{"unsigned", unsigned + " ok", "[REDACTED_JWT] ok"},
		{"well-known example", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c", "[REDACTED_JWT]"},
		{"no alg", jwtWith(`{"typ":"JWT"}`), jwtWith(`{"typ":"JWT"}`)},
		{"header not json", "eyJub3QganNvbg.eyJhIjoxfQ.c2ln", "eyJub3QganNvbg.eyJhIjoxfQ.c2ln"},
		{"two segments", "eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ", "eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ"},
		{"glued", "x" + good, "x" + good},
	})
}

func TestPrivateKey(t *testing.T) {
	const body = "MIIEowIBAAKCAQEA7b2x\nY3JldCBrZXkgbWF0ZXJpYWw=\n"
	runCases(t, secretsOnly, []redactCase{
		{"rsa", "key:\n-----BEGIN RSA PRIVATE KEY-----\n" + body + "-----END RSA PRIVATE KEY-----\ndone", "key:\n[REDACTED_PRIVATE_KEY]\ndone"},
		{"pkcs8", "-----BEGIN PRIVATE KEY-----\n" + body + "-----END PRIVATE KEY-----", "[REDACTED_PRIVATE_KEY]"},
		{"openssh", "-----BEGIN OPENSSH PRIVATE KEY-----\n" + body + "-----END OPENSSH PRIVATE KEY-----", "[REDACTED_PRIVATE_KEY]"},
		{"encrypted", "-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + body + "-----END ENCRYPTED PRIVATE KEY-----", "[REDACTED_PRIVATE_KEY]"},
		{"truncated runs to the end", "-----BEGIN EC PRIVATE KEY-----\n" + body + "…(truncated)", "[REDACTED_PRIVATE_KEY]"},
		{"certificate", "-----BEGIN CERTIFICATE-----\n" + body + "-----END CERTIFICATE-----", "-----BEGIN CERTIFICATE-----\n" + body + "-----END CERTIFICATE-----"},
		{"public key", "-----BEGIN PUBLIC KEY-----\n" + body + "-----END PUBLIC KEY-----", "-----BEGIN PUBLIC KEY-----\n" + body + "-----END PUBLIC KEY-----"},
		{"two keys", "-----BEGIN PRIVATE KEY-----\nA\n-----END PRIVATE KEY----- and -----BEGIN PRIVATE KEY-----\nB\n-----END PRIVATE KEY-----", "[REDACTED_PRIVATE_KEY] and [REDACTED_PRIVATE_KEY]"},
	})
}
