package sqlstore

import (
	"context"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// getEndpoint reads the endpoint whose key column equals v, with its
// servers and tool selections.
func getEndpoint(ctx context.Context, c conn, key, v string) (store.Endpoint, error) {
	e, err := scanEndpoint(c.queryRow(ctx, `SELECT `+endpointColumns+` FROM endpoints WHERE `+key+` = $1`, v))
	if err != nil {
		return store.Endpoint{}, rowErr(err)
	}
	es := []store.Endpoint{e}
	if err := loadEndpointChildren(ctx, c, es, `WHERE endpoint_id = $1`, e.ID); err != nil {
		return store.Endpoint{}, err
	}
	return es[0], nil
}

// listEndpoints reads every endpoint with its servers and tool selections.
func listEndpoints(ctx context.Context, c conn) ([]store.Endpoint, error) {
	rows, err := c.query(ctx, `SELECT `+endpointColumns+` FROM endpoints ORDER BY name`)
	if err != nil {
		return nil, err
	}
	es, err := collect(rows, scanEndpoint)
	if err != nil || len(es) == 0 {
		return es, err
	}
	return es, loadEndpointChildren(ctx, c, es, ``)
}

// loadEndpointChildren fills the ServerIDs and Tools of es from the child
// rows that where selects.
func loadEndpointChildren(ctx context.Context, c conn, es []store.Endpoint, where string, args ...any) error {
	byID := make(map[string]*store.Endpoint, len(es))
	for i := range es {
		byID[es[i].ID] = &es[i]
	}
	rows, err := c.query(ctx, `SELECT endpoint_id, server_id FROM endpoint_servers `+where+`
		ORDER BY endpoint_id, position`, args...)
	if err != nil {
		return err
	}
	err = eachRow(rows, func(r scanner) error {
		var eid, sid string
		if err := r.Scan(&eid, &sid); err != nil {
			return err
		}
		if e := byID[eid]; e != nil {
			e.ServerIDs = append(e.ServerIDs, sid)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return loadEndpointTools(ctx, c, byID, where, args...)
}

func loadEndpointTools(ctx context.Context, c conn, byID map[string]*store.Endpoint, where string, args ...any) error {
	rows, err := c.query(ctx, `SELECT endpoint_id, server_id, tool, enabled, approved_hash FROM endpoint_tools `+where+`
		ORDER BY endpoint_id, position`, args...)
	if err != nil {
		return err
	}
	return eachRow(rows, func(r scanner) error {
		var (
			eid string
			t   store.EndpointTool
		)
		if err := r.Scan(&eid, &t.ServerID, &t.Tool, &t.Enabled, &t.ApprovedHash); err != nil {
			return err
		}
		if e := byID[eid]; e != nil {
			e.Tools = append(e.Tools, t)
		}
		return nil
	})
}

func scanEndpoint(r scanner) (store.Endpoint, error) {
	var e store.Endpoint
	err := r.Scan(&e.ID, &e.Name, &e.Description, &e.Unprefixed, &e.Redaction.Requests, &e.Redaction.Responses,
		&e.Redaction.Audit, timeCol{&e.CreatedAt}, timeCol{&e.UpdatedAt})
	return e, err
}
