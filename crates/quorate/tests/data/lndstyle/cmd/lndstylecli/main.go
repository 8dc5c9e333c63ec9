// Command lndstylecli is the client of the lnd-style test release.
package main

import (
	"fmt"

	"example.com/lndstyle/build"
)

func main() {
	fmt.Println(build.Version(), "client")
}
