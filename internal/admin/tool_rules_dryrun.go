package admin

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/policy"
	"github.com/switchboard-mcp/switchboard/internal/policy/toolpolicy"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/toolname"
)

// ruleDenialPrefix starts the Error of a call a tool rule denied
// (gateway/policy.go).
const ruleDenialPrefix = "denied by rule "

// Dry-run bounds.
const (
	defaultDryRunLast = 500
	maxDryRunLast     = 10000
	maxDryRunSamples  = 20
)

// dryRunToolRule serves POST /api/v1/endpoints/{name}/rules/dry-run: the
// endpoint's rules with the candidate added (or a saved rule enabled) are
// replayed over its last N tool calls from the audit trail, against the
// callers' current roles and groups. Nothing is saved. Samples name
// callers, so only a principal who may read the audit trail gets them.
func (a *API) dryRunToolRule(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	ctx := r.Context()
	ep, err := a.endpoint(ctx, r.PathValue("name"))
	if err != nil {
		return err
	}
	var req api.DryRunRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if req.Last < 0 || req.Last > maxDryRunLast {
		return invalid("last", "must be between 1 and %d (0 = %d)", maxDryRunLast, defaultDryRunLast)
	}
	if req.Last == 0 {
		req.Last = defaultDryRunLast
	}
	current, err := a.cfg.Store.ListToolRules(ctx, ep.ID)
	if err != nil {
		return err
	}
	cand, proposed, err := a.proposedRules(ctx, ep, req, current)
	if err != nil {
		return err
	}
	before, _ := toolpolicy.Compile(current)
	after, err := toolpolicy.Compile(proposed)
	if err != nil {
		return err
	}
	evs, err := a.recentCalls(ctx, ep.Name, req.Last)
	if err != nil {
		return err
	}
	res, err := a.replay(ctx, ep, cand, before, after, evs)
	if err != nil {
		return err
	}
	if policy.Authorize(p, policy.AuditRead, "") != nil {
		res.Samples = nil
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// recentCalls returns the last n tool calls of the endpoint, newest first:
// the calls that ran and the calls a rule denied (a refusal of a tool that
// is not enabled is not a rule's decision, so it is left out).
func (a *API) recentCalls(ctx context.Context, endpoint string, n int) ([]store.AuditEvent, error) {
	ran, err := a.cfg.Store.ListAudit(ctx, store.AuditFilter{Endpoint: endpoint, Code: audit.CodeToolCall, Limit: n})
	if err != nil {
		return nil, err
	}
	denied, err := a.cfg.Store.ListAudit(ctx, store.AuditFilter{Endpoint: endpoint, Code: audit.CodeToolDenied, Limit: n})
	if err != nil {
		return nil, err
	}
	evs := ran
	for _, ev := range denied {
		if strings.HasPrefix(ev.Error, ruleDenialPrefix) {
			evs = append(evs, ev)
		}
	}
	slices.SortFunc(evs, func(x, y store.AuditEvent) int { return cmp.Compare(y.Seq, x.Seq) })
	return evs[:min(n, len(evs))], nil
}

// proposedRules returns the candidate rule and the endpoint's rules with
// it in place, enabled.
func (a *API) proposedRules(ctx context.Context, ep store.Endpoint, req api.DryRunRequest, current []store.ToolRule) (store.ToolRule, []store.ToolRule, error) {
	var cand store.ToolRule
	if req.RuleID != "" {
		if req.Effect != "" || req.Condition != "" || len(req.Tools) > 0 {
			return cand, nil, invalid("rule_id", "give rule_id or a new rule, not both")
		}
		var err error
		if cand, err = a.cfg.Store.GetToolRule(ctx, ep.ID, req.RuleID); errors.Is(err, store.ErrNotFound) {
			return cand, nil, invalid("rule_id", "endpoint %q has no rule with ID %q", ep.Name, req.RuleID)
		} else if err != nil {
			return cand, nil, err
		}
	} else {
		var err error
		if cand, err = newToolRule(req.CreateToolRuleRequest, ep.ID); err != nil {
			return cand, nil, err
		}
		cand.ID = "new"
		if cand.Name == "" {
			cand.Name = "the rule being tried"
		}
	}
	cand.Enabled = true
	var out []store.ToolRule
	for _, tr := range current {
		if tr.ID != cand.ID {
			out = append(out, tr)
		}
	}
	at := cand.Position - 1
	if at < 0 || at > len(out) {
		at = len(out)
	}
	out = append(out[:at], append([]store.ToolRule{cand}, out[at:]...)...)
	for i := range out {
		out[i].Position = i + 1
	}
	cand.Position = at + 1
	return cand, out, nil
}

// replay compares the two rule sets over recorded calls.
func (a *API) replay(ctx context.Context, ep store.Endpoint, cand store.ToolRule, before, after *toolpolicy.Set, evs []store.AuditEvent) (api.DryRunResult, error) {
	subjects, err := a.newSubjects(ctx)
	if err != nil {
		return api.DryRunResult{}, err
	}
	var res api.DryRunResult
	for _, ev := range evs {
		p, ok, err := subjects.byActor(ctx, ev.ActorType, ev.ActorID)
		if err != nil {
			return res, err
		}
		if !ok {
			continue // the caller no longer exists
		}
		in := toolpolicy.Input{Principal: p, Endpoint: ep.Name, Tool: toolname.Exposed(ev.Server, ev.Tool, !ep.Unprefixed),
			Server: ev.Server, UpstreamTool: ev.Tool, Args: toolpolicy.DecodeArgs(ev.Request)}
		was, now := before.Decide(&in), after.Decide(&in)
		res.Evaluated++
		if now.Rule != nil && now.Rule.ID == cand.ID {
			res.Matched++
			if !now.Allow {
				res.WouldDeny++
			}
		}
		if was.Allow == now.Allow {
			continue
		}
		if now.Allow {
			res.NewlyAllowed++
		} else {
			res.NewlyDenied++
		}
		if len(res.Samples) < maxDryRunSamples {
			res.Samples = append(res.Samples, api.DryRunSample{Seq: ev.Seq, Time: ev.Time, Actor: ev.ActorEmail,
				Tool: in.Tool, Decision: decisionWord(now.Allow) + ": " + now.Reason()})
		}
	}
	res.Summary = fmt.Sprintf("this rule would have denied %d of %d recent calls; %d calls allowed by the current rules would be denied, %d denied would be allowed",
		res.WouldDeny, res.Evaluated, res.NewlyDenied, res.NewlyAllowed)
	return res, nil
}

func decisionWord(allow bool) string {
	if allow {
		return "allow"
	}
	return "deny"
}
