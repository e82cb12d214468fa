package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/apiclient"
)

// errChainBroken makes a failed verification exit 1 after its report.
var errChainBroken = errors.New("the audit trail does not verify")

type auditVerifyOpts struct {
	checkpointsOnly bool
	keyFile         string
	json            bool
}

func auditVerifyCmd() *command {
	return &command{
		name:    "verify",
		summary: "Verify the audit trail's hash chain, or its signed checkpoints with a public key",
		args:    "[--checkpoints-only --public-key FILE] [flags]",
		long: "Without flags the server walks the whole chain and names the first broken sequence number and why:\n" +
			"edited, deleted or reordered. Exit status 1 means the trail does not verify.\n\n" +
			"--checkpoints-only trusts nothing the server says but what the public key vouches for: it checks\n" +
			"every signed checkpoint's signature with the key in FILE, and that the event at each checkpoint\n" +
			"still has the signed hash. Export the key ahead of time with `switchboard audit public-key > FILE`\n" +
			"and keep it elsewhere. FILE holds PEM PUBLIC KEY blocks, or lines of base64 raw Ed25519 keys.",
		example: "switchboard audit verify\n" +
			"switchboard audit public-key > audit-key.pem\n" +
			"switchboard audit verify --checkpoints-only --public-key audit-key.pem",
		setup: func(fs *flag.FlagSet) action {
			o := &auditVerifyOpts{}
			fs.BoolVar(&o.checkpointsOnly, "checkpoints-only", false, "verify only the signed checkpoints, with --public-key alone")
			fs.StringVar(&o.keyFile, "public-key", "", "Ed25519 public key `FILE` (PEM or base64) for --checkpoints-only")
			fs.BoolVar(&o.json, "json", false, "print the report as JSON")
			return o.run
		},
	}
}

func (o *auditVerifyOpts) run(ctx context.Context, s *session, args []string) error {
	if err := noArgs(args); err != nil {
		return err
	}
	if o.checkpointsOnly != (o.keyFile != "") {
		return usageErrorf("--checkpoints-only and --public-key FILE go together")
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	if o.checkpointsOnly {
		return o.runCheckpoints(ctx, s, c)
	}
	rep, err := c.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if o.json {
		err = printJSON(s.io.Out, rep)
	} else {
		printVerify(s.io.Out, rep)
	}
	if err == nil && !rep.OK {
		err = errChainBroken
	}
	return err
}

func printVerify(w io.Writer, rep *api.AuditVerifyReport) {
	if !rep.OK {
		fmt.Fprintf(w, "Audit trail BROKEN at seq %d: %s.\n  %s\n", rep.FirstBadSeq, rep.Reason, cell(rep.Detail))
		fmt.Fprintf(w, "%d event(s) verified before it.\n", rep.Count)
		return
	}
	if rep.Count == 0 {
		fmt.Fprintln(w, "Audit trail OK: no events yet.")
		return
	}
	fmt.Fprintf(w, "Audit trail OK: %d event(s) verified, seq %d to %d", rep.Count, rep.FirstSeq, rep.LastSeq)
	if rep.AnchorSeq > 0 {
		fmt.Fprintf(w, " (after the retention anchor at seq %d)", rep.AnchorSeq)
	}
	fmt.Fprintf(w, ", %d signed checkpoint(s) matched.\n", rep.Checkpoints)
}

// checkpointReport is the --json shape of --checkpoints-only.
type checkpointReport struct {
	OK          bool   `json:"ok"`
	Checkpoints int    `json:"checkpoints"`
	Events      int    `json:"events"`
	AnchorSeq   int64  `json:"anchor_seq,omitempty"`
	FirstBadSeq int64  `json:"first_bad_seq,omitempty"`
	Reason      string `json:"reason,omitempty"`
	Detail      string `json:"detail,omitempty"`
}

func (o *auditVerifyOpts) runCheckpoints(ctx context.Context, s *session, c *apiclient.Client) error {
	data, err := os.ReadFile(o.keyFile)
	if err != nil {
		return usageErrorf("--public-key: %v", err)
	}
	keys, err := apiclient.ParsePublicKeys(data)
	if err != nil {
		return usageErrorf("--public-key %s: %v", o.keyFile, err)
	}
	rep, err := c.VerifyCheckpoints(ctx, keys)
	if err != nil {
		return err
	}
	if rep.OK && rep.Checkpoints == 0 {
		rep.OK, rep.Detail = false, "the server has no signed checkpoints: nothing could be verified with the key"
	}
	if o.json {
		err = printJSON(s.io.Out, checkpointReport(*rep))
	} else {
		printCheckpoints(s.io.Out, rep)
	}
	if err == nil && !rep.OK {
		err = errChainBroken
	}
	return err
}

func printCheckpoints(w io.Writer, rep *apiclient.CheckpointReport) {
	switch {
	case rep.OK:
		fmt.Fprintf(w, "Checkpoints OK: %d signature(s) verified with the public key; %d checkpointed event(s) still match",
			rep.Checkpoints, rep.Events)
		if rep.AnchorSeq > 0 {
			fmt.Fprintf(w, "; the trail starts after the retention anchor at seq %d", rep.AnchorSeq)
		}
		fmt.Fprintln(w, ".")
	case rep.FirstBadSeq == 0:
		fmt.Fprintf(w, "Checkpoints NOT verified: %s.\n", cell(rep.Detail))
	default:
		fmt.Fprintf(w, "Checkpoints BROKEN at seq %d: %s.\n  %s\n", rep.FirstBadSeq, rep.Reason, cell(rep.Detail))
	}
}

func auditPublicKeyCmd() *command {
	return &command{
		name:    "public-key",
		summary: "Print the public key that verifies audit checkpoints",
		args:    "[--base64 | --json]",
		long: "Prints each key as a PKIX PEM block (the form openssl reads), or with --base64 as the raw\n" +
			"32-byte Ed25519 key in base64, one per line. Either form works with `audit verify --public-key`.",
		example: "switchboard audit public-key > audit-key.pem\nswitchboard audit public-key --base64",
		setup: func(fs *flag.FlagSet) action {
			b64 := fs.Bool("base64", false, "print base64 raw keys instead of PEM")
			asJSON := fs.Bool("json", false, "print the API's JSON")
			return func(ctx context.Context, s *session, args []string) error {
				if err := noArgs(args); err != nil {
					return err
				}
				c, err := s.client()
				if err != nil {
					return err
				}
				keys, err := c.AuditPublicKeys(ctx)
				if err != nil {
					return err
				}
				if *asJSON {
					return printJSON(s.io.Out, keys)
				}
				for _, k := range keys.Keys {
					if *b64 {
						fmt.Fprintln(s.io.Out, k.PublicKey)
					} else {
						fmt.Fprint(s.io.Out, strings.TrimRight(k.PEM, "\n")+"\n")
					}
				}
				return nil
			}
		},
	}
}
