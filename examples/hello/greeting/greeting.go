// Package greeting says hello, and describes the place and time it says it
// from. It is a module of its own so that `go mod vendor` has something to
// vendor without a network.
package greeting

import (
	"fmt"
	"mime"
	"net"
	"time"
)

// Hello returns a greeting for name.
func Hello(name string) string {
	if name == "" {
		name = "world"
	}
	return fmt.Sprintf("Hello, %s!", name)
}

// Facts describes what this program learns from the system: the time in a
// named zone (tzdata), a service port (/etc/services) and a MIME type
// (mime.types). These are exactly the
// lookups whose file locations a Nixpkgs-patched Go toolchain rewrites to
// /nix/store paths, so a patched toolchain changes the binaries.
func Facts(zone string) []string {
	var out []string
	if loc, err := time.LoadLocation(zone); err == nil {
		out = append(out, fmt.Sprintf("time in %s: %s", zone, time.Now().In(loc).Format(time.RFC3339)))
	} else {
		out = append(out, fmt.Sprintf("time zone %s: %v (local zone is %s)", zone, err, time.Local))
	}
	if port, err := net.LookupPort("tcp", "https"); err == nil {
		out = append(out, fmt.Sprintf("https port: %d", port))
	} else {
		out = append(out, fmt.Sprintf("https port: %v", err))
	}
	if t := mime.TypeByExtension(".json"); t != "" {
		out = append(out, fmt.Sprintf("type of .json: %s", t))
	}
	return out
}
