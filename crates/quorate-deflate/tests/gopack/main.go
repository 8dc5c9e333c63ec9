// Command gopack is the oracle for quorate-deflate's Go flavour: it packs
// stdin (or files) with Go's standard library the way GoReleaser does and
// writes the result to stdout.
//
//	gopack flate LEVEL < data      raw DEFLATE (compress/flate)
//	gopack gzip LEVEL < data       gzip member (compress/gzip, no name, MTIME 0)
//	gopack gzipname LEVEL NAME MTIME < data   gzip with Name and ModTime set
//	gopack zip LEVEL MTIME FILE...  archive/zip: FileInfoHeader, Name = the
//	                                path as given, Method = Deflate, SetModTime
//	                                (MTIME seconds; -1 keeps the file's;
//	                                MTIME@OFFSET sets Modified in a zone), and
//	                                LEVEL as the registered Deflate compressor
//	                                (-1: archive/zip's own default)
//
// Only the standard library is used.
package main

import (
	"archive/zip"
	"compress/flate"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "gopack:", err)
		os.Exit(1)
	}
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	must(err)
	return n
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: gopack flate|gzip|gzipname|zip LEVEL ...")
		os.Exit(2)
	}
	level := atoi(os.Args[2])
	out := os.Stdout
	switch os.Args[1] {
	case "flate":
		w, err := flate.NewWriter(out, level)
		must(err)
		_, err = io.Copy(w, os.Stdin)
		must(err)
		must(w.Close())
	case "gzip", "gzipname":
		w, err := gzip.NewWriterLevel(out, level)
		must(err)
		if os.Args[1] == "gzipname" {
			w.Name = os.Args[3]
			w.ModTime = time.Unix(int64(atoi(os.Args[4])), 0)
		}
		_, err = io.Copy(w, os.Stdin)
		must(err)
		must(w.Close())
	case "zip":
		// MTIME or MTIME@OFFSET: with an offset (seconds east of UTC),
		// Modified is set directly in that zone, as GoReleaser sets a
		// configured RFC 3339 time.
		stamp, zone, zoned := strings.Cut(os.Args[3], "@")
		mtime := atoi(stamp)
		z := zip.NewWriter(out)
		if level != -1 {
			z.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
				return flate.NewWriter(w, level)
			})
		}
		for _, name := range os.Args[4:] {
			fi, err := os.Stat(name)
			must(err)
			h, err := zip.FileInfoHeader(fi)
			must(err)
			h.Name = name
			if fi.IsDir() {
				h.Name += "/"
			}
			h.Method = zip.Deflate
			if zoned {
				h.Modified = time.Unix(int64(mtime), 0).In(time.FixedZone("release", atoi(zone)))
			} else if mtime != -1 {
				h.SetModTime(time.Unix(int64(mtime), 0))
			}
			w, err := z.CreateHeader(h)
			must(err)
			if !fi.IsDir() {
				f, err := os.Open(name)
				must(err)
				_, err = io.Copy(w, f)
				must(err)
				f.Close()
			}
		}
		must(z.Close())
	default:
		fmt.Fprintln(os.Stderr, "gopack: unknown mode", os.Args[1])
		os.Exit(2)
	}
}
