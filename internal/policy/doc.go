// Package policy makes every access decision in Switchboard through one
// entry point, Authorize. It denies by default: only an explicit grant in
// the role table allows an action, so an unknown role or action is a deny.
package policy
