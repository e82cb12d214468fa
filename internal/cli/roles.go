package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/apiclient"
)

func roleCmd() *command {
	return &command{
		name:    "role",
		aliases: []string{"roles"},
		summary: "Manage roles: built-in ones and custom sets of permissions",
		example: "switchboard role list\n" +
			"switchboard role create team-a-editor --permission 'endpoints:read,edit:glob=team-a-*' --permission servers:read\n" +
			"switchboard role assign team-a-editor ada@example.com",
		subs: []*command{roleListCmd(), roleShowCmd(), roleCreateCmd(), roleUpdateCmd(), roleAssignCmd(), roleDeleteCmd()},
	}
}

func roleListCmd() *command {
	return listCmd("List roles with their permissions and how many users have each",
		"switchboard role list\nswitchboard role list --json",
		(*apiclient.Client).ListRoles, printRoles)
}

// printRoles prints one row per role, its permissions in the text form
// of --permission.
func printRoles(w io.Writer, roles []api.Role) error {
	t := newTable(w, "NAME", "USERS", "PERMISSIONS", "DESCRIPTION")
	for _, r := range roles {
		name := r.Name
		if r.Builtin {
			name += " (built-in)"
		}
		t.row(name, fmt.Sprint(r.Users), permissionsText(r.Permissions, " "), r.Description)
	}
	return t.flush()
}

func permissionsText(ps []api.Permission, sep string) string {
	if len(ps) == 0 {
		return "-"
	}
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, formatPermission(p))
	}
	return strings.Join(out, sep)
}

func roleShowCmd() *command {
	return showCmd("Show a role and its permissions",
		"switchboard role show team-a-editor\nswitchboard role show auditor --json",
		(*apiclient.Client).GetRole, printRole)
}

func printRole(w io.Writer, r *api.Role) error {
	kind := "custom"
	if r.Builtin {
		kind = "built-in"
	}
	fmt.Fprintf(w, "Role:         %s (%s)\n", r.Name, kind)
	if r.Description != "" {
		fmt.Fprintf(w, "Description:  %s\n", r.Description)
	}
	fmt.Fprintf(w, "Users:        %d\n", r.Users)
	fmt.Fprintf(w, "Permissions:  %s\n", permissionsText(r.Permissions, "\n              "))
	return nil
}

// roleEditOpts are the flags of role create and role update.
type roleEditOpts struct {
	perms       []api.Permission
	description string
	file        string
	json        bool
	setDesc     bool
}

func (o *roleEditOpts) flags(fs *flag.FlagSet) {
	fs.Func("permission", "a `PERMISSION` such as 'endpoints:read,edit:glob=team-a-*' (repeatable; see above)", func(v string) error {
		p, err := parsePermission(v)
		if err == nil {
			o.perms = append(o.perms, p)
		}
		return err
	})
	fs.Func("description", "`TEXT` that says what the role is for", func(v string) error {
		o.description, o.setDesc = v, true
		return nil
	})
	fs.StringVar(&o.file, "file", "", "read the role from a JSON `FILE`: {\"description\": …, \"permissions\": [{\"resource\", \"actions\", \"conditions\": [{\"op\", \"values\"}]}]}")
	fs.BoolVar(&o.json, "json", false, "print the API's JSON answer")
}

