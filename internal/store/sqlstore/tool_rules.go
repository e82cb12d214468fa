package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

const toolRuleColumns = `id, endpoint_id, position, effect, name, tools, condition, enabled, created_at, updated_at`

// AddToolRule inserts r at r.Position (0 or past the end appends), moving
// later rules down, in one transaction.
func (s *Store) AddToolRule(ctx context.Context, r store.ToolRule) (store.ToolRule, error) {
	err := s.update(ctx, func(c conn) error {
		n, err := countToolRules(ctx, c, r.EndpointID)
		if err != nil {
			return err
		}
		if r.Position <= 0 || r.Position > n+1 {
			r.Position = n + 1
		}
		if _, err := c.exec(ctx, `UPDATE tool_rules SET position = position + 1
			WHERE endpoint_id = $1 AND position >= $2`, r.EndpointID, r.Position); err != nil {
			return err
		}
		tools, _ := json.Marshal(nonNilStrings(r.Tools))
		_, err = c.exec(ctx, `INSERT INTO tool_rules (`+toolRuleColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			r.ID, r.EndpointID, r.Position, r.Effect, r.Name, string(tools), r.Condition, r.Enabled,
			unixNano(r.CreatedAt), unixNano(r.UpdatedAt))
		return s.insertErr(err)
	})
	if err != nil {
		return store.ToolRule{}, fmt.Errorf("add rule to endpoint %q: %w", r.EndpointID, err)
	}
	return r, nil
}

// GetToolRule returns rule id of endpointID.
func (s *Store) GetToolRule(ctx context.Context, endpointID, id string) (store.ToolRule, error) {
	r, err := getToolRule(ctx, s.reader(), endpointID, id)
	if err != nil {
		return store.ToolRule{}, fmt.Errorf("get rule %q of endpoint %q: %w", id, endpointID, err)
	}
	return r, nil
}

// ListToolRules returns the rules of endpointID by position.
func (s *Store) ListToolRules(ctx context.Context, endpointID string) ([]store.ToolRule, error) {
	rows, err := s.reader().query(ctx, `SELECT `+toolRuleColumns+` FROM tool_rules
		WHERE endpoint_id = $1 ORDER BY position, id`, endpointID)
	if err == nil {
		var rs []store.ToolRule
		if rs, err = collect(rows, scanToolRule); err == nil {
			return rs, nil
		}
	}
	return nil, fmt.Errorf("list rules of endpoint %q: %w", endpointID, err)
}

// ListAllToolRules returns every rule by endpoint ID and position.
func (s *Store) ListAllToolRules(ctx context.Context) ([]store.ToolRule, error) {
	rows, err := s.reader().query(ctx, `SELECT `+toolRuleColumns+` FROM tool_rules ORDER BY endpoint_id, position, id`)
	if err == nil {
		var rs []store.ToolRule
		if rs, err = collect(rows, scanToolRule); err == nil {
			return rs, nil
		}
	}
	return nil, fmt.Errorf("list rules: %w", err)
}

// UpdateToolRule changes rule id in one transaction; a new Position moves
// it, clamped to 1..n, and renumbers the rules in between.
func (s *Store) UpdateToolRule(ctx context.Context, endpointID, id string, fn func(store.ToolRule) (store.ToolRule, error)) (store.ToolRule, error) {
	var out store.ToolRule
	err := s.update(ctx, func(c conn) error {
		cur, err := getToolRule(ctx, c, endpointID, id)
		if err != nil {
			return err
		}
		if out, err = fn(cur); err != nil {
			return err
		}
		out.ID, out.EndpointID, out.CreatedAt = cur.ID, cur.EndpointID, cur.CreatedAt
		if out.Position, err = moveToolRule(ctx, c, cur, out.Position); err != nil {
			return err
		}
		tools, _ := json.Marshal(nonNilStrings(out.Tools))
		_, err = c.exec(ctx, `UPDATE tool_rules SET position = $3, effect = $4, name = $5, tools = $6,
			condition = $7, enabled = $8, updated_at = $9 WHERE endpoint_id = $1 AND id = $2`,
			endpointID, id, out.Position, out.Effect, out.Name, string(tools), out.Condition, out.Enabled, unixNano(out.UpdatedAt))
		return err
	})
	if err != nil {
		return store.ToolRule{}, fmt.Errorf("update rule %q of endpoint %q: %w", id, endpointID, err)
	}
	return out, nil
}

// moveToolRule shifts the rules between cur's position and to, and
// returns the clamped target position.
func moveToolRule(ctx context.Context, c conn, cur store.ToolRule, to int) (int, error) {
	n, err := countToolRules(ctx, c, cur.EndpointID)
	if err != nil {
		return 0, err
	}
	to = max(1, min(to, n))
	switch {
	case to < cur.Position:
		_, err = c.exec(ctx, `UPDATE tool_rules SET position = position + 1
			WHERE endpoint_id = $1 AND position >= $2 AND position < $3`, cur.EndpointID, to, cur.Position)
	case to > cur.Position:
		_, err = c.exec(ctx, `UPDATE tool_rules SET position = position - 1
			WHERE endpoint_id = $1 AND position > $2 AND position <= $3`, cur.EndpointID, cur.Position, to)
	}
	return to, err
}

// DeleteToolRule removes rule id and closes the gap.
func (s *Store) DeleteToolRule(ctx context.Context, endpointID, id string) error {
	err := s.update(ctx, func(c conn) error {
		cur, err := getToolRule(ctx, c, endpointID, id)
		if err != nil {
			return err
		}
		if _, err := c.exec(ctx, `DELETE FROM tool_rules WHERE endpoint_id = $1 AND id = $2`, endpointID, id); err != nil {
			return err
		}
		_, err = c.exec(ctx, `UPDATE tool_rules SET position = position - 1
			WHERE endpoint_id = $1 AND position > $2`, endpointID, cur.Position)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete rule %q of endpoint %q: %w", id, endpointID, err)
	}
	return nil
}

func countToolRules(ctx context.Context, c conn, endpointID string) (int, error) {
	var n int
	err := c.queryRow(ctx, `SELECT COUNT(*) FROM tool_rules WHERE endpoint_id = $1`, endpointID).Scan(&n)
	return n, err
}

func getToolRule(ctx context.Context, c conn, endpointID, id string) (store.ToolRule, error) {
	rows, err := c.query(ctx, `SELECT `+toolRuleColumns+` FROM tool_rules WHERE endpoint_id = $1 AND id = $2`, endpointID, id)
	if err != nil {
		return store.ToolRule{}, err
	}
	rs, err := collect(rows, scanToolRule)
	if err != nil {
		return store.ToolRule{}, err
	}
	if len(rs) == 0 {
		return store.ToolRule{}, store.ErrNotFound
	}
	return rs[0], nil
}

func scanToolRule(r scanner) (store.ToolRule, error) {
	var t store.ToolRule
	var tools string
	err := r.Scan(&t.ID, &t.EndpointID, &t.Position, &t.Effect, &t.Name, &tools, &t.Condition, &t.Enabled,
		timeCol{&t.CreatedAt}, timeCol{&t.UpdatedAt})
	if err == nil {
		err = json.Unmarshal([]byte(tools), &t.Tools)
	}
	if len(t.Tools) == 0 {
		t.Tools = nil
	}
	return t, err
}
