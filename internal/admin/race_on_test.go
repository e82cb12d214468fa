//go:build race

package admin

// raceEnabled reports a -race build, under which large tests shrink.
const raceEnabled = true