// load fills the permissions and description from --file, refusing to mix
// it with --permission.
func (o *roleEditOpts) load() error {
	if o.file == "" {
		return nil
	}
	if len(o.perms) > 0 {
		return usageErrorf("use --permission or --file, not both")
	}
	raw, err := os.ReadFile(o.file)
	if err != nil {
		return usageErrorf("--file: %v", err)
	}
	var doc struct {
		Description *string          `json:"description"`
		Permissions []api.Permission `json:"permissions"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return usageErrorf("--file %s: %v", o.file, err)
	}
	if doc.Permissions == nil {
		return usageErrorf("--file %s: needs a \"permissions\" list", o.file)
	}
	o.perms = doc.Permissions
	if doc.Description != nil && !o.setDesc {
		o.description, o.setDesc = *doc.Description, true
	}
	return nil
}

func roleCreateCmd() *command {
	return &command{
		name:    "create",
		summary: "Create a custom role",
		args:    "NAME (--permission PERMISSION... | --file FILE) [flags]",
		long:    permissionSyntax,
		example: "switchboard role create team-a-editor --permission 'endpoints:read,edit,connect:glob=team-a-*' --permission servers:read\n" +
			"switchboard role create bots-admin --permission 'service-accounts:read,delete:in=ci|deploy'\n" +
			"switchboard role create reviewers --file role.json",
		setup: func(fs *flag.FlagSet) action {
			o := &roleEditOpts{}
			o.flags(fs)
			return func(ctx context.Context, s *session, args []string) error {
				name, err := oneArg(args, "NAME")
				if err != nil {
					return err
				}
				if err := o.load(); err != nil {
					return err
				}
				if len(o.perms) == 0 {
					return usageErrorf("give the role at least one --permission, or --file")
				}
				c, err := s.client()
				if err != nil {
					return err
				}
				r, err := c.CreateRole(ctx, api.CreateRoleRequest{Name: name, Description: o.description, Permissions: o.perms})
				if err != nil {
					return err
				}
				if o.json {
					return printJSON(s.io.Out, r)
				}
				fmt.Fprintf(s.io.Out, "Created role %q. Give it to a user with:\n  switchboard role assign %s EMAIL\n", r.Name, r.Name)
				return nil
			}
		},
	}
}

func roleUpdateCmd() *command {
	return &command{
		name:    "update",
		summary: "Change a custom role's description or replace its permissions",
		args:    "NAME [--permission PERMISSION... | --file FILE] [--description TEXT] [flags]",
		long:    "--permission and --file replace the whole set. Users of the role get the change within seconds.\n\n" + permissionSyntax,
		example: "switchboard role update team-a-editor --permission 'endpoints:read:glob=team-a-*'\n" +
			"switchboard role update team-a-editor --description \"Team A, read only\"",
		setup: func(fs *flag.FlagSet) action {
			o := &roleEditOpts{}
			o.flags(fs)
			return func(ctx context.Context, s *session, args []string) error {
				name, err := oneArg(args, "NAME")
				if err != nil {
					return err
				}
				if err := o.load(); err != nil {
					return err
				}
				var req api.UpdateRoleRequest
				if o.setDesc {
					req.Description = &o.description
				}
				if len(o.perms) > 0 {
					req.Permissions = &o.perms
				}
				if req.Description == nil && req.Permissions == nil {
					return usageErrorf("nothing to change: give --permission, --file or --description")
				}
				c, err := s.client()
				if err != nil {
					return err
				}
				r, err := c.UpdateRole(ctx, name, req)
				if err != nil {
					return err
				}
				if o.json {
					return printJSON(s.io.Out, r)
				}
				return printRole(s.io.Out, r)
			}
		},
	}
}

func roleAssignCmd() *command {
	return &command{
		name:    "assign",
		summary: "Give a user a role, built-in or custom, in place of their current one",
		args:    "ROLE EMAIL|ID [flags]",
		long:    "The user's tokens follow the new role within seconds. You cannot change your own role,\nnor assign a role that holds permissions you do not hold yourself.",
		example: "switchboard role assign team-a-editor ada@example.com\nswitchboard role assign member ada@example.com",
		setup: func(fs *flag.FlagSet) action {
			asJSON := fs.Bool("json", false, "print the API's JSON answer: the user afterwards")
			return func(ctx context.Context, s *session, args []string) error {
				if len(args) != 2 {
					return usageErrorf("want ROLE EMAIL|ID, got %d arguments", len(args))
				}
				c, err := s.client()
				if err != nil {
					return err
				}
				u, err := c.UpdateUser(ctx, args[1], api.UpdateUserRequest{Role: &args[0]})
				if err != nil {
					return err
				}
				if *asJSON {
					return printJSON(s.io.Out, u)
				}
				fmt.Fprintf(s.io.Out, "%s now has role %s.\n", u.Email, u.Role)
				return nil
			}
		},
	}
}

func roleDeleteCmd() *command {
	return deleteCmd("Delete a custom role that no user has", "role",
		"switchboard role delete team-a-editor", (*apiclient.Client).DeleteRole)
}

// deleteCmd builds a "delete" command that deletes one named thing.
func deleteCmd(summary, noun, example string, del func(*apiclient.Client, context.Context, string) error) *command {
	c := removeCmd(summary, noun, example, del)
	c.name, c.aliases = "delete", []string{"rm", "remove"}
	return c
}
