// Command gotar is the oracle for quorate-release's Go tar writer
// (src/archive/gotar.rs): it reads one header a line on stdin (fields
// tab-separated: name, typeflag, mode, uid, gid, size, mtime, linkname,
// uname, gname, devmajor, devminor; strings hex-encoded) and writes them
// with archive/tar's Writer, Format left unset as tar.FileInfoHeader leaves
// it, each file's data being byte i = i*7 mod 251. Standard library only.
package main

import (
	"archive/tar"
	"bufio"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "gotar:", err)
		os.Exit(1)
	}
}

func num(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	must(err)
	return n
}

func str(s string) string {
	b, err := hex.DecodeString(s)
	must(err)
	return string(b)
}

func main() {
	tw := tar.NewWriter(os.Stdout)
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) != 12 {
			must(fmt.Errorf("want 12 fields, got %d", len(f)))
		}
		h := &tar.Header{
			Name:     str(f[0]),
			Typeflag: byte(num(f[1])),
			Mode:     num(f[2]),
			Uid:      int(num(f[3])),
			Gid:      int(num(f[4])),
			Size:     num(f[5]),
			ModTime:  time.Unix(num(f[6]), 0),
			Linkname: str(f[7]),
			Uname:    str(f[8]),
			Gname:    str(f[9]),
			Devmajor: num(f[10]),
			Devminor: num(f[11]),
		}
		must(tw.WriteHeader(h))
		data := make([]byte, h.Size)
		for i := range data {
			data[i] = byte(i * 7 % 251)
		}
		_, err := tw.Write(data)
		must(err)
	}
	must(sc.Err())
	must(tw.Close())
}
