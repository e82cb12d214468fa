package redact

import (
	"encoding/base64"
	"encoding/json"
	"strings"
)

// Kinds of the secrets group.
const (
	KindAWSAccessKey = "AWS_ACCESS_KEY"
	KindGitHubToken  = "GITHUB_TOKEN"
	KindGitLabToken  = "GITLAB_TOKEN"
	KindSlackToken   = "SLACK_TOKEN"
	KindJWT          = "JWT"
	KindPrivateKey   = "PRIVATE_KEY"
	KindSecret       = "SECRET"
)

// secretDetectors are the "secrets" group, most specific first: on a tie
// the earlier detector names the finding, so "token=eyJ…" is a JWT.
var secretDetectors = []detector{
	{kind: KindPrivateKey, need: clsDash | clsUpper, minLen: 30, find: findPrivateKeys},
	{kind: KindJWT, need: clsDot | clsLower | clsUpper, minLen: 16, find: findJWTs},
	{kind: KindAWSAccessKey, need: clsUpper, minLen: 20, find: tokenFinder(KindAWSAccessKey, awsShapes)},
	{kind: KindGitHubToken, need: clsUnder | clsLower, minLen: 26, find: tokenFinder(KindGitHubToken, githubShapes)},
	{kind: KindGitLabToken, need: clsDash | clsLower, minLen: 26, find: tokenFinder(KindGitLabToken, gitlabShapes)},
	{kind: KindSlackToken, need: clsDash | clsLower, minLen: 15, find: tokenFinder(KindSlackToken, slackShapes)},
	{kind: KindSecret, needAny: clsColon | clsEq, minLen: 3, find: findKeyValues},
}

// tokenShape is a credential format with a fixed prefix: lit, then one of
// variant's bytes if variant is set, then sep, then a body of min..max
// bytes accepted by body.
type tokenShape struct {
	lit, variant, sep string
	body              func(byte) bool
	min, max          int
}

func isUpperOrDigit(c byte) bool { return isUpper(c) || isDigit(c) }
func isAlnumDash(c byte) bool    { return isAlnum(c) || c == '-' }
func isGitLabBody(c byte) bool   { return isB64URL(c) || c == '.' }

var (
	awsShapes = []tokenShape{
		{lit: "AKIA", body: isUpperOrDigit, min: 16, max: 16},
		{lit: "ASIA", body: isUpperOrDigit, min: 16, max: 16},
	}
	githubShapes = []tokenShape{
		{lit: "gh", variant: "pousr", sep: "_", body: isAlnum, min: 30, max: 255},
		{lit: "github_pat_", body: isWord, min: 22, max: 255},
	}
	gitlabShapes = []tokenShape{{lit: "glpat-", body: isGitLabBody, min: 20, max: 255}}
	slackShapes  = []tokenShape{{lit: "xox", variant: "abposr", sep: "-", body: isAlnumDash, min: 10, max: 255}}
)

// tokenFinder finds tokens of any of shapes, reporting them as kind.
func tokenFinder(kind string, shapes []tokenShape) func(string, []span) []span {
	return func(s string, dst []span) []span {
		for i := range shapes {
			sh := &shapes[i]
			for from := 0; ; {
				j := strings.Index(s[from:], sh.lit)
				if j < 0 {
					break
				}
				start := from + j
				end, ok := sh.match(s, start)
				if ok {
					dst = append(dst, span{start, end, kind})
				}
				from = max(end, start+1)
			}
		}
		return dst
	}
}

// match reports whether a token of this shape starts at s[i] (where lit
// was found) and where it, or the examined text, ends.
func (sh *tokenShape) match(s string, i int) (int, bool) {
	if i > 0 && isB64URL(s[i-1]) {
		return i + len(sh.lit), false
	}
	j := i + len(sh.lit)
	if sh.variant != "" {
		if j >= len(s) || strings.IndexByte(sh.variant, s[j]) < 0 {
			return j, false
		}
		j++
	}
	if !strings.HasPrefix(s[j:], sh.sep) {
		return j, false
	}
	j += len(sh.sep)
	b := j
	for j < len(s) && sh.body(s[j]) {
		j++
	}
	for j > b && (s[j-1] == '.' || s[j-1] == '-') {
		j-- // trailing punctuation ends a sentence, not a token
	}
	n := j - b
	return j, n >= sh.min && n <= sh.max && !wordAt(s, j)
}

// findJWTs finds three base64url segments joined by dots whose first
// decodes to a JSON object with an "alg" member. The signature may be
// empty (alg "none").
func findJWTs(s string, dst []span) []span {
	for from := 0; ; {
		j := strings.Index(s[from:], "eyJ")
		if j < 0 {
			return dst
		}
		start := from + j
		end, ok := matchJWT(s, start)
		if ok {
			dst = append(dst, span{start, end, KindJWT})
		}
		from = max(end, start+1)
	}
}

func matchJWT(s string, i int) (int, bool) {
	if i > 0 && isB64URL(s[i-1]) {
		return i + 3, false
	}
	h := b64Run(s, i)
	if h >= len(s) || s[h] != '.' {
		return h, false
	}
	p := b64Run(s, h+1)
	if p == h+1 || p >= len(s) || s[p] != '.' {
		return p, false
	}
	end := b64Run(s, p+1)
	return end, jwtHeader(s[i:h])
}

func b64Run(s string, i int) int {
	for i < len(s) && isB64URL(s[i]) {
		i++
	}
	return i
}

// jwtHeader reports whether seg is a base64url JSON object with "alg".
func jwtHeader(seg string) bool {
	if len(seg) > 4096 {
		return false
	}
	raw, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return false
	}
	var h map[string]json.RawMessage
	if json.Unmarshal(raw, &h) != nil {
		return false
	}
	_, ok := h["alg"]
	return ok
}

// findPrivateKeys finds PEM blocks whose label ends in "PRIVATE KEY". A
// block without its END line (truncated output) runs to the end of s.
func findPrivateKeys(s string, dst []span) []span {
	const begin = "-----BEGIN "
	for from := 0; ; {
		j := strings.Index(s[from:], begin)
		if j < 0 {
			return dst
		}
		start := from + j
		labelEnd := start + len(begin)
		k := strings.Index(s[labelEnd:], "-----")
		if k < 0 {
			return dst
		}
		label := s[labelEnd : labelEnd+k]
		from = labelEnd + k + 5
		if len(label) > 64 || !strings.HasSuffix(label, "PRIVATE KEY") || strings.ContainsAny(label, "\r\n") {
			continue
		}
		end := len(s)
		footer := "-----END " + label + "-----"
		if e := strings.Index(s[from:], footer); e >= 0 {
			end = from + e + len(footer)
		}
		dst = append(dst, span{start, end, KindPrivateKey})
		from = end
	}
}
