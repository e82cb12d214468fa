package config

import (
	"flag"
	"fmt"
)

// fieldFlag is the flag.Value of one config field. It keeps the raw text;
// Load applies it after the file and env layers, and only when the user
// set the flag.
type fieldFlag struct {
	f   field
	raw string
}

// String implements flag.Value.
func (v *fieldFlag) String() string { return v.raw }

// Set implements flag.Value; a bad value fails flag parsing right away.
func (v *fieldFlag) Set(s string) error {
	var scratch Config
	if err := setString(v.f.ptr(&scratch), s); err != nil {
		return err
	}
	v.raw = s
	return nil
}

// IsBoolFlag lets boolean fields be set with a bare --name.
func (v *fieldFlag) IsBoolFlag() bool {
	_, ok := v.f.ptr(&Config{}).(*bool)
	return ok
}

// RegisterFlags defines a flag for each config field on fs, named after
// its path (log.level → -log-level), with the default as its default
// text. With paths, only those fields get flags (e.g. "addr", "data_dir");
// an unknown path panics, as a duplicate flag does. The secret master_key
// never gets a flag: command lines are visible to other local users.
// Pass the parsed fs to Load as LoadArgs.Flags.
func RegisterFlags(fs *flag.FlagSet, paths ...string) {
	def := Default()
	for _, f := range flagFields(paths) {
		v := &fieldFlag{f: f, raw: formatValue(f.ptr(&def))}
		fs.Var(v, f.flagName(), f.usage)
	}
}

// flagFields returns the fields named by paths, or all non-secret ones.
func flagFields(paths []string) []field {
	if len(paths) == 0 {
		var out []field
		for _, f := range fields {
			if !f.secret {
				out = append(out, f)
			}
		}
		return out
	}
	out := make([]field, 0, len(paths))
	for _, p := range paths {
		f, ok := fieldByPath(p)
		if !ok || f.secret {
			panic(fmt.Sprintf("config: no flag for %q", p))
		}
		out = append(out, f)
	}
	return out
}

// applyFlags copies the flags the user set (fs.Visit) into c. Flags not
// defined by RegisterFlags, such as --config, are ignored.
func applyFlags(c *Config, fs *flag.FlagSet) error {
	if fs == nil {
		return nil
	}
	var errs []error
	fs.Visit(func(fl *flag.Flag) {
		v, ok := fl.Value.(*fieldFlag)
		if !ok {
			return
		}
		if err := setString(v.f.ptr(c), v.raw); err != nil {
			errs = append(errs, fmt.Errorf("-%s: %s: %w", fl.Name, v.f.path, err))
		}
	})
	return joinSorted(errs)
}
