//! `qgzip LEVEL FILE`: writes what `gzip -LEVEL -n -c FILE` writes, to
//! stdout (for comparing with the real tool by hand and in the benchmark).
use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: qgzip LEVEL FILE");
        std::process::exit(2);
    }
    let level: u32 = args[1].parse().expect("level 1-9");
    let data = std::fs::read(&args[2]).expect("read input");
    let out =
        quorate_deflate::gzip::compress(&data, &quorate_deflate::gzip::GzipOptions::no_name(level))
            .expect("valid options");
    std::io::stdout().write_all(&out).expect("write stdout");
}
