package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document,
// MCP authorization 2025-11-25): a client_id that is an https URL names a
// JSON document of client metadata at that URL. We fetch it through the
// SSRF guard, validate it, keep it briefly and store the client (source
// cimd, public, PKCE only) so that codes and grants can refer to it.

// Limits of CIMD.
const (
	cimdCacheTTL   = 5 * time.Minute
	maxCIMDURLLen  = 2000
	maxCIMDEntries = 1000
)

// isCIMDClientID reports whether id is a client ID metadata document URL:
// https, a host, a path other than "/", no fragment, no credentials and
// no dot segments.
func isCIMDClientID(id string) bool {
	if !strings.HasPrefix(id, "https://") || len(id) > maxCIMDURLLen {
		return false
	}
	u, err := url.Parse(id)
	if err != nil || u.Host == "" || u.User != nil || u.Fragment != "" || strings.Contains(id, "#") ||
		u.Path == "" || u.Path == "/" {
		return false
	}
	for _, seg := range strings.Split(u.Path, "/") {
		if seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

// cimdFetcher fetches and caches client ID metadata documents.
type cimdFetcher struct {
	guard     *ssrfGuard
	client    *http.Client
	transport *http.Transport // tests trust their TLS server through it
	now       func() time.Time

	mu    sync.Mutex
	cache map[string]cimdEntry
}

type cimdEntry struct {
	client  store.OAuthClient
	expires time.Time
}

func newCIMDFetcher(now func() time.Time) *cimdFetcher {
	g := &ssrfGuard{}
	c, tr := newFetchClient(g)
	return &cimdFetcher{guard: g, client: c, transport: tr, now: now, cache: map[string]cimdEntry{}}
}

func (f *cimdFetcher) cached(id string) (store.OAuthClient, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := f.cache[id]
	if !ok || !f.now().Before(e.expires) {
		return store.OAuthClient{}, false
	}
	return e.client, true
}

func (f *cimdFetcher) remember(c store.OAuthClient) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.cache) >= maxCIMDEntries {
		clear(f.cache)
	}
	f.cache[c.ID] = cimdEntry{client: c, expires: f.now().Add(cimdCacheTTL)}
}

// fetch GETs the document at id and parses it.
func (f *cimdFetcher) fetch(ctx context.Context, id string) (clientMetadata, error) {
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, id, nil)
	if err != nil {
		return clientMetadata{}, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "switchboard-oauth")
	resp, err := f.client.Do(req)
	if err != nil {
		return clientMetadata{}, fmt.Errorf("fetch: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return clientMetadata{}, fmt.Errorf("fetch: status %d", resp.StatusCode)
	}
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err != nil ||
		(mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return clientMetadata{}, fmt.Errorf("fetch: content type %q", resp.Header.Get("Content-Type"))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxFetchBytes+1))
	if err != nil {
		return clientMetadata{}, fmt.Errorf("fetch: %w", err)
	}
	if len(body) > maxFetchBytes {
		return clientMetadata{}, errors.New("fetch: document larger than 64 KiB")
	}
	return parseCIMD(id, body)
}

// parseCIMD validates a client ID metadata document: client_id must be
// the URL it came from, redirect_uris are required, and the client is
// public (token_endpoint_auth_method none).
func parseCIMD(id string, body []byte) (clientMetadata, error) {
	var doc struct {
		ClientID string `json:"client_id"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return clientMetadata{}, errors.New("document is not a JSON object")
	}
	if doc.ClientID != id {
		return clientMetadata{}, errors.New("document's client_id is not its URL")
	}
	// Unlike RFC 7591, a document without grant_types means both of ours:
	// these are public clients that refresh.
	if !bytes.Contains(body, []byte(`"grant_types"`)) {
		var raw map[string]json.RawMessage
		if json.Unmarshal(body, &raw) == nil {
			raw["grant_types"] = json.RawMessage(`["authorization_code","refresh_token"]`)
			body, _ = json.Marshal(raw)
		}
	}
	m, oerr := parseClientMetadata(body)
	if oerr != nil {
		return m, errors.New("document: " + oerr.Description)
	}
	if m.TokenEndpointAuthMethod == store.ClientAuthBasic && !bytes.Contains(body, []byte(`"token_endpoint_auth_method"`)) {
		m.TokenEndpointAuthMethod = store.ClientAuthNone
	}
	if m.TokenEndpointAuthMethod != store.ClientAuthNone {
		return m, errors.New(`document: token_endpoint_auth_method must be "none"`)
	}
	return m, nil
}

// cimdClient resolves a client ID metadata document URL to a stored
// client: from the cache, or fetched, validated and saved (created the
// first time, updated when the document changed).
func (s *Server) cimdClient(ctx context.Context, id string) (store.OAuthClient, error) {
	if c, ok := s.cimd.cached(id); ok {
		return c, nil
	}
	m, err := s.cimd.fetch(ctx, id)
	if err != nil {
		return store.OAuthClient{}, oauthErr(errInvalidRequest,
			"the client's metadata document (client_id URL) could not be fetched or is invalid", "cimd "+id+": "+err.Error())
	}
	now := s.cfg.Now().UTC()
	meta, _ := json.Marshal(m)
	want := store.OAuthClient{ID: id, Name: m.ClientName, RedirectURIs: m.RedirectURIs, AuthMethod: store.ClientAuthNone,
		GrantTypes: m.GrantTypes, Metadata: meta, Source: store.ClientSourceCIMD, CreatedAt: now, LastUsedAt: now}
	c, err := s.cfg.Store.GetOAuthClient(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if err := s.cfg.Store.CreateOAuthClient(ctx, want); err != nil && !errors.Is(err, store.ErrConflict) {
			return c, err
		}
		c = want
		err = s.record(ctx, nil, event{code: audit.CodeClientRegistered, clientID: id,
			detail: map[string]any{"client_name": c.Name, "redirect_uris": c.RedirectURIs, "source": store.ClientSourceCIMD}})
	case err != nil:
		return c, err
	case c.Source != store.ClientSourceCIMD:
		return c, oauthErr(errInvalidRequest, "client_id is taken by another client", "cimd "+id+": source "+c.Source)
	case !bytes.Equal(c.Metadata, meta) || !slices.Equal(c.RedirectURIs, m.RedirectURIs):
		c, err = s.cfg.Store.UpdateOAuthClient(ctx, id, func(old store.OAuthClient) (store.OAuthClient, error) {
			want.LastUsedAt = old.LastUsedAt
			return want, nil
		})
	}
	if err != nil {
		return c, err
	}
	s.cimd.remember(c)
	return c, nil
}
