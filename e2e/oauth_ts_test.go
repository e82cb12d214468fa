package e2e

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/audit"
)

// tsReport is what testdata/npm/ts-client.mjs prints.
type tsReport struct {
	OK              bool              `json:"ok"`
	Error           string            `json:"error"`
	RedirectURL     string            `json:"redirectUrl"`
	Authorizations  int               `json:"authorizations"`
	AuthorizeParams map[string]string `json:"authorizeParams"`
	LoginShown      bool              `json:"loginShown"`
	Consent         struct {
		Status          int      `json:"status"`
		CSP             string   `json:"csp"`
		DefaultDuration string   `json:"defaultDuration"`
		Durations       []string `json:"durations"`
		Body            string   `json:"body"`
	} `json:"consent"`
	Callback struct {
		StateMatches bool   `json:"stateMatches"`
		Iss          string `json:"iss"`
	} `json:"callback"`
	ClientID      string    `json:"clientId"`
	TokenPrefixes [2]string `json:"tokenPrefixes"`
	TokenType     string    `json:"tokenType"`
	ExpiresIn     int       `json:"expiresIn"`
	ServerInfo    struct {
		Name string `json:"name"`
	} `json:"serverInfo"`
	Tools            []string `json:"tools"`
	Call             tsCall   `json:"call"`
	RefreshResult    string   `json:"refreshResult"`
	Rotated          bool     `json:"rotated"`
	CallAfterRefresh tsCall   `json:"callAfterRefresh"`
	RevokeStatus     int      `json:"revokeStatus"`
	AfterRevoke      struct {
		Refused      bool   `json:"refused"`
		Unauthorized bool   `json:"unauthorized"`
		Error        string `json:"error"`
	} `json:"afterRevoke"`
	ReauthorizationRequested bool     `json:"reauthorizationRequested"`
	Invalidated              []string `json:"invalidated"`
}

type tsCall struct {
	IsError bool   `json:"isError"`
	Text    string `json:"text"`
}

