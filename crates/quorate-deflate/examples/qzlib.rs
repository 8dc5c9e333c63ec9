//! `qzlib LEVEL FILE`: what Python's `zlib.compress(data, LEVEL)` returns,
//! to stdout (for comparing with zlib by hand).
use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: qzlib LEVEL FILE");
        std::process::exit(2);
    }
    let level: u32 = args[1].parse().expect("level 1-9");
    let data = std::fs::read(&args[2]).expect("read input");
    let out = quorate_deflate::zlib::compress(&data, level).expect("valid level");
    std::io::stdout().write_all(&out).expect("write stdout");
}
