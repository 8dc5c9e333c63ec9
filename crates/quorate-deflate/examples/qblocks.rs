//! `qblocks FILE [zlib|mult]`: FILE as quorate's parallel packer cuts it
//! (1 MiB blocks, each with the 32 KiB before it as dictionary, level 6),
//! compressed on one thread; prints the compressed size and the time (for
//! measuring the matchers by hand).
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let data = std::fs::read(&args[1]).expect("read input");
    let bs = 1 << 20;
    let m = match args.get(2).map(String::as_str) {
        Some("zlib") => quorate_deflate::blocks::Matcher::Zlib,
        _ => quorate_deflate::blocks::Matcher::Multiplicative,
    };
    let t = std::time::Instant::now();
    let mut total = 0usize;
    let mut s = 0;
    while s < data.len() || s == 0 {
        let e = (s + bs).min(data.len());
        let last = e == data.len();
        let b =
            quorate_deflate::blocks::deflate_block(&data[..s], &data[s..e], 6, last, m).unwrap();
        total += b.len();
        s = e;
        if last {
            break;
        }
    }
    println!("{} bytes {:.3} s", total, t.elapsed().as_secs_f64());
}
