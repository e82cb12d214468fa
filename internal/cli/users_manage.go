package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// passwordRefused is why no command takes a password as a flag value.
var passwordRefused = map[string]string{
	"password": "a password on the command line stays in shell history and the process list; pipe it into --password-stdin",
	"secret":   secretRefused,
}

type userCreateOpts struct {
	email, role, name string
	passwordStdin     bool
	json              bool
}

func userCreateCmd() *command {
	return &command{
		name:    "create",
		summary: "Create a local user, optionally with a password",
		args:    "--email EMAIL --role ROLE [flags]",
		long: "Roles: admin, editor, auditor, member. Without --password-stdin the user cannot sign in\n" +
			"until you run `switchboard user reset-password`. Passwords have 12 to 256 characters.",
		example: "switchboard user create --email ada@example.com --role member\n" +
			"printf %s \"$PASSWORD\" | switchboard user create --email ada@example.com --role editor --password-stdin",
		refused: passwordRefused,
		setup: func(fs *flag.FlagSet) action {
			o := &userCreateOpts{}
			fs.StringVar(&o.email, "email", "", "the user's `EMAIL` (required)")
			fs.StringVar(&o.role, "role", "", "`ROLE`: admin, editor, auditor, member or a custom role from `switchboard role list` (required)")
			fs.StringVar(&o.name, "name", "", "display `NAME`")
			fs.BoolVar(&o.passwordStdin, "password-stdin", false, "read the initial password from stdin")
			fs.BoolVar(&o.json, "json", false, "print the API's JSON")
			return o.run
		},
	}
}

func (o *userCreateOpts) run(ctx context.Context, s *session, args []string) error {
	if err := noArgs(args); err != nil {
		return err
	}
	if o.email == "" || o.role == "" {
		return usageErrorf("missing --email EMAIL or --role ROLE")
	}
	req := api.CreateUserRequest{Email: o.email, Role: o.role, Name: o.name}
	if o.passwordStdin {
		pw, err := readSecretStdin(s, o.email)
		if err != nil {
			return err
		}
		req.Password = pw
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	u, err := c.CreateUser(ctx, req)
	if err != nil {
		return err
	}
	if o.json {
		return printJSON(s.io.Out, u)
	}
	how := "set a password with `switchboard user reset-password " + u.Email + " --password-stdin`"
	if o.passwordStdin {
		how = "they can sign in now"
	}
	fmt.Fprintf(s.io.Out, "Created %s %s (%s); %s.\n", u.Role, u.Email, u.ID, how)
	return nil
}

// userSetDisabledCmd builds "user disable" and "user enable".
func userSetDisabledCmd(name string, disabled bool) *command {
	summary, done := "Enable a disabled user", "Enabled"
	if disabled {
		summary, done = "Disable a user: sign them out and stop their tokens", "Disabled"
	}
	return &command{
		name:    name,
		summary: summary,
		args:    "EMAIL|ID",
		example: "switchboard user " + name + " ada@example.com",
		setup: func(fs *flag.FlagSet) action {
			return func(ctx context.Context, s *session, args []string) error {
				user, err := oneArg(args, "EMAIL|ID")
				if err != nil {
					return err
				}
				c, err := s.client()
				if err != nil {
					return err
				}
				u, err := c.UpdateUser(ctx, user, api.UpdateUserRequest{Disabled: &disabled})
				if err != nil {
					return err
				}
				fmt.Fprintf(s.io.Out, "%s %s.\n", done, u.Email)
				return nil
			}
		},
	}
}

func userResetPasswordCmd() *command {
	return &command{
		name:    "reset-password",
		summary: "Set a user's password from stdin; they are signed out everywhere",
		args:    "EMAIL|ID --password-stdin",
		example: "switchboard user reset-password ada@example.com --password-stdin < password.txt\n" +
			"printf %s \"$PASSWORD\" | switchboard user reset-password ada@example.com --password-stdin",
		refused: passwordRefused,
		setup: func(fs *flag.FlagSet) action {
			fromStdin := fs.Bool("password-stdin", false, "read the new password from stdin (required)")
			return func(ctx context.Context, s *session, args []string) error {
				user, err := oneArg(args, "EMAIL|ID")
				if err != nil {
					return err
				}
				if !*fromStdin {
					return usageErrorf("missing --password-stdin: pipe the new password into it")
				}
				pw, err := readSecretStdin(s, user)
				if err != nil {
					return err
				}
				c, err := s.client()
				if err != nil {
					return err
				}
				if err := c.SetPassword(ctx, user, pw); err != nil {
					return err
				}
				fmt.Fprintf(s.io.Out, "Password of %s replaced; their browser sessions ended.\n", user)
				return nil
			}
		},
	}
}
