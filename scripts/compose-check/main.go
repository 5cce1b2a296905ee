// compose-check loads a compose file the way `docker compose config` does — with compose-go, the
// loader of the docker compose CLI: schema validation, interpolation, normalization and the
// consistency checks (depends_on, networks, volumes, secrets that name nothing) — and prints the
// normalized project as JSON on stdout. An invalid file: the loader's error on stderr, exit 1.
//
//	compose-check [--project-directory DIR] FILE
//
// The project directory (default: the file's) is where relative paths resolve, as with
// `docker compose --project-directory`. Only the project directory's .env is read, not this
// process's environment, so that the result does not depend on the shell it runs in.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	dir := flag.String("project-directory", "", "where relative paths resolve (default: the compose file's directory)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: compose-check [--project-directory DIR] FILE")
		os.Exit(2)
	}
	options, err := cli.NewProjectOptions([]string{flag.Arg(0)},
		cli.WithWorkingDirectory(*dir),
		cli.WithDotEnv,
		cli.WithName("jobtrace"),
		cli.WithResolvedPaths(true),
		cli.WithNormalization(true),
		cli.WithConsistency(true))
	if err == nil {
		err = load(options)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "compose-check:", err)
		os.Exit(1)
	}
}

func load(options *cli.ProjectOptions) error {
	project, err := options.LoadProject(context.Background())
	if err != nil {
		return err
	}
	out, err := project.MarshalJSON()
	if err != nil {
		return err
	}
	_, err = fmt.Println(string(out))
	return err
}
