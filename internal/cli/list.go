package cli

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/apiclient"
)

// listCmd builds a "list" command: it fetches a collection and prints it as
// a table, or as the API's {"items": […]} JSON with --json.
func listCmd[T any](summary, example string,
	fetch func(*apiclient.Client, context.Context) ([]T, error),
	print func(io.Writer, []T) error,
) *command {
	return &command{
		name:    "list",
		aliases: []string{"ls"},
		summary: summary,
		example: example,
		setup: func(fs *flag.FlagSet) action {
			asJSON := fs.Bool("json", false, "print the API's JSON")
			return func(ctx context.Context, s *session, args []string) error {
				if err := noArgs(args); err != nil {
					return err
				}
				c, err := s.client()
				if err != nil {
					return err
				}
				items, err := fetch(c, ctx)
				if err != nil {
					return err
				}
				if *asJSON {
					return printJSON(s.io.Out, api.List[T]{Items: orEmpty(items)})
				}
				return print(s.io.Out, items)
			}
		},
	}
}

// showCmd builds a "show" command: it fetches one named thing and prints
// it, or the API's JSON with --json.
func showCmd[T any](summary, example string,
	fetch func(*apiclient.Client, context.Context, string) (*T, error),
	print func(io.Writer, *T) error,
) *command {
	return &command{
		name:    "show",
		aliases: []string{"get"},
		summary: summary,
		args:    "NAME [flags]",
		example: example,
		setup: func(fs *flag.FlagSet) action {
			asJSON := fs.Bool("json", false, "print the API's JSON")
			return func(ctx context.Context, s *session, args []string) error {
				name, err := oneArg(args, "NAME")
				if err != nil {
					return err
				}
				c, err := s.client()
				if err != nil {
					return err
				}
				v, err := fetch(c, ctx, name)
				if err != nil {
					return err
				}
				if *asJSON {
					return printJSON(s.io.Out, v)
				}
				return print(s.io.Out, v)
			}
		},
	}
}

// removeCmd builds a "remove" command that deletes one named thing.
func removeCmd(summary, noun, example string, del func(*apiclient.Client, context.Context, string) error) *command {
	return &command{
		name:    "remove",
		aliases: []string{"rm", "delete"},
		summary: summary,
		args:    "NAME",
		example: example,
		setup: func(fs *flag.FlagSet) action {
			return func(ctx context.Context, s *session, args []string) error {
				name, err := oneArg(args, "NAME")
				if err != nil {
					return err
				}
				c, err := s.client()
				if err != nil {
					return err
				}
				if err := del(c, ctx, name); err != nil {
					return err
				}
				_, err = fmt.Fprintf(s.io.Out, "Removed %s %s.\n", noun, name)
				return err
			}
		},
	}
}
