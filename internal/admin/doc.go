// Package admin serves the REST API under /api/v1: JSON in, JSON out,
// errors as {"error":{"code","message","field"}}.
//
// Every route is one line of the table in routes.go, with the permission it
// needs next to it. The handler chain is the same for all of them:
// authenticate the bearer token, authorize the route's action with policy,
// then the handler validates, mutates in one store transaction and records
// an admin audit event. Secrets are write-only: reads say
// "secret_configured": true, never the value. openapi.json documents every
// route, and a test keeps it in step with the table.
package admin
