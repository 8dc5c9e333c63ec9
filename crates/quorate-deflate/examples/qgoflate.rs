//! `qgoflate GOVERSION LEVEL FILE`: writes what Go's
//! `flate.NewWriter(w, LEVEL)` writes for FILE to stdout (for comparing
//! with Go by hand and in `scripts/bench-goflate`).
use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 {
        eprintln!("usage: qgoflate GOVERSION LEVEL FILE");
        std::process::exit(2);
    }
    let version =
        quorate_deflate::goflate::GoVersion::of(&args[1]).expect("a Go version this crate knows");
    let level: i32 = args[2].parse().expect("level -2..9");
    let data = std::fs::read(&args[3]).expect("read input");
    let out = quorate_deflate::goflate::deflate_raw(&data, level, version).expect("valid level");
    std::io::stdout().write_all(&out).expect("write stdout");
}
