package cli

import (
	"fmt"
	"slices"
	"strings"
)

// unknownCommand prints an unknown-command error with the nearest names.
func (r *runner) unknownCommand(group *command, name string) {
	w := r.io.Err
	fmt.Fprintf(w, "error: unknown command %q for %q\n", name, group.path())
	if near := suggest(name, group); len(near) > 0 {
		fmt.Fprintln(w, "\nDid you mean this?")
		for _, n := range near {
			fmt.Fprintf(w, "\t%s\n", n)
		}
	} else {
		var names []string
		for _, s := range group.subs {
			names = append(names, s.name)
		}
		fmt.Fprintf(w, "\nCommands: %s\n", strings.Join(names, ", "))
	}
	fmt.Fprintf(w, "\nRun '%s --help' for usage.\n", group.path())
}

// suggest returns the subcommands of group whose name or alias is within a
// small edit distance of name, or starts with it, nearest first.
func suggest(name string, group *command) []string {
	type hit struct {
		name string
		dist int
	}
	var hits []hit
	name = strings.ToLower(name)
	maxDist := 2
	if len(name) <= 3 {
		maxDist = 1
	}
	for _, s := range group.subs {
		best := -1
		for _, cand := range append([]string{s.name}, s.aliases...) {
			d := editDistance(name, cand)
			if len(name) >= 2 && strings.HasPrefix(cand, name) {
				d = 0
			}
			if best < 0 || d < best {
				best = d
			}
		}
		if best <= maxDist {
			hits = append(hits, hit{s.name, best})
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return a.dist - b.dist })
	out := make([]string, 0, len(hits))
	for _, h := range hits {
		out = append(out, h.name)
	}
	return out
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
