//! `qzip LEVEL OUT.zip PATH...`: what `zip -o -X -LEVEL OUT.zip PATH...`
//! writes (paths in the given order, no recursion), for comparing with the
//! real tool by hand.
use std::os::unix::fs::MetadataExt;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: qzip LEVEL OUT.zip PATH...");
        std::process::exit(2);
    }
    let level: u32 = args[1].parse().expect("level 0-9");
    let out = std::fs::File::create(&args[2]).expect("create output");
    let opts = quorate_deflate::zip::ZipOptions {
        level,
        utc_offset: 0,
    };
    let mut z =
        quorate_deflate::zip::ZipWriter::new(std::io::BufWriter::new(out), opts).expect("options");
    for p in &args[3..] {
        let md = std::fs::metadata(p).expect("stat");
        if md.is_dir() {
            z.add_directory(p, md.mode(), md.mtime()).expect("add dir");
        } else {
            let data = std::fs::read(p).expect("read");
            z.add_file(p, &data, md.mode(), md.mtime())
                .expect("add file");
        }
    }
    z.finish().expect("finish");
}
