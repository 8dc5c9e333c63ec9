// Command goreleaserpack makes the GoReleaser-style test release of
// quorate's tests the way GoReleaser (v2) makes it with the configuration
// in tests/data/goreleaserstyle/.goreleaser.yaml, using only Go's standard
// library: it runs `go build` per target as GoReleaser does, sets the
// programs' times (mod_timestamp), packs tar.gz with archive/tar +
// compress/gzip at gzip.BestCompression and Windows zips with archive/zip
// and a flate.BestCompression compressor (headers from FileInfoHeader, the
// name, mode and time overridden as GoReleaser's archive pipe does: files
// matched by the `files` globs sorted by destination, then the program
// with mode 0755), and writes `<project>_<version>_checksums.txt` (sha256,
// `<hex>  <name>` lines sorted by name).
//
//	goreleaserpack -project NAME -tag TAG -out DIR [-date D] [-targets os/arch,...]
//
// Run at the root of the project's clean checkout, with go on PATH.
// -date replaces the {{.CommitDate}} linked into main.date (a release
// built from another configuration than the tag's).
package main

import (
	"archive/tar"
	"archive/zip"
	"compress/flate"
	"compress/gzip"
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "goreleaserpack:", err)
		os.Exit(1)
	}
}

func git(args ...string) string {
	out, err := exec.Command("git", args...).Output()
	must(err)
	return strings.TrimSpace(string(out))
}

// file is GoReleaser's config.File: where it comes from, its name in the
// archive, and the mode and time it is given (0 / zero: the file's own).
type file struct {
	src, dst     string
	mode         os.FileMode
	mtime        time.Time
	owner, group string
}

// addTar is GoReleaser's pkg/archive/tar Add.
func addTar(tw *tar.Writer, f file) {
	info, err := os.Lstat(f.src)
	must(err)
	h, err := tar.FileInfoHeader(info, "")
	must(err)
	h.Name = f.dst
	if !f.mtime.IsZero() {
		h.ModTime = f.mtime
	}
	if f.mode != 0 {
		h.Mode = int64(f.mode)
	}
	if f.owner != "" {
		h.Uname = f.owner
	}
	if f.group != "" {
		h.Gname = f.group
	}
	must(tw.WriteHeader(h))
	r, err := os.Open(f.src)
	must(err)
	defer r.Close()
	_, err = io.Copy(tw, r)
	must(err)
}

// addZip is GoReleaser's pkg/archive/zip Add.
func addZip(zw *zip.Writer, f file) {
	info, err := os.Lstat(f.src)
	must(err)
	h, err := zip.FileInfoHeader(info)
	must(err)
	h.Name = f.dst
	h.Method = zip.Deflate
	if !f.mtime.IsZero() {
		h.Modified = f.mtime
	}
	if f.mode != 0 {
		h.SetMode(f.mode)
	}
	w, err := zw.CreateHeader(h)
	must(err)
	r, err := os.Open(f.src)
	must(err)
	defer r.Close()
	_, err = io.Copy(w, r)
	must(err)
}

func main() {
	project := flag.String("project", "", "project name")
	tag := flag.String("tag", "", "the tag checked out")
	out := flag.String("out", "", "folder for the archives and checksums")
	date := flag.String("date", "", "main.date instead of the commit date")
	targets := flag.String("targets", "linux/amd64,darwin/arm64,windows/amd64", "os/arch,...")
	// `archives.files` with their own `info` (mtime, owner, group, mode):
	// README and LICENSE then differ from the program in the archive.
	extraMtime := flag.String("extra-mtime", "", "README/LICENSE time, RFC 3339 (default: the commit date)")
	extraOwner := flag.String("extra-owner", "", "README/LICENSE owner:group names")
	extraMode := flag.Uint("extra-mode", 0, "README/LICENSE mode (default: the file's own)")
	flag.Parse()
	version := strings.TrimPrefix(*tag, "v")
	commit := git("rev-parse", "HEAD")
	ct, err := strconv.ParseInt(git("log", "-1", "--format=%ct"), 10, 64)
	must(err)
	commitDate := time.Unix(ct, 0).UTC().Format(time.RFC3339)
	// The archives' `info.mtime: "{{ .CommitDate }}"`, parsed as
	// GoReleaser parses it.
	mtime, err := time.Parse(time.RFC3339Nano, commitDate)
	must(err)
	if *date == "" {
		*date = commitDate
	}
	ldflags := fmt.Sprintf("-s -w -X main.version=%s -X main.commit=%s -X main.date=%s -X main.builtBy=goreleaser", version, commit, *date)
	must(os.MkdirAll(*out, 0o755))

	// `files: [LICENSE*, README*]`, sorted by destination.
	var extra []file
	for _, glob := range []string{"LICENSE*", "README*"} {
		m, err := filepath.Glob(glob)
		must(err)
		for _, p := range m {
			f := file{src: p, dst: p, mtime: mtime, mode: os.FileMode(*extraMode)}
			if *extraMtime != "" {
				f.mtime, err = time.Parse(time.RFC3339Nano, *extraMtime)
				must(err)
			}
			if *extraOwner != "" {
				f.owner, f.group, _ = strings.Cut(*extraOwner, ":")
			}
			extra = append(extra, f)
		}
	}
	sort.Slice(extra, func(i, j int) bool { return extra[i].dst < extra[j].dst })

	var names []string
	for _, t := range strings.Split(*targets, ",") {
		goos, goarch, _ := strings.Cut(t, "/")
		dir := fmt.Sprintf("dist/%s_%s_%s", *project, goos, goarch)
		if goarch == "amd64" {
			dir += "_v1"
		}
		bin := *project
		if goos == "windows" {
			bin += ".exe"
		}
		binPath := filepath.Join(dir, bin)
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags="+ldflags, "-o", binPath, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		must(cmd.Run())
		// mod_timestamp: "{{ .CommitTimestamp }}".
		must(os.Chtimes(binPath, time.Unix(ct, 0), time.Unix(ct, 0)))

		members := append(append([]file{}, extra...), file{src: binPath, dst: bin, mode: 0o755, mtime: mtime})
		name := fmt.Sprintf("%s_%s_%s_%s", *project, version, goos, goarch)
		if goos == "windows" {
			name += ".zip"
			f, err := os.Create(filepath.Join(*out, name))
			must(err)
			zw := zip.NewWriter(f)
			zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
				return flate.NewWriter(w, flate.BestCompression)
			})
			for _, m := range members {
				addZip(zw, m)
			}
			must(zw.Close())
			must(f.Close())
		} else {
			name += ".tar.gz"
			f, err := os.Create(filepath.Join(*out, name))
			must(err)
			gw, err := gzip.NewWriterLevel(f, gzip.BestCompression)
			must(err)
			tw := tar.NewWriter(gw)
			for _, m := range members {
				addTar(tw, m)
			}
			must(tw.Close())
			must(gw.Close())
			must(f.Close())
		}
		names = append(names, name)
	}

	var lines []string
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(*out, n))
		must(err)
		lines = append(lines, fmt.Sprintf("%x  %s\n", sha256.Sum256(data), n))
	}
	sort.Slice(lines, func(i, j int) bool {
		_, a, _ := strings.Cut(lines[i], "  ")
		_, b, _ := strings.Cut(lines[j], "  ")
		return a < b
	})
	sums := filepath.Join(*out, fmt.Sprintf("%s_%s_checksums.txt", *project, version))
	must(os.WriteFile(sums, []byte(strings.Join(lines, "")), 0o644))
}
