package main

// This file is simgen merge's command line; explore.Merge does the work.

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"simgen.dev/simgen/internal/explore"
)

// mergeUsage is simgen merge's usage line.
const mergeUsage = "usage: simgen merge [-json out.json] results.json..."

// runMerge is simgen merge.
func runMerge(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("simgen merge", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	out := fs.String("json", "", "Also write the merged results to `file`.")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stdout, mergeUsage)
			return nil
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("%w: simgen merge needs the results files of the shards", errUsage)
	}
	return explore.Merge(fs.Args(), *out, stdout, stderr)
}
