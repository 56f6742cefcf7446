package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/xaso-vn/xaso/internal/config"
)

// sub is a subcommand of a command group such as `xaso user add`.
type sub struct {
	name     string
	synopsis string
	setup    func(fs *flag.FlagSet, cfg *config.Config) runner
}

// group builds a command whose first argument picks one of subs; each sub has its own
// flags, plus the data flags, after its name.
func group(name, summary, help string, subs ...sub) *command {
	return groupWithDefault(name, summary, help, "", subs...)
}

// groupWithDefault is group where arguments that begin with a flag go to the sub named
// def: `xaso report --from …` is `xaso report one-stop --from …`.
func groupWithDefault(name, summary, help, def string, subs ...sub) *command {
	var syn []string
	for _, s := range subs {
		syn = append(syn, name+" "+s.synopsis)
	}
	c := &command{name: name, summary: summary, synopsis: strings.Join(syn, "\n       xaso "), defaultSub: def}
	c.help = help
	c.setup = func(fs *flag.FlagSet, cfg *config.Config) runner {
		cfg.DataFlags(fs)
		return func(ctx context.Context, sio stdio, args []string) error {
			if len(args) == 0 {
				return usagef("thiếu lệnh con")
			}
			for _, s := range subs {
				if s.name != args[0] {
					continue
				}
				sfs := flag.NewFlagSet(name+" "+s.name, flag.ContinueOnError)
				sfs.SetOutput(io.Discard)
				cfg.DataFlags(sfs)
				r := s.setup(sfs, cfg)
				if err := sfs.Parse(args[1:]); err != nil {
					if errors.Is(err, flag.ErrHelp) {
						fmt.Fprintf(sio.out, "Cách dùng (usage): xaso %s %s\n\nCờ (flags):\n", name, s.synopsis)
						sfs.SetOutput(sio.out)
						sfs.PrintDefaults()
						return err
					}
					return usagef("%v", err)
				}
				return r(ctx, sio, sfs.Args())
			}
			return usagef("không có lệnh con %q", args[0])
		}
	}
	return c
}
