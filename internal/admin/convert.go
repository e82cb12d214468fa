package admin

import (
	"time"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

func apiServer(s store.Server, tools []store.Tool, secret bool) api.Server {
	out := api.Server{
		ID: s.ID, Name: s.Name, Description: s.Description, URL: s.URL, Transport: s.Transport,
		Auth: s.AuthMethod, AuthHeader: s.AuthHeader, CredentialMode: s.CredentialMode,
		SecretConfigured: secret, SyncedAt: timePtr(s.SyncedAt), SyncError: s.SyncError,
		ToolCount: len(tools), CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt,
	}
	return out
}

func apiTool(t store.Tool) api.Tool {
	return api.Tool{Name: t.Name, Title: t.Title, Description: t.Description, InputSchema: t.InputSchema,
		OutputSchema: t.OutputSchema, Annotations: t.Annotations, Hash: t.Hash, UpdatedAt: t.UpdatedAt}
}

func apiSync(r store.SyncResult) api.SyncResult {
	return api.SyncResult{Added: nonNil(r.Added), Changed: nonNil(r.Changed), Removed: nonNil(r.Removed), Unchanged: r.Unchanged}
}

func apiToken(t store.APIToken, endpoint string) api.Token {
	return api.Token{ID: t.ID, Name: t.Name, UserID: t.UserID, Prefix: t.Prefix, Endpoint: endpoint,
		CreatedAt: t.CreatedAt, ExpiresAt: timePtr(t.ExpiresAt), RevokedAt: timePtr(t.RevokedAt)}
}

func apiUser(u store.User) api.User {
	return api.User{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, Disabled: u.Disabled, CreatedAt: u.CreatedAt}
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
