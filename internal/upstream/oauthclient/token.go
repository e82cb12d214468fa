package oauthclient

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// TokenSet is what the vault keeps for one (server, user) connection.
type TokenSet struct {
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	TokenType    string    `json:"token_type,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"` // zero = the server gave no lifetime
	Obtained     time.Time `json:"obtained,omitzero"`
	Scopes       []string  `json:"scopes,omitempty"`
}

// Marshal returns the JSON that is sealed into the credential.
func (t TokenSet) Marshal() []byte {
	b, _ := json.Marshal(t)
	return b
}

// ParseTokenSet reads what Marshal wrote.
func ParseTokenSet(b []byte) (TokenSet, error) {
	var t TokenSet
	if err := json.Unmarshal(b, &t); err != nil {
		return TokenSet{}, fmt.Errorf("token set: %w", err)
	}
	return t, nil
}

// Fresh reports whether the access token may be sent at now without a
// refresh first: it will not expire within margin, or within half its
// lifetime when that is shorter (so that short-lived tokens are not
// refreshed on every use). An expired token is never fresh.
func (t TokenSet) Fresh(now time.Time, margin time.Duration) bool {
	if t.AccessToken == "" {
		return false
	}
	if t.Expiry.IsZero() {
		return true
	}
	if life := t.Expiry.Sub(t.Obtained); !t.Obtained.IsZero() && life/2 < margin {
		margin = life / 2
	}
	return now.Add(margin).Before(t.Expiry)
}

// Client is the OAuth client configuration of one upstream server.
type Client struct {
	Metadata
	ClientID     string
	ClientSecret string
	RedirectURI  string
	Scopes       []string
	HTTP         *http.Client // nil = NewHTTPClient()
}

// NewVerifier returns a random PKCE code verifier (RFC 7636, 43 chars).
func NewVerifier() string {
	return rand.Text() + rand.Text()[:17]
}

// NewState returns a random state value.
func NewState() string { return rand.Text() }

// challenge is the S256 code challenge of verifier.
func challenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// AuthCodeURL is where the user's browser goes to approve access.
func (c Client) AuthCodeURL(state, verifier string) string {
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {c.ClientID},
		"redirect_uri":          {c.RedirectURI},
		"state":                 {state},
		"code_challenge":        {challenge(verifier)},
		"code_challenge_method": {"S256"},
	}
	if len(c.Scopes) > 0 {
		q.Set("scope", joinScopes(c.Scopes))
	}
	if c.Resource != "" {
		q.Set("resource", c.Resource)
	}
	sep := "?"
	if strings.Contains(c.AuthorizationEndpoint, "?") {
		sep = "&"
	}
	return c.AuthorizationEndpoint + sep + q.Encode()
}

// Exchange trades an authorization code for a token set.
func (c Client) Exchange(ctx context.Context, code, verifier string, now time.Time) (TokenSet, error) {
	return c.token(ctx, url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {c.RedirectURI},
		"code_verifier": {verifier},
	}, now)
}

// ErrRefreshRefused means the authorization server rejected the refresh
// token (invalid_grant and the like): the user must connect again.
var ErrRefreshRefused = errors.New("the authorization server refused the refresh token")

// Refresh gets a new token set with old's refresh token. A server that
// returns no new refresh token keeps the old one valid.
func (c Client) Refresh(ctx context.Context, old TokenSet, now time.Time) (TokenSet, error) {
	if old.RefreshToken == "" {
		return TokenSet{}, fmt.Errorf("%w: no refresh token was issued", ErrRefreshRefused)
	}
	ts, err := c.token(ctx, url.Values{
		"grant_type":    {"refresh_token"},
		"refresh_token": {old.RefreshToken},
	}, now)
	if err != nil {
		return TokenSet{}, err
	}
	if ts.RefreshToken == "" {
		ts.RefreshToken = old.RefreshToken
	}
	if len(ts.Scopes) == 0 {
		ts.Scopes = old.Scopes
	}
	return ts, nil
}

// token posts form to the token endpoint.
func (c Client) token(ctx context.Context, form url.Values, now time.Time) (TokenSet, error) {
	if c.Resource != "" {
		form.Set("resource", c.Resource)
	}
	if c.ClientSecret == "" {
		form.Set("client_id", c.ClientID)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.TokenEndpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return TokenSet{}, fmt.Errorf("token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if c.ClientSecret != "" {
		req.SetBasicAuth(url.QueryEscape(c.ClientID), url.QueryEscape(c.ClientSecret))
	}
	hc := c.HTTP
	if hc == nil {
		hc = NewHTTPClient()
	}
	resp, err := hc.Do(req)
	if err != nil {
		return TokenSet{}, fmt.Errorf("token endpoint %s: %w", c.TokenEndpoint, err)
	}
	defer resp.Body.Close()
	return parseToken(resp, c.TokenEndpoint, now)
}

func parseToken(resp *http.Response, endpoint string, now time.Time) (TokenSet, error) {
	var out struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		TokenType    string `json:"token_type"`
		ExpiresIn    int64  `json:"expires_in"`
		Scope        string `json:"scope"`
		Error        string `json:"error"`
	}
	derr := decode(resp.Body, &out)
	if resp.StatusCode != http.StatusOK {
		if out.Error == "invalid_grant" || out.Error == "invalid_client" || out.Error == "unauthorized_client" {
			return TokenSet{}, fmt.Errorf("%w (%s)", ErrRefreshRefused, out.Error)
		}
		if out.Error != "" {
			return TokenSet{}, fmt.Errorf("token endpoint %s: %s (HTTP %d)", endpoint, out.Error, resp.StatusCode)
		}
		return TokenSet{}, fmt.Errorf("token endpoint %s: HTTP %d", endpoint, resp.StatusCode)
	}
	if derr != nil {
		return TokenSet{}, fmt.Errorf("token endpoint %s: %w", endpoint, derr)
	}
	if out.AccessToken == "" {
		return TokenSet{}, fmt.Errorf("token endpoint %s returned no access_token", endpoint)
	}
	if out.TokenType != "" && !strings.EqualFold(out.TokenType, "bearer") {
		return TokenSet{}, fmt.Errorf("token endpoint %s returned token type %q, want Bearer", endpoint, out.TokenType)
	}
	ts := TokenSet{AccessToken: out.AccessToken, RefreshToken: out.RefreshToken, TokenType: "Bearer", Obtained: now, Scopes: strings.Fields(out.Scope)}
	if out.ExpiresIn > 0 {
		ts.Expiry = now.Add(time.Duration(out.ExpiresIn) * time.Second)
	}
	return ts, nil
}

func joinScopes(s []string) string { return strings.Join(s, " ") }
