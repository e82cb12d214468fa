package api

import (
	"encoding/json"
	"time"
)

// ToolRule is one ordered allow or deny rule of an endpoint's tool
// policy. Rules are evaluated by Position; the first that matches
// decides; when none matches the call is allowed.
type ToolRule struct {
	ID        string    `json:"id"`
	Endpoint  string    `json:"endpoint"`
	Position  int       `json:"position"`
	Effect    string    `json:"effect"` // allow or deny
	Name      string    `json:"name"`
	Tools     []string  `json:"tools"`     // exposed-name globs; empty = every tool
	Condition string    `json:"condition"` // CEL; "" = always
	Enabled   bool      `json:"enabled"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// CreateToolRuleRequest is the body of POST /api/v1/endpoints/{name}/rules.
type CreateToolRuleRequest struct {
	Effect    string   `json:"effect"`
	Name      string   `json:"name,omitempty"`
	Tools     []string `json:"tools,omitempty"`
	Condition string   `json:"condition,omitempty"`
	Position  int      `json:"position,omitempty"` // 1-based; 0 = last
	Enabled   *bool    `json:"enabled,omitempty"`  // default true
}

// UpdateToolRuleRequest is the body of PATCH
// /api/v1/endpoints/{name}/rules/{id}; absent fields are kept.
type UpdateToolRuleRequest struct {
	Effect    *string   `json:"effect,omitempty"`
	Name      *string   `json:"name,omitempty"`
	Tools     *[]string `json:"tools,omitempty"`
	Condition *string   `json:"condition,omitempty"`
	Position  *int      `json:"position,omitempty"`
	Enabled   *bool     `json:"enabled,omitempty"`
}

// DryRunRequest is the body of POST /api/v1/endpoints/{name}/rules/dry-run:
// a new rule (or RuleID, a saved one, e.g. disabled) evaluated against the
// endpoint's last Last tool calls, without changing anything.
type DryRunRequest struct {
	CreateToolRuleRequest
	RuleID string `json:"rule_id,omitempty"`
	Last   int    `json:"last,omitempty"` // default 500, at most 10000
}

// DryRunResult says what the rule would have changed.
type DryRunResult struct {
	Evaluated    int    `json:"evaluated"`     // recent calls examined
	Matched      int    `json:"matched"`       // calls the rule would have decided
	WouldDeny    int    `json:"would_deny"`    // calls the rule would have denied
	NewlyDenied  int    `json:"newly_denied"`  // of those, allowed by the current rules
	NewlyAllowed int    `json:"newly_allowed"` // calls denied now that the rule would allow
	Summary      string `json:"summary"`
	// Samples are up to 20 calls whose decision changes; only for a
	// caller who may read the audit trail.
	Samples []DryRunSample `json:"samples,omitempty"`
}

// DryRunSample is one recent call whose decision the rule changes.
type DryRunSample struct {
	Seq      int64     `json:"seq"`
	Time     time.Time `json:"time"`
	Actor    string    `json:"actor"`
	Tool     string    `json:"tool"`
	Decision string    `json:"decision"` // allow or deny, with the rule
}

// ExplainRequest is the body of POST /api/v1/policy/explain. Give User (an
// email) or ServiceAccount (a name).
type ExplainRequest struct {
	User           string          `json:"user,omitempty"`
	ServiceAccount string          `json:"service_account,omitempty"`
	Endpoint       string          `json:"endpoint"`
	Tool           string          `json:"tool"` // exposed name
	Args           json.RawMessage `json:"args,omitempty"`
}

// Explain stages.
const (
	StageConnect = "connect"
	StageTool    = "tool"
	StageRules   = "rules"
)

// ExplainResult is the decision with the step that made it.
type ExplainResult struct {
	Decision string        `json:"decision"` // allow or deny
	Reason   string        `json:"reason"`
	Steps    []ExplainStep `json:"steps"`
	Rule     *ToolRule     `json:"rule,omitempty"` // the rule that decided, if one did
}

// ExplainStep is one stage of the decision, in order; evaluation stops at
// the first deny.
type ExplainStep struct {
	Stage  string `json:"stage"`
	Allow  bool   `json:"allow"`
	Detail string `json:"detail"`
}
