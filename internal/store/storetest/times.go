package storetest

import (
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

var timeTests = []suite{
	{"Times/RoundTripUTC", testTimesRoundTrip},
}

// testTimesRoundTrip stores times from another zone and checks that they
// read back as the same instant, to the nanosecond, in UTC; zero times
// stay zero.
func testTimesRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	zone := time.FixedZone("UTC+5:30", 5*3600+1800)
	local := time.Date(2031, 7, 14, 23, 59, 58, 999999999, zone)

	u := newUser("u1", "a@example.com")
	u.CreatedAt, u.UpdatedAt = local, local.Add(time.Nanosecond)
	check(t, s.CreateUser(ctx, u))
	tok := newToken("t1", "u1")
	tok.CreatedAt, tok.ExpiresAt, tok.RevokedAt = local, time.Time{}, time.Time{}
	check(t, s.CreateAPIToken(ctx, tok))
	ev := newEvent(1)
	ev.Time = local
	check(t, s.AppendAudit(ctx, []store.AuditEvent{ev}))

	gotU, err := s.GetUser(ctx, "u1")
	check(t, err)
	gotT, err := s.GetAPITokenByHash(ctx, tok.Hash)
	check(t, err)
	gotE, err := s.GetAudit(ctx, 1)
	check(t, err)

	for name, tc := range map[string]struct{ got, want time.Time }{
		"user created":  {gotU.CreatedAt, local},
		"user updated":  {gotU.UpdatedAt, local.Add(time.Nanosecond)},
		"token created": {gotT.CreatedAt, local},
		"audit time":    {gotE.Time, local},
	} {
		if !tc.got.Equal(tc.want) || tc.got.Location() != time.UTC {
			t.Errorf("%s = %v, want %v in UTC", name, tc.got, tc.want.UTC())
		}
	}
	if !gotT.ExpiresAt.IsZero() || !gotT.RevokedAt.IsZero() {
		t.Errorf("zero times read back as %v, %v", gotT.ExpiresAt, gotT.RevokedAt)
	}
	if !gotE.Time.Equal(local) || gotE.Time.Format(time.RFC3339Nano) != local.UTC().Format(time.RFC3339Nano) {
		t.Errorf("audit time formats as %s, want %s", gotE.Time.Format(time.RFC3339Nano), local.UTC().Format(time.RFC3339Nano))
	}
}
