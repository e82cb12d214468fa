package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// LocalVaultRotateMaster is the key of Run's local map for `switchboard
// vault rotate-master-key`, which rewraps the keyring on the database
// directly: the master key never crosses the API.
const LocalVaultRotateMaster = "vault rotate-master-key"

func vaultCmd() *command {
	return &command{
		name:    "vault",
		summary: "Inspect and rotate the keys that seal upstream credentials",
		long: "Secrets are sealed with data keys, which a master key wraps. `vault rotate` replaces the data key\n" +
			"on the running server; `vault rotate-master-key` replaces the master key, offline on the database.",
		example: "switchboard vault status\nswitchboard vault rotate\n" +
			"switchboard vault rotate-master-key --new-key-file /secure/new-master.key --data-dir /var/lib/switchboard",
		subs: []*command{vaultStatusCmd(), vaultRotateCmd(), vaultRotateMasterCmd()},
	}
}

type vaultStatusOpts struct{ json bool }

func vaultStatusCmd() *command {
	return &command{
		name:    "status",
		summary: "Show the data key IDs, the active one and how many records each seals (never key material)",
		example: "switchboard vault status\nswitchboard vault status --json",
		setup: func(fs *flag.FlagSet) action {
			o := &vaultStatusOpts{}
			fs.BoolVar(&o.json, "json", false, "print the status as JSON")
			return o.run
		},
	}
}

func (o *vaultStatusOpts) run(ctx context.Context, s *session, args []string) error {
	if err := noArgs(args); err != nil {
		return err
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	st, err := c.VaultStatus(ctx)
	if err != nil {
		return err
	}
	if o.json {
		return printJSON(s.io.Out, st)
	}
	return printVaultStatus(s.io.Out, st)
}

func printVaultStatus(w io.Writer, st *api.VaultStatus) error {
	if err := fields(w, "Master key", st.MasterKey+" (fingerprint)", "Active data key", strconv.FormatUint(uint64(st.ActiveKeyID), 10),
		"Sealed kinds", strings.Join(st.Kinds, ", ")); err != nil {
		return err
	}
	fmt.Fprintln(w)
	t := newTable(w, "KEY", "ACTIVE", "CREATED", "RECORDS")
	for _, k := range st.Keys {
		active := ""
		if k.Active {
			active = "yes"
		}
		created := "missing from the keyring"
		if k.CreatedAt != nil {
			created = fmtTime(*k.CreatedAt)
		}
		t.row(strconv.FormatUint(uint64(k.ID), 10), active, created, countsByKind(k.Records))
	}
	return t.flush()
}

// countsByKind renders {"credential": 3} as "3 credential", sorted.
func countsByKind(m map[string]int) string {
	if len(m) == 0 {
		return "0"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%d %s", m[k], k))
	}
	return strings.Join(parts, ", ")
}

type vaultRotateOpts struct {
	batch int
	json  bool
}

func vaultRotateCmd() *command {
	return &command{
		name:    "rotate",
		summary: "Rotate the data key on the running server and re-seal every secret with it",
		long: "The server keeps serving: every record is re-sealed in its own short transaction, old keys stay\n" +
			"readable until the re-seal completes, and then the old keys no record uses are retired.\n" +
			"If the CLI stops waiting (after 2 minutes), the server still finishes; check with `vault status`.\n" +
			"To replace the master key itself, use `switchboard vault rotate-master-key`.",
		example: "switchboard vault rotate\nswitchboard vault rotate --batch-size 500 --json",
		setup: func(fs *flag.FlagSet) action {
			o := &vaultRotateOpts{}
			fs.IntVar(&o.batch, "batch-size", 0, "records read per page, 1 to 1000 (default 100)")
			fs.BoolVar(&o.json, "json", false, "print the report as JSON")
			return o.run
		},
	}
}

func (o *vaultRotateOpts) run(ctx context.Context, s *session, args []string) error {
	if err := noArgs(args); err != nil {
		return err
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	rep, err := c.RotateVault(ctx, api.VaultRotateRequest{BatchSize: o.batch})
	if err != nil {
		return err
	}
	if o.json {
		return printJSON(s.io.Out, rep)
	}
	printRotateReport(s.io.Out, rep)
	return nil
}

func printRotateReport(w io.Writer, rep *api.VaultRotateReport) {
	fmt.Fprintf(w, "Rotated to data key %d in %d ms.\n", rep.NewKeyID, rep.DurationMS)
	fmt.Fprintf(w, "Re-sealed: %s", countsByKind(rep.Resealed))
	if rep.Skipped > 0 {
		fmt.Fprintf(w, " (%d already rewritten by a concurrent change)", rep.Skipped)
	}
	fmt.Fprintln(w, ".")
	fmt.Fprintf(w, "Retired data keys: %s.\n", keyList(rep.Retired))
	if len(rep.Kept) > 0 {
		fmt.Fprintf(w, "Kept data keys still in use: %s.\n", keyList(rep.Kept))
	}
	if len(rep.Failed) > 0 {
		fmt.Fprintf(w, "Could not open %d record(s), left as they were: %s\n", len(rep.Failed), cell(strings.Join(rep.Failed, ", ")))
	}
}

func keyList(ids []uint32) string {
	if len(ids) == 0 {
		return "none"
	}
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatUint(uint64(id), 10)
	}
	return strings.Join(s, ", ")
}

func vaultRotateMasterCmd() *command {
	return &command{
		name:    "rotate-master-key",
		local:   LocalVaultRotateMaster,
		summary: "Rewrap the keyring under a new master key, on the database directly",
		args:    "--new-key-file FILE [flags]",
		long: "Reads the current master key as serve does (SWITCHBOARD_MASTER_KEY, else --master-key-file), and\n" +
			"the new one from FILE, which is created (random, mode 0600) when it does not exist. Every data key is\n" +
			"rewrapped in one transaction; no secret is re-sealed, so a running server keeps working. Then\n" +
			"install the new key where serve reads it (replace the key file or SWITCHBOARD_MASTER_KEY) before\n" +
			"the next restart: the old key no longer opens the keyring. Running it again with the same two keys is\n" +
			"safe and finishes an interrupted rotation; keep the old key until every server restarted fine.",
		example: "switchboard vault rotate-master-key --new-key-file /secure/new-master.key\n" +
			"switchboard vault rotate-master-key --new-key-file new.key --data-dir /var/lib/switchboard",
	}
}
