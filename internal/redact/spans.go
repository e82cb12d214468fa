package redact

import (
	"slices"
	"strings"
)

// span is one finding: s[start:end] is to be replaced by kind's marker.
type span struct {
	start, end int
	kind       string
}

const markerPrefix = "[REDACTED_"

// marker returns the replacement text for kind.
func marker(kind string) string { return markerPrefix + kind + "]" }

// markerAt returns the end of the redaction marker starting at s[i], or -1
// if there is none: "[REDACTED_" then [A-Z0-9_]+ then "]".
func markerAt(s string, i int) int {
	if !strings.HasPrefix(s[i:], markerPrefix) {
		return -1
	}
	j := i + len(markerPrefix)
	k := j
	for k < len(s) && (isUpper(s[k]) || isDigit(s[k]) || s[k] == '_') {
		k++
	}
	if k == j || k >= len(s) || s[k] != ']' {
		return -1
	}
	return k + 1
}

// dropInsideMarkers sorts spans and removes those overlapping a marker
// already in s, so that a rule matching "REDACTED" cannot grow a marker on
// every pass. Markers are disjoint and found in order, so one sweep does.
func dropInsideMarkers(s string, spans []span) []span {
	sortSpans(spans)
	mStart, mEnd := nextMarker(s, 0)
	out := spans[:0]
	for _, sp := range spans {
		for mStart >= 0 && mEnd <= sp.start {
			mStart, mEnd = nextMarker(s, mEnd)
		}
		if mStart >= 0 && mStart < sp.end {
			continue // overlaps the first marker ending after its start
		}
		out = append(out, sp)
	}
	return out
}

// nextMarker returns the bounds of the first marker in s[from:], or -1.
func nextMarker(s string, from int) (int, int) {
	for {
		i := strings.Index(s[from:], markerPrefix)
		if i < 0 {
			return -1, -1
		}
		i += from
		if end := markerAt(s, i); end > 0 {
			return i, end
		}
		from = i + 1
	}
}

// sortSpans orders spans by start, longest first, keeping detector order
// on ties.
func sortSpans(spans []span) {
	slices.SortStableFunc(spans, func(a, b span) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return b.end - a.end
	})
}

// mergeSpans joins overlapping spans, which must be sorted (sortSpans). A
// joined span covers the union and keeps the kind of the one that starts
// first (the longest, then the earliest detector, on a tie).
func mergeSpans(spans []span) []span {
	if len(spans) < 2 {
		return spans
	}
	out := spans[:1]
	for _, sp := range spans[1:] {
		last := &out[len(out)-1]
		if sp.start < last.end {
			last.end = max(last.end, sp.end)
			continue
		}
		out = append(out, sp)
	}
	return out
}

// apply replaces each span of s by its marker and counts it. spans must be
// sorted and disjoint.
func apply(s string, spans []span, c *counter) string {
	var b strings.Builder
	b.Grow(len(s) + 16*len(spans))
	prev := 0
	for _, sp := range spans {
		b.WriteString(s[prev:sp.start])
		b.WriteString(markerPrefix)
		b.WriteString(sp.kind)
		b.WriteByte(']')
		prev = sp.end
		c.add(sp.kind, 1)
	}
	b.WriteString(s[prev:])
	return b.String()
}

// counter tallies findings per kind. There are few kinds, so a slice beats
// a map.
type counter struct{ counts []Count }

func (c *counter) add(kind string, n int) {
	for i := range c.counts {
		if c.counts[i].Kind == kind {
			c.counts[i].N += n
			return
		}
	}
	c.counts = append(c.counts, Count{Kind: kind, N: n})
}

// sorted returns the tallies sorted by kind, or nil if there are none.
func (c *counter) sorted() []Count {
	if len(c.counts) == 0 {
		return nil
	}
	slices.SortFunc(c.counts, func(a, b Count) int { return strings.Compare(a.Kind, b.Kind) })
	return c.counts
}
