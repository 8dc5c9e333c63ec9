//! The build-file reader `quorate init` and `quorate reproduce` use
//! (`quorate_release::recipe_source`), on untrusted text split into a
//! Makefile, a `.mk` file and a release script: never panics, never runs
//! anything, and every value it proposes passes the grammar the config and
//! the build check (tags, `-X` definitions, packages, git commands), and
//! the quorate.toml `init` renders from it parses.
// libFuzzer brings `main`; compiled as a test (`cargo test --all-targets`)
// the test harness does, so such a run ends instead of fuzzing forever.
#![cfg_attr(not(test), no_main)]
use libfuzzer_sys::fuzz_target;
use quorate_release::config::Config;
use quorate_release::init::{GoModule, render_init};
use quorate_release::recipe_source::{GitValues, parse_git_command, scan, words};
use quorate_release::untrusted;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(3, '\u{0}');
    let files: Vec<(String, String)> = ["Makefile", "make/release_flags.mk", "scripts/release.sh"]
        .iter()
        .zip(parts.by_ref())
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    for git in [
        GitValues::Templates,
        GitValues::Checkout {
            dir: None,
            tag: "v1.0.0",
            commit: "0123456789abcdef0123456789abcdef01234567",
            exclude: Some("v1.0.0"),
        },
    ] {
        let f = scan(&files, git);
        assert!(f.x.len() + f.unresolved_x.len() <= 256);
        for x in &f.x {
            match git {
                GitValues::Templates => {
                    untrusted::ldflags_entry(&format!("-X {}", x.definition)).unwrap()
                }
                GitValues::Checkout { .. } => untrusted::x_definition(&x.definition).unwrap(),
            }
        }
        for t in f.tags.iter().flat_map(|t| &t.tags) {
            untrusted::tag(t).unwrap();
        }
        for p in &f.packages {
            untrusted::package(&p.definition).unwrap();
        }
        if let Some(g) = &f.go_version {
            untrusted::go_version(&g.definition).unwrap();
        }
        if matches!(git, GitValues::Templates) {
            let m = GoModule {
                path: "example.com/m".into(),
                go_directive: None,
                toolchain_directive: None,
                main_packages: vec!["./cmd/m".into()],
                other_mains: vec![("./x".into(), "why".into())],
                nested_modules: vec!["./n".into()],
                source: f,
            };
            let text = render_init(&m, "1.27.3");
            if let Err(e) = Config::parse(&text, std::path::Path::new("quorate.toml")) {
                panic!("{e}\n{text}");
            }
        }
    }
    for line in text.lines().take(64) {
        if let Some(c) = parse_git_command(line) {
            assert!(matches!(c.args[0].as_str(), "describe" | "rev-parse"));
            for a in &c.args[1..] {
                assert!(!a.contains(char::is_whitespace) && !a.contains(['$', '`', ';', '|', '&']));
                assert!(a == "HEAD" || a.starts_with("--") || !a.starts_with('-'));
            }
        }
        let _ = words(line);
    }
});
