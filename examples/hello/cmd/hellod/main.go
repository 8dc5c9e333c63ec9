// Command hellod serves a greeting over HTTP.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"strings"

	"example.com/greeting"
)

// Set at link time by quorate: -X main.version=... -X main.commit=...
var (
	version = "dev"
	commit  = "unknown"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	zone := flag.String("zone", "Europe/Paris", "time zone to report")
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Printf("hellod %s (commit %s)\n", version, commit)
		return
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/")
		fmt.Fprintln(w, greeting.Hello(name))
		for _, f := range greeting.Facts(*zone) {
			fmt.Fprintln(w, f)
		}
	})
	log.Printf("hellod %s listening on %s", version, *addr)
	log.Fatal(http.ListenAndServe(*addr, nil))
}
