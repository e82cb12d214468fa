package upstream

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// maxCatalog bounds how many tools one server may publish.
const maxCatalog = 2000

// Sync lists the tools of s with a fresh session and stores them as its
// catalog. A tool whose definition changed is reported in Changed; the
// endpoints that enabled it see it as drifted until it is approved again.
func (p *Pool) Sync(ctx context.Context, s store.Server, now time.Time) (store.SyncResult, error) {
	return p.SyncAs(ctx, s, "", now)
}

// SyncAs is Sync with the credential of userID, for servers in personal
// credential mode ("" is the shared credential).
func (p *Pool) SyncAs(ctx context.Context, s store.Server, userID string, now time.Time) (store.SyncResult, error) {
	tools, err := p.listTools(ctx, s, userID)
	if err != nil {
		return store.SyncResult{}, err
	}
	return p.cfg.Store.SyncTools(ctx, s.ID, tools, now)
}

// ListTools fetches the catalog of s from the upstream.
func (p *Pool) ListTools(ctx context.Context, s store.Server) ([]store.Tool, error) {
	return p.listTools(ctx, s, "")
}

func (p *Pool) listTools(ctx context.Context, s store.Server, userID string) ([]store.Tool, error) {
	sess, err := p.Connect(ctx, s, userID)
	if err != nil {
		return nil, err
	}
	defer sess.Close()
	var out []store.Tool
	for t, err := range sess.Tools(ctx, nil) {
		if err != nil {
			return nil, fmt.Errorf("list tools of %s: %w", s.Name, err)
		}
		if len(out) >= maxCatalog {
			return nil, fmt.Errorf("list tools of %s: more than %d tools", s.Name, maxCatalog)
		}
		st, err := CatalogTool(s.ID, t)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

// definition is what the hash covers: everything a model reads.
type definition struct {
	Name         string `json:"name"`
	Title        string `json:"title,omitempty"`
	Description  string `json:"description,omitempty"`
	InputSchema  any    `json:"inputSchema"`
	OutputSchema any    `json:"outputSchema,omitempty"`
	Annotations  any    `json:"annotations,omitempty"`
}

// CatalogTool converts a listed tool into a catalog entry with its hash.
// encoding/json sorts map keys, so the hash does not depend on the order
// in which the upstream wrote its schema.
func CatalogTool(serverID string, t *mcp.Tool) (store.Tool, error) {
	d := definition{Name: t.Name, Title: t.Title, Description: t.Description,
		InputSchema: t.InputSchema, OutputSchema: t.OutputSchema}
	if t.Annotations != nil {
		d.Annotations = t.Annotations
	}
	def, err := json.Marshal(d)
	if err != nil {
		return store.Tool{}, fmt.Errorf("encode tool %q: %w", t.Name, err)
	}
	sum := sha256.Sum256(def)
	st := store.Tool{ServerID: serverID, Name: t.Name, Title: t.Title, Description: t.Description,
		Hash: hex.EncodeToString(sum[:])}
	if st.InputSchema, err = marshalOrNil(t.InputSchema); err != nil {
		return store.Tool{}, err
	}
	if st.InputSchema == nil {
		st.InputSchema = json.RawMessage(`{"type":"object"}`)
	}
	if st.OutputSchema, err = marshalOrNil(t.OutputSchema); err != nil {
		return store.Tool{}, err
	}
	if t.Annotations != nil {
		if st.Annotations, err = json.Marshal(t.Annotations); err != nil {
			return store.Tool{}, err
		}
	}
	return st, nil
}

func marshalOrNil(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if string(b) == "null" {
		return nil, nil
	}
	return b, nil
}
