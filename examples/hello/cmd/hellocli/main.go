// Command hellocli prints a greeting and what it learns from the system.
package main

import (
	"flag"
	"fmt"

	"example.com/greeting"
)

// Set at link time by quorate: -X main.version=... -X main.commit=...
var (
	version = "dev"
	commit  = "unknown"
)

func main() {
	zone := flag.String("zone", "Asia/Tokyo", "time zone to report")
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Printf("hellocli %s (commit %s)\n", version, commit)
		return
	}
	fmt.Println(greeting.Hello(flag.Arg(0)))
	for _, f := range greeting.Facts(*zone) {
		fmt.Println(f)
	}
}
