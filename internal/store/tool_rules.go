package store

import (
	"context"
	"time"
)

// ToolRule is one ordered allow or deny rule of an endpoint's tool
// policy (internal/policy/toolpolicy evaluates it).
type ToolRule struct {
	ID         string // "rul_…"
	EndpointID string
	Position   int    // 1-based order within the endpoint
	Effect     string // "allow" or "deny"
	Name       string
	Tools      []string // exposed-name globs; empty = every tool
	Condition  string   // CEL; "" = true
	Enabled    bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// ToolRules stores the tool policies of endpoints. Positions of an
// endpoint's rules are always 1..n without gaps.
type ToolRules interface {
	// AddToolRule inserts r at r.Position, moving later rules down, in one
	// transaction; a Position of 0 or past the end appends. It returns
	// the rule as stored. An unknown endpoint is ErrNotFound.
	AddToolRule(ctx context.Context, r ToolRule) (ToolRule, error)
	// GetToolRule returns rule id of endpointID, or ErrNotFound.
	GetToolRule(ctx context.Context, endpointID, id string) (ToolRule, error)
	// ListToolRules returns the rules of endpointID by position.
	ListToolRules(ctx context.Context, endpointID string) ([]ToolRule, error)
	// ListAllToolRules returns every rule, by endpoint ID then position.
	ListAllToolRules(ctx context.Context) ([]ToolRule, error)
	// UpdateToolRule changes rule id in one transaction; a new Position
	// moves it (clamped to 1..n) and renumbers the others.
	UpdateToolRule(ctx context.Context, endpointID, id string, fn func(ToolRule) (ToolRule, error)) (ToolRule, error)
	// DeleteToolRule removes rule id and closes the gap; ErrNotFound when
	// there is none.
	DeleteToolRule(ctx context.Context, endpointID, id string) error
}
