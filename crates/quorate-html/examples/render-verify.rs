//! Development helper: `render-verify RELEASE_DIR POLICY OUT.html` (the CLI's
//! `quorate verify --html` does the same).
fn main() {
    let v: Vec<String> = std::env::args().collect();
    let policy = quorate_attest::Policy::load(v[2].as_ref()).unwrap();
    let r = quorate_attest::verify::verify_release(
        v[1].as_ref(),
        &policy,
        quorate_attest::verify::VerifyOptions::default(),
        &quorate_manifest::NoProgress,
    )
    .unwrap();
    let h = quorate_html::verify_report(&r, &quorate_html::VerifyHtmlOptions::default());
    quorate_html::write_report(v[3].as_ref(), &h).unwrap();
}
