package toolname

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

var validName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func TestExposed(t *testing.T) {
	long := strings.Repeat("x", 80)
	tests := []struct {
		name, server, tool string
		prefixed           bool
		want               string // "" = only check validity
	}{
		{"prefixed", "github", "create_issue", true, "github__create_issue"},
		{"unprefixed", "github", "create_issue", false, "create_issue"},
		{"dash kept", "my-srv", "get-thing", true, "my-srv__get-thing"},
		{"dot cleaned with hash", "github", "repo.create", true, "github__repo_create_"},
		{"unicode cleaned", "srv", "héllo", true, "srv__h_llo_"},
		{"space cleaned", "srv", "a b", false, "a_b_"},
		{"too long shortened", "srv", long, true, ""},
		{"exactly 64 kept", "s", strings.Repeat("y", 61), true, "s__" + strings.Repeat("y", 61)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Exposed(tc.server, tc.tool, tc.prefixed)
			if !validName.MatchString(got) {
				t.Fatalf("Exposed(%q,%q) = %q: not a valid exposed name", tc.server, tc.tool, got)
			}
			if tc.want != "" && !strings.HasPrefix(got, tc.want) {
				t.Errorf("Exposed(%q,%q) = %q, want prefix %q", tc.server, tc.tool, got, tc.want)
			}
			if again := Exposed(tc.server, tc.tool, tc.prefixed); again != got {
				t.Errorf("not deterministic: %q then %q", got, again)
			}
		})
	}
}

func TestExposedShortenedNamesDiffer(t *testing.T) {
	a := Exposed("srv", strings.Repeat("a", 70)+"1", true)
	b := Exposed("srv", strings.Repeat("a", 70)+"2", true)
	if a == b {
		t.Fatalf("two long names shortened to the same %q", a)
	}
	if len(a) != MaxLen {
		t.Errorf("len = %d, want %d", len(a), MaxLen)
	}
}

func TestAssignCollision(t *testing.T) {
	refs := []Ref{{"a", "search"}, {"b", "search"}}
	if _, err := Assign(refs, true); err != nil {
		t.Fatalf("prefixed: unexpected %v", err)
	}
	_, err := Assign(refs, false)
	var ce *CollisionError
	if !errors.As(err, &ce) {
		t.Fatalf("unprefixed: err = %v, want CollisionError", err)
	}
	if ce.Name != "search" || !strings.Contains(err.Error(), "a/search") || !strings.Contains(err.Error(), "b/search") {
		t.Errorf("error %q should name both tools and the name", err)
	}
}

func FuzzExposed(f *testing.F) {
	f.Add("github", "create_issue", true)
	f.Add("s", "ü.ß/\x00", false)
	f.Fuzz(func(t *testing.T, server, tool string, prefixed bool) {
		if got := Exposed(server, tool, prefixed); !validName.MatchString(got) && got != "" {
			t.Fatalf("Exposed(%q,%q) = %q", server, tool, got)
		}
	})
}
