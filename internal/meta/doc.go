// Package meta holds repo-wide tests that read the source tree with go/parser
// rather than exercising code: every package under internal/ and cmd/ has a
// package doc comment, imports follow the one-way dependency arrows of
// CONVENTIONS.md §1, and no non-test, non-generated file passes 800 lines.
//
// It has no non-test code. When you add a package or an arrow, update the
// table in deps_test.go in the same change.
package meta