// TestOAuthTypeScriptSDK connects the official TypeScript MCP SDK client
// (@modelcontextprotocol/sdk, pinned in testdata/npm) to a real
// `switchboard serve` through the SDK's OAuthClientProvider interface:
// the SDK discovers from the 401, registers dynamically and builds the
// PKCE authorization request; the script's provider signs in and approves
// 7 days by HTTP, the code lands on a real loopback redirect, finishAuth
// exchanges it, and the client lists tools and calls echo through the
// gateway to a go-sdk upstream. It then refreshes through the SDK, calls
// again, revokes the refresh token, and the next call is refused with the
// SDK asking for a new authorization.
func TestOAuthTypeScriptSDK(t *testing.T) {
	node, script := requireNodeScript(t, "ts-client.mjs", "@modelcontextprotocol/sdk")
	o := startOAuthGateway(t)
	start := time.Now()

	var r tsReport
	stderr, err := runNode(t, 90*time.Second, node, script,
		[]string{"SB_EMAIL=" + adminEmail, "SB_PASSWORD=" + oauthPassword, "SB_TOOL=" + oauthTool, "SB_DURATION=7"},
		&r, o.mcpURL())
	t.Logf("ts-client stderr:\n%s", stderr)
	t.Logf("ts-client report (consent body elided): %+v", func() tsReport { c := r; c.Consent.Body = "…"; return c }())
	if err != nil || !r.OK {
		t.Fatalf("ts-client failed: %v\n%s\nstderr:\n%s", err, r.Error, stderr)
	}

	// Discovery, registration and the authorization request, as the SDK made them.
	wantParams := map[string]string{
		"response_type": "code", "client_id": r.ClientID, "redirect_uri": r.RedirectURL,
		"code_challenge_method": "S256", "resource": o.mcpURL(),
	}
	for k, want := range wantParams {
		if got := r.AuthorizeParams[k]; got != want {
			t.Errorf("authorization request %s = %q, want %q (all: %v)", k, got, want, r.AuthorizeParams)
		}
	}
	if r.ClientID == "" {
		t.Error("the SDK did not register a client")
	}
	if !r.LoginShown {
		t.Error("the authorization request did not send the signed-out user to sign in")
	}

	// The consent page the user saw.
	body := r.Consent.Body
	for _, want := range []string{"TypeScript SDK e2e", "127.0.0.1", o.mcpURL(), ">" + oauthServer + "<", adminEmail} {
		if !strings.Contains(body, want) {
			t.Errorf("the consent page does not show %q", want)
		}
	}
	if r.Consent.DefaultDuration != "30" || !slices.Equal(r.Consent.Durations, []string{"1", "7", "30", "90"}) {
		t.Errorf("consent durations %v, default %q; want 1 7 30 90 with 30 preselected", r.Consent.Durations, r.Consent.DefaultDuration)
	}
	if redirect, _ := url.Parse(r.RedirectURL); !strings.Contains(r.Consent.CSP, "form-action 'self' http://"+redirect.Host) {
		t.Errorf("consent CSP %q does not allow the form to redirect to %s", r.Consent.CSP, redirect.Host)
	}
	if !r.Callback.StateMatches || r.Callback.Iss != o.gw.url() {
		t.Errorf("redirect back: state matches %v, iss %q; want the client's state and iss %q (RFC 9207)",
			r.Callback.StateMatches, r.Callback.Iss, o.gw.url())
	}

	// Tokens and MCP through the gateway.
	if r.TokenPrefixes != [2]string{"sba_", "sbr_"} || !strings.EqualFold(r.TokenType, "bearer") {
		t.Errorf("tokens: prefixes %v type %q, want sba_/sbr_ bearer", r.TokenPrefixes, r.TokenType)
	}
	if r.ExpiresIn <= 0 || r.ExpiresIn > 3600 {
		t.Errorf("expires_in = %d, want a short-lived access token (≤ 1 h)", r.ExpiresIn)
	}
	if r.ServerInfo.Name != "switchboard/"+oauthEndpoint {
		t.Errorf("serverInfo.name = %q, want switchboard/%s", r.ServerInfo.Name, oauthEndpoint)
	}
	if !slices.Equal(r.Tools, []string{oauthTool}) {
		t.Errorf("tools/list = %v, want only %s", r.Tools, oauthTool)
	}
	if r.Call.IsError || !strings.Contains(r.Call.Text, `"echo":"hello from typescript"`) {
		t.Errorf("tools/call %s = %+v, want the upstream's echo", oauthTool, r.Call)
	}
	if n := o.up.echoCalls.Load(); n < 2 {
		t.Errorf("the upstream saw %d echo calls, want 2", n)
	}

	// Refresh, rotation, revocation.
	if r.RefreshResult != "AUTHORIZED" || !r.Rotated {
		t.Errorf("refresh through the SDK: %q, rotated %v; want AUTHORIZED and new tokens", r.RefreshResult, r.Rotated)
	}
	if r.CallAfterRefresh.IsError || !strings.Contains(r.CallAfterRefresh.Text, `"echo":"after refresh"`) {
		t.Errorf("tools/call after refresh = %+v", r.CallAfterRefresh)
	}
	if r.RevokeStatus != 200 {
		t.Errorf("revoke: HTTP %d, want 200", r.RevokeStatus)
	}
	if !r.AfterRevoke.Refused || !r.AfterRevoke.Unauthorized || !r.ReauthorizationRequested || r.Authorizations != 2 {
		t.Errorf("after revocation: %+v, reauthorization requested %v (%d authorizations); want an UnauthorizedError and a new authorization",
			r.AfterRevoke, r.ReauthorizationRequested, r.Authorizations)
	}

	// The SDK tried the revoked refresh token, got invalid_grant (RFC 6749),
	// and dropped its tokens.
	if !slices.Equal(r.Invalidated, []string{"tokens"}) {
		t.Errorf("the SDK invalidated %q after revocation, want [tokens] (its answer to invalid_grant)", r.Invalidated)
	}

	// The grant, as the admin sees it: 7 days, as chosen, and revoked.
	var found bool
	for _, g := range o.grants(t) {
		if g.ClientID != r.ClientID {
			continue
		}
		found = true
		if g.Endpoint != oauthEndpoint || g.ClientName != "TypeScript SDK e2e" || g.UserEmail != adminEmail {
			t.Errorf("grant %+v: want endpoint %s, client TypeScript SDK e2e, user %s", g, oauthEndpoint, adminEmail)
		}
		if d := g.ExpiresAt.Sub(g.CreatedAt); d < 7*24*time.Hour-time.Minute || d > 7*24*time.Hour+time.Minute {
			t.Errorf("grant lasts %v, want the 7 days chosen on the consent page", d)
		}
		if g.Status != "revoked" {
			t.Errorf("grant status %q after revocation, want revoked", g.Status)
		}
	}
	if !found {
		t.Errorf("grant list --all has no grant for client %s", r.ClientID)
	}

	// Every step is audited.
	for _, code := range []string{audit.CodeClientRegistered, audit.CodeLoginOK, audit.CodeConsentGiven,
		audit.CodeTokenIssued, audit.CodeTokenRefreshed, audit.CodeOAuthRevoked, audit.CodeTokenRejected, audit.CodeTokenFailed} {
		o.wantAudit(t, code)
	}
	calls := o.auditEvents(t, audit.CodeToolCall)
	if len(calls) < 2 || calls[0].ActorEmail != adminEmail || calls[0].Endpoint != oauthEndpoint {
		t.Errorf("tool call audit events = %d, newest %+v; want two by %s on %s", len(calls), first(calls), adminEmail, oauthEndpoint)
	}
	t.Logf("TypeScript SDK OAuth flow against the gateway took %v", time.Since(start).Round(time.Millisecond))
}

func first[T any](s []T) (z T) {
	if len(s) > 0 {
		return s[0]
	}
	return z
}
