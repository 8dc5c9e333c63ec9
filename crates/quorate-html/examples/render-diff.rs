//! Development helper: `render-diff A B OUT.html` (the CLI's `quorate diff --html` does the same).
fn main() {
    let v: Vec<String> = std::env::args().collect();
    let (a, b, out) = (&v[1], &v[2], &v[3]);
    let t = std::time::Instant::now();
    let r = quorate_diff::diff_paths(
        a.as_ref(),
        b.as_ref(),
        &quorate_diff::DiffOptions::default(),
    )
    .unwrap();
    let t1 = t.elapsed();
    let o = quorate_html::DiffHtmlOptions {
        a_path: Some(a.into()),
        b_path: Some(b.into()),
        ..Default::default()
    };
    let h = quorate_html::diff_report(&r, &o);
    eprintln!(
        "diff {:?} html {:?} {} bytes",
        t1,
        t.elapsed() - t1,
        h.len()
    );
    quorate_html::write_report(out.as_ref(), &h).unwrap();
}
