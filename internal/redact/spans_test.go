package redact

import (
	"reflect"
	"testing"
)

func TestMergeSpans(t *testing.T) {
	tests := []struct {
		name     string
		in, want []span
	}{
		{"empty", nil, nil},
		{"sorted apart", []span{{5, 8, "B"}, {0, 3, "A"}}, []span{{0, 3, "A"}, {5, 8, "B"}}},
		{"adjacent kept apart", []span{{0, 3, "A"}, {3, 6, "B"}}, []span{{0, 3, "A"}, {3, 6, "B"}}},
		{"overlap joins, first kind wins", []span{{2, 9, "B"}, {0, 4, "A"}}, []span{{0, 9, "A"}}},
		{"same start, longer wins", []span{{0, 4, "A"}, {0, 9, "B"}}, []span{{0, 9, "B"}}},
		{"tie keeps detector order", []span{{0, 4, "A"}, {0, 4, "B"}}, []span{{0, 4, "A"}}},
		{"contained", []span{{0, 10, "A"}, {2, 3, "B"}, {4, 5, "C"}}, []span{{0, 10, "A"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sortSpans(tc.in)
			if got := mergeSpans(tc.in); !reflect.DeepEqual(got, tc.want) && len(got)+len(tc.want) > 0 {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestMarkers(t *testing.T) {
	tests := []struct {
		s   string
		end int
	}{
		{"[REDACTED_EMAIL]", 16},
		{"[REDACTED_A_1] x", 14},
		{"[REDACTED_]", -1},
		{"[REDACTED_email]", -1},
		{"[REDACTED_EMAIL", -1},
		{"REDACTED_EMAIL]", -1},
	}
	for _, tc := range tests {
		if got := markerAt(tc.s, 0); got != tc.end {
			t.Errorf("markerAt(%q) = %d, want %d", tc.s, got, tc.end)
		}
	}
	s := "x [REDACTED_A] y"
	spans := []span{{15, 16, "K"}, {3, 5, "K"}, {13, 16, "K"}, {0, 1, "K"}}
	want := []span{{0, 1, "K"}, {15, 16, "K"}}
	if got := dropInsideMarkers(s, spans); !reflect.DeepEqual(got, want) {
		t.Errorf("dropInsideMarkers = %v, want %v", got, want)
	}
}
