package config

import (
	"errors"
	"flag"
	"slices"
)

// LoadArgs are the inputs of Load. Everything comes in as arguments, so
// Load has no hidden inputs and tests need no process state.
type LoadArgs struct {
	// File is the JSON config file. When empty, SWITCHBOARD_CONFIG from
	// Env names it; when that is empty too, there is no file layer.
	File string
	// Env is the environment in os.Environ form ("KEY=value").
	Env []string
	// Flags is a parsed flag set on which RegisterFlags defined the config
	// flags. Only flags the user set are applied. May be nil.
	Flags *flag.FlagSet
}

// Load builds the effective Config: defaults, then the file, then
// SWITCHBOARD_* env vars, then flags; a later layer wins. Derived
// defaults (master_key_file, public_url) follow the final data_dir and
// addr. The result is validated; on error the returned Config is still
// filled in as far as loading got, for `config show`.
func Load(args LoadArgs) (Config, error) {
	c := defaults()
	file := args.File
	if file == "" {
		file = lookupEnv(args.Env, EnvConfigFile)
	}
	if file != "" {
		if err := loadFile(&c, file); err != nil {
			return c, err
		}
	}
	if err := errors.Join(applyEnv(&c, args.Env), applyFlags(&c, args.Flags)); err != nil {
		return c, err
	}
	c.derive()
	return c, c.Validate()
}

// joinSorted joins errs in message order, so reports are stable whatever
// order the environment or flags came in.
func joinSorted(errs []error) error {
	slices.SortFunc(errs, func(a, b error) int {
		switch {
		case a.Error() < b.Error():
			return -1
		case a.Error() > b.Error():
			return 1
		}
		return 0
	})
	return errors.Join(errs...)
}
