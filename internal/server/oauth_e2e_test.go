package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
	"golang.org/x/oauth2"

	"github.com/switchboard-mcp/switchboard/internal/audit"
)

// swappable is the token source the MCP transport reads: the test swaps
// in refreshed tokens.
type swappable struct {
	mu  sync.Mutex
	tok *oauth2.Token
}

func (s *swappable) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tok, nil
}

func (s *swappable) set(t *oauth2.Token) {
	s.mu.Lock()
	s.tok = t
	s.mu.Unlock()
}

// TestOAuthEndToEnd connects the go-sdk MCP client, with its own OAuth
// support, to /mcp/alpha: from the first 401 it discovers the resource and
// the authorization server, registers dynamically, sends the browser
// through sign-in and consent, exchanges the code with PKCE, calls a tool
// through the gateway to a real upstream, refreshes (rotating the refresh
// token), revokes, and the next call is refused.
func TestOAuthEndToEnd(t *testing.T) {
	e := newAuthEnv(t)
	ctx := t.Context()
	var (
		cfgSeen   *oauth2.Config
		tokens    = &swappable{}
		fetches   atomic.Int32
		firstTok  *oauth2.Token
		authorize = func(ctx context.Context, args *auth.AuthorizationArgs) (*auth.AuthorizationResult, error) {
			if fetches.Add(1) > 1 {
				return nil, errAgain
			}
			back := newBrowser(t, e).authorize(t, args.URL, "approve")
			q := back.Query()
			return &auth.AuthorizationResult{Code: q.Get("code"), State: q.Get("state"), Iss: q.Get("iss")}, nil
		}
	)
	handler, err := auth.NewAuthorizationCodeHandler(&auth.AuthorizationCodeHandlerConfig{
		DynamicClientRegistrationConfig: &auth.DynamicClientRegistrationConfig{Metadata: &oauthex.ClientRegistrationMetadata{
			RedirectURIs: []string{"http://127.0.0.1:9/callback"}, ClientName: "go-sdk e2e",
			TokenEndpointAuthMethod: "none", GrantTypes: []string{"authorization_code", "refresh_token"},
		}},
		AuthorizationCodeFetcher: authorize,
		NewTokenSource: func(_ context.Context, cfg *oauth2.Config, tok *oauth2.Token) (oauth2.TokenSource, error) {
			cfgSeen, firstTok = cfg, tok
			tokens.set(tok)
			return tokens, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	client := mcp.NewClient(&mcp.Implementation{Name: "e2e", Version: "1"}, nil)
	session, err := client.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: e.resource("alpha"), OAuthHandler: handler}, nil)
	if err != nil {
		t.Fatalf("connect through OAuth: %v", err)
	}
	defer session.Close()
	callEcho(t, session, "hello")
	if !strings.HasPrefix(firstTok.AccessToken, "sba_") || !strings.HasPrefix(firstTok.RefreshToken, "sbr_") {
		t.Fatalf("tokens are not Switchboard's opaque prefixed tokens: %q %q", firstTok.AccessToken[:4], firstTok.RefreshToken[:4])
	}

	// Refresh with x/oauth2 as the SDK would once the token expires; the
	// session continues on the new access token.
	next, err := cfgSeen.TokenSource(ctx, &oauth2.Token{RefreshToken: firstTok.RefreshToken}).Token()
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if next.RefreshToken == firstTok.RefreshToken || next.AccessToken == firstTok.AccessToken {
		t.Fatal("refresh did not rotate the tokens")
	}
	tokens.set(next)
	callEcho(t, session, "after refresh")

	// Revoke the refresh token (RFC 7009): the grant ends, and with it the
	// access token, on the very next request.
	status, _ := e.post(t, "/oauth/revoke", url.Values{"token": {next.RefreshToken}, "client_id": {cfgSeen.ClientID}}, nil)
	if status != http.StatusOK {
		t.Fatalf("revoke: %d", status)
	}
	if code, challenge := e.mcpStatus(t, "alpha", next.AccessToken); code != http.StatusUnauthorized ||
		!strings.Contains(challenge, `resource_metadata="`+e.url+`/.well-known/oauth-protected-resource/mcp/alpha"`) {
		t.Errorf("after revocation: %d %q, want 401 with resource metadata", code, challenge)
	}
	if _, err := session.CallTool(ctx, &mcp.CallToolParams{Name: "up__echo", Arguments: map[string]any{"text": "x"}}); err == nil {
		t.Error("a tool call succeeded after revocation")
	}
	for _, code := range []string{audit.CodeClientRegistered, audit.CodeLoginOK, audit.CodeConsentGiven,
		audit.CodeTokenIssued, audit.CodeTokenRefreshed, audit.CodeOAuthRevoked} {
		e.wantEvent(t, code)
	}
	e.wantEvent(t, audit.CodeToolCall, "after refresh")
}

func callEcho(t *testing.T, s *mcp.ClientSession, text string) {
	t.Helper()
	res, err := s.CallTool(t.Context(), &mcp.CallToolParams{Name: "up__echo", Arguments: map[string]any{"text": text}})
	if err != nil {
		t.Fatalf("tools/call: %v", err)
	}
	if tc, ok := res.Content[0].(*mcp.TextContent); !ok || tc.Text != "echo: "+text || res.IsError {
		t.Fatalf("tools/call result = %+v", res.Content)
	}
}
