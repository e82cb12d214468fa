package admin

import (
	"context"
	"errors"
	"net/http"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/vault"
)

// maxRotateBatch bounds batch_size of POST /api/v1/vault/rotate.
const maxRotateBatch = 1000

// vaultRotator is what the vault routes need; *vault.Vault implements it.
// Config.Vault is checked for it, so that no other field is needed.
type vaultRotator interface {
	RotateAll(ctx context.Context, rs vault.RecordStore, opt vault.RotateOptions) (vault.RotateReport, error)
	Status(ctx context.Context, rs vault.RecordStore) (vault.Status, error)
}

func (a *API) rotator() (vaultRotator, error) {
	v, ok := a.cfg.Vault.(vaultRotator)
	if !ok {
		return nil, notFound("this server's vault cannot be rotated through the API")
	}
	return v, nil
}

// vaultStatus reports the keyring: key IDs, the active one and how many
// records each seals. Never key material.
func (a *API) vaultStatus(w http.ResponseWriter, r *http.Request, _ identity.Principal) error {
	v, err := a.rotator()
	if err != nil {
		return err
	}
	st, err := v.Status(r.Context(), a.cfg.Store)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, apiVaultStatus(st))
	return nil
}

// rotateVault adds a new data key, re-seals every sealed record with it
// and retires the old keys, while the server keeps serving.
func (a *API) rotateVault(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	var req api.VaultRotateRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if req.BatchSize < 0 || req.BatchSize > maxRotateBatch {
		return invalid("batch_size", "must be a number from 1 to %d (default 100)", maxRotateBatch)
	}
	v, err := a.rotator()
	if err != nil {
		return err
	}
	before, err := v.Status(r.Context(), a.cfg.Store)
	if err != nil {
		return err
	}
	// The rotation outlives a client that hangs up: half-done is safe,
	// but finishing is better.
	ctx := context.WithoutCancel(r.Context())
	rep, err := v.RotateAll(ctx, a.cfg.Store, vault.RotateOptions{BatchSize: req.BatchSize, Grace: a.cfg.VaultRotateGrace})
	if errors.Is(err, vault.ErrRotationRunning) {
		return conflict("", "a vault rotation is already running; try again when it ends")
	}
	if errors.Is(err, vault.ErrWrongMasterKey) {
		return conflict("", "the vault's master key was rotated since this server started; restart it with the new key, then rotate")
	}
	if err != nil {
		return err
	}
	out := apiRotateReport(rep)
	if err := a.record(ctx, p, audit.CodeVaultRotate, target{}, apiVaultStatus(before), out); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func apiVaultStatus(st vault.Status) api.VaultStatus {
	out := api.VaultStatus{MasterKey: st.MasterKey, ActiveKeyID: st.ActiveKeyID, Kinds: st.Kinds, Keys: []api.VaultKey{}}
	if out.Kinds == nil {
		out.Kinds = []string{}
	}
	for _, k := range st.Keys {
		ak := api.VaultKey{ID: k.ID, Active: k.Active, InKeyring: k.InKeyring, Records: k.Records}
		if !k.CreatedAt.IsZero() {
			at := k.CreatedAt
			ak.CreatedAt = &at
		}
		out.Keys = append(out.Keys, ak)
	}
	return out
}

func apiRotateReport(rep vault.RotateReport) api.VaultRotateReport {
	out := api.VaultRotateReport{
		NewKeyID: rep.NewKeyID, Resealed: rep.Resealed, Skipped: rep.Skipped, Failed: rep.Failed,
		Retired: rep.Retired, Kept: rep.Kept, DurationMS: rep.Duration.Milliseconds(),
	}
	if out.Retired == nil {
		out.Retired = []uint32{}
	}
	return out
}
