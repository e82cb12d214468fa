package admin

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"maps"
	"net/http"
	"slices"
	"strconv"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// AuditSigner knows the keys that sign audit checkpoints; *audit.Signer
// implements it.
type AuditSigner interface {
	KeyID() string
	PublicKeys() map[string]ed25519.PublicKey
}

// checkpointPage is the largest page of GET /api/v1/audit/checkpoints.
const checkpointPage = 1000

// verifyAudit walks the whole chain. A broken chain is a 200 with ok
// false: the request succeeded, the trail did not.
func (a *API) verifyAudit(w http.ResponseWriter, r *http.Request, _ identity.Principal) error {
	opts := audit.VerifyOptions{}
	if a.cfg.Signer != nil {
		opts.Keys = a.cfg.Signer.PublicKeys()
	}
	rep, err := audit.Verify(r.Context(), a.cfg.Store, opts)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, api.AuditVerifyReport{
		OK: rep.OK, Count: rep.Count, FirstSeq: rep.FirstSeq, LastSeq: rep.LastSeq, AnchorSeq: rep.AnchorSeq,
		Checkpoints: rep.Checkpoints, FirstBadSeq: rep.FirstBad, Reason: string(rep.Reason), Detail: rep.Detail,
	})
	return nil
}

func (a *API) listCheckpoints(w http.ResponseWriter, r *http.Request, _ identity.Principal) error {
	q := r.URL.Query()
	var after int64
	limit := checkpointPage
	var err error
	if s := q.Get("cursor"); s != "" {
		if after, err = strconv.ParseInt(s, 10, 64); err != nil || after < 0 {
			return invalid("cursor", "is not a cursor from a previous page")
		}
	}
	if s := q.Get("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 || limit > checkpointPage {
			return invalid("limit", "must be a number from 1 to %d", checkpointPage)
		}
	}
	cps, err := a.cfg.Store.ListAuditCheckpoints(r.Context(), after, limit)
	if err != nil {
		return err
	}
	out := api.AuditCheckpointList{Checkpoints: make([]api.AuditCheckpoint, len(cps))}
	for i, cp := range cps {
		out.Checkpoints[i] = apiCheckpoint(cp)
	}
	if len(cps) == limit {
		out.NextCursor = strconv.FormatInt(cps[len(cps)-1].Seq, 10)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func apiCheckpoint(cp store.AuditCheckpoint) api.AuditCheckpoint {
	return api.AuditCheckpoint{
		Seq: cp.Seq, Hash: hex.EncodeToString(cp.Hash), SignedAt: cp.SignedAt, KeyID: cp.KeyID,
		Signature: base64.StdEncoding.EncodeToString(cp.Signature),
	}
}

// auditPublicKey exports the public keys, so that checkpoints can be
// verified by someone who trusts nothing else of this server.
func (a *API) auditPublicKey(w http.ResponseWriter, r *http.Request, _ identity.Principal) error {
	if a.cfg.Signer == nil {
		return notFound("audit checkpoints are not signed on this server")
	}
	keys := a.cfg.Signer.PublicKeys()
	out := api.AuditPublicKeys{Keys: []api.AuditPublicKey{}}
	for _, id := range slices.Sorted(maps.Keys(keys)) {
		der, err := x509.MarshalPKIXPublicKey(keys[id])
		if err != nil {
			return err
		}
		out.Keys = append(out.Keys, api.AuditPublicKey{
			KeyID: id, Algorithm: "Ed25519", PublicKey: base64.StdEncoding.EncodeToString(keys[id]),
			PEM:    string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})),
			Active: id == a.cfg.Signer.KeyID(),
		})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
