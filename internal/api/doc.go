// Package api holds the wire types of the admin REST API under /api/v1.
// It is shared by the server side (admin) and the Go client (apiclient)
// and holds no logic beyond small helpers on the types themselves.
package api
