// Package build holds what the release's linker flags set.
package build

// Commit is set with -ldflags "-X example.com/lndstyle/build.Commit=...".
var Commit = "dev"

// Version returns the version string the programs print.
func Version() string {
	return "lndstyle " + Commit
}
