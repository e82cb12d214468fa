package identity

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestGroupNames(t *testing.T) {
	long := strings.Repeat("g", maxGroupNameLen+1)
	got := groupNames([]string{" ops", "design", "", "ops ", "bad\nname", long, "Design"})
	if want := []string{"Design", "design", "ops"}; !slices.Equal(got, want) {
		t.Errorf("groupNames = %q, want %q", got, want)
	}
	many := make([]string, maxSSOGroups+10)
	for i := range many {
		many[i] = NewID("g")
	}
	if n := len(groupNames(many)); n != maxSSOGroups {
		t.Errorf("kept %d groups, want %d", n, maxSSOGroups)
	}
}

func TestStringsClaim(t *testing.T) {
	tests := []struct {
		in   any
		want []string
		ok   bool
	}{
		{nil, nil, true},
		{"solo", []string{"solo"}, true},
		{[]any{"a", "b"}, []string{"a", "b"}, true},
		{[]any{}, []string{}, true},
		{[]any{"a", 7.0}, nil, false},
		{map[string]any{"a": "b"}, nil, false},
		{true, nil, false},
	}
	for _, tt := range tests {
		got, ok := stringsClaim(tt.in)
		if ok != tt.ok || !slices.Equal(got, tt.want) {
			t.Errorf("stringsClaim(%v) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSSODomainAllowed(t *testing.T) {
	st := newStore(t)
	s, err := NewSSO(SSOConfig{Store: st, Issuer: "https://idp.example.com", ClientID: "c",
		RedirectURL: "https://sb.example.com/login/sso/callback", JIT: true, AllowedDomains: []string{"example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	for email, want := range map[string]bool{
		"a@example.com": true, "a@EXAMPLE.com": true, "a@sub.example.com": false, "a@example.com.evil": false,
		"a@notexample.com": false,
	} {
		if got := s.domainAllowed(email); got != want {
			t.Errorf("domainAllowed(%s) = %v, want %v", email, got, want)
		}
	}
	s.cfg.AllowedDomains = nil
	if !s.domainAllowed("a@anything.example") {
		t.Error("an empty list refuses a domain")
	}
}

func TestSSOFinishChecksStateFirst(t *testing.T) {
	s, err := NewSSO(SSOConfig{Store: newStore(t), Issuer: "https://idp.invalid", ClientID: "c",
		RedirectURL: "https://sb.example.com/login/sso/callback"})
	if err != nil {
		t.Fatal(err)
	}
	f := NewSSOFlow()
	for name, tc := range map[string]struct {
		flow  SSOFlow
		state string
	}{
		"no flow":        {SSOFlow{}, ""},
		"no flow, state": {SSOFlow{}, "x"},
		"other state":    {f, f.State + "x"},
		"empty state":    {f, ""},
	} {
		_, err := s.Finish(t.Context(), tc.flow, tc.state, "code", "")
		le, ok := errors.AsType[*LoginError](err)
		if !ok || le.Reason != ReasonSSOState || !errors.Is(err, ErrLoginFailed) {
			t.Errorf("%s: err = %v, want %s", name, err, ReasonSSOState)
		}
	}
	// The provider is never asked: its host does not resolve, and no
	// discovery error came back.
	if _, err := NewSSO(SSOConfig{Issuer: "x"}); err == nil {
		t.Error("NewSSO without a store succeeded")
	}
}

// TestSSOBindsSubject: the first SSO sign-in binds the account to the
// provider's subject. The same subject keeps the account when its email
// changes; another subject with that account's email is refused.
func TestSSOBindsSubject(t *testing.T) {
	st := newStore(t)
	s, err := NewSSO(SSOConfig{Store: st, Issuer: "https://idp.example.com", ClientID: "c",
		RedirectURL: "https://sb.example.com/login/sso/callback", JIT: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	ann, created, err := s.findUser(ctx, idClaims{Subject: "sub-ann", Email: "ann@example.com", Verified: true})
	if err != nil || !created {
		t.Fatalf("first sign-in: %+v created %v, %v", ann, created, err)
	}
	again, _, err := s.findUser(ctx, idClaims{Subject: "sub-ann", Email: "ann.smith@example.com", Verified: true})
	if err != nil || again.ID != ann.ID {
		t.Errorf("same subject, new email: %+v, %v; want ann's account", again, err)
	}
	_, _, err = s.findUser(ctx, idClaims{Subject: "sub-other", Email: "ann@example.com", Verified: true})
	if le, ok := errors.AsType[*LoginError](err); !ok || le.Reason != ReasonSSOSubject {
		t.Errorf("another subject with ann's email: %v; want %s", err, ReasonSSOSubject)
	}
	if _, _, err := s.findUser(ctx, idClaims{Email: "bob@example.com", Verified: true}); err == nil {
		t.Error("an ID token without a subject signed in")
	}
}
