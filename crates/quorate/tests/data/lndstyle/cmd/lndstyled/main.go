// Command lndstyled is the daemon of the lnd-style test release.
package main

import (
	"fmt"
	"os"

	"example.com/lndstyle/build"
	"github.com/pkg/errors"
)

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintln(os.Stderr, errors.Wrap(errors.New(os.Args[1]), "unknown argument"))
		os.Exit(2)
	}
	fmt.Println(build.Version(), "daemon")
}
