package storetest

import (
	"errors"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

var toolRuleTests = []suite{
	{"ToolRules/AddListOrder", testToolRulesOrder},
	{"ToolRules/UpdateMoveDelete", testToolRulesUpdate},
}

func newToolRule(id, endpointID string, pos int) store.ToolRule {
	return store.ToolRule{ID: id, EndpointID: endpointID, Position: pos, Effect: "deny", Name: "rule " + id,
		Tools: []string{"github__delete_*"}, Condition: `"contractors" in principal.groups`, Enabled: true,
		CreatedAt: at(1), UpdatedAt: at(1)}
}

func ruleIDs(t *testing.T, s store.Store, endpointID string) []string {
	t.Helper()
	rs, err := s.ListToolRules(t.Context(), endpointID)
	check(t, err)
	var ids []string
	for i, r := range rs {
		if r.Position != i+1 {
			t.Fatalf("rule %s at position %d, want %d (no gaps)", r.ID, r.Position, i+1)
		}
		ids = append(ids, r.ID)
	}
	return ids
}

func testToolRulesOrder(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.CreateEndpoint(ctx, newEndpoint("e1", "dev")))
	check(t, s.CreateEndpoint(ctx, newEndpoint("e2", "prod")))
	diff(t, "rules of a new endpoint", ruleIDs(t, s, "e1"), []string(nil))
	a, err := s.AddToolRule(ctx, newToolRule("a", "e1", 0))
	check(t, err)
	diff(t, "appended rule", a, newToolRule("a", "e1", 1))
	for _, r := range []store.ToolRule{newToolRule("b", "e1", 99), newToolRule("c", "e1", 1), newToolRule("d", "e1", 3)} {
		_, err := s.AddToolRule(ctx, r)
		check(t, err)
	}
	diff(t, "order after inserts", ruleIDs(t, s, "e1"), []string{"c", "a", "d", "b"})
	noTools := newToolRule("x", "e2", 0)
	noTools.Tools, noTools.Condition, noTools.Enabled = nil, "", false
	_, err = s.AddToolRule(ctx, noTools)
	check(t, err)
	got, err := s.GetToolRule(ctx, "e2", "x")
	check(t, err)
	noTools.Position = 1
	diff(t, "rule with no tools", got, noTools)
	_, err = s.AddToolRule(ctx, newToolRule("a", "e2", 0))
	wantErr(t, err, store.ErrConflict)
	_, err = s.AddToolRule(ctx, newToolRule("z", "nope", 0))
	wantErr(t, err, store.ErrNotFound)
	wantErr(t, func() error { _, err := s.GetToolRule(ctx, "e2", "a"); return err }(), store.ErrNotFound)
	all, err := s.ListAllToolRules(ctx)
	check(t, err)
	if len(all) != 5 || all[0].EndpointID != "e1" || all[4].ID != "x" {
		t.Errorf("ListAllToolRules = %+v", all)
	}
	check(t, s.DeleteEndpoint(ctx, "e2"))
	diff(t, "rules of a deleted endpoint", ruleIDs(t, s, "e2"), []string(nil))
}

func testToolRulesUpdate(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.CreateEndpoint(ctx, newEndpoint("e1", "dev")))
	for _, id := range []string{"a", "b", "c", "d"} {
		_, err := s.AddToolRule(ctx, newToolRule(id, "e1", 0))
		check(t, err)
	}
	move := func(id string, to int) store.ToolRule {
		r, err := s.UpdateToolRule(ctx, "e1", id, func(r store.ToolRule) (store.ToolRule, error) {
			r.Position, r.UpdatedAt = to, at(2)
			return r, nil
		})
		check(t, err)
		return r
	}
	move("d", 1)
	diff(t, "d moved up", ruleIDs(t, s, "e1"), []string{"d", "a", "b", "c"})
	move("a", 4)
	diff(t, "a moved down", ruleIDs(t, s, "e1"), []string{"d", "b", "c", "a"})
	if r := move("b", 99); r.Position != 4 {
		t.Errorf("position past the end = %d, want 4", r.Position)
	}
	diff(t, "b clamped to the end", ruleIDs(t, s, "e1"), []string{"d", "c", "a", "b"})
	r, err := s.UpdateToolRule(ctx, "e1", "c", func(r store.ToolRule) (store.ToolRule, error) {
		r.Effect, r.Condition, r.Tools, r.Enabled, r.ID = "allow", "true", []string{"x"}, false, "hijack"
		return r, nil
	})
	check(t, err)
	got, err := s.GetToolRule(ctx, "e1", "c")
	check(t, err)
	diff(t, "updated rule", got, r)
	if got.Effect != "allow" || got.Enabled || got.CreatedAt != at(1) || got.UpdatedAt != at(1) || got.Position != 2 {
		t.Errorf("updated rule = %+v", got)
	}
	boom := errors.New("boom")
	_, err = s.UpdateToolRule(ctx, "e1", "c", func(r store.ToolRule) (store.ToolRule, error) { return r, boom })
	wantErr(t, err, boom)
	_, err = s.UpdateToolRule(ctx, "e1", "nope", func(r store.ToolRule) (store.ToolRule, error) { return r, nil })
	wantErr(t, err, store.ErrNotFound)
	check(t, s.DeleteToolRule(ctx, "e1", "c"))
	wantErr(t, s.DeleteToolRule(ctx, "e1", "c"), store.ErrNotFound)
	diff(t, "after delete", ruleIDs(t, s, "e1"), []string{"d", "a", "b"})
}
