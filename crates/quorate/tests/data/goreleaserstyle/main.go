// Command grstyle is the program of the GoReleaser-style test release:
// its main package is at the module root, as GoReleaser's default
// (`main: .`) builds it, and GoReleaser's default -ldflags set the four
// variables below.
package main

import (
	"fmt"
	"os"

	"github.com/pkg/errors"
)

var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
	builtBy = "unknown"
)

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintln(os.Stderr, errors.Wrap(errors.New(os.Args[1]), "unknown argument"))
		os.Exit(2)
	}
	fmt.Println("grstyle", version, commit, date, builtBy)
}
