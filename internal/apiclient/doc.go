// Package apiclient is the Go client of Switchboard's admin REST API under
// /api/v1. It speaks the wire types of package api and nothing else: it
// holds no business logic and never links the store, vault or policy.
//
// Every method takes ctx first. A non-2xx answer comes back as an *Error,
// which carries the HTTP status and unwraps to the decoded *api.Error, so
// callers can use errors.As with either type. The API token is sent only in
// the Authorization header; it never appears in an error or a log line.
package apiclient
