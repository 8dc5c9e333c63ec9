//! `quorate inspect`'s report: format, Go build info, hazards with fixes.

use std::fmt::Write;

use quorate_diff::Inspection;

/// The inspection as text (members indented under their archive).
pub fn render(ins: &Inspection) -> String {
    let mut s = String::new();
    render_into(&mut s, ins, 0);
    s
}

fn render_into(s: &mut String, ins: &Inspection, level: usize) {
    let pad = "  ".repeat(level);
    let _ = writeln!(s, "{pad}{}: {}, {} bytes", ins.path, ins.format, ins.size);
    if let Some(n) = ins.member_count {
        let _ = writeln!(s, "{pad}  {n} members");
    }
    if let Some(go) = &ins.go {
        let _ = writeln!(s, "{pad}  Go build info: {}", go.go_version);
        for l in go.lines() {
            let _ = writeln!(s, "{pad}  \t{l}");
        }
    }
    if ins.hazards.is_empty() {
        let _ = writeln!(s, "{pad}  no reproducibility hazards found");
    }
    for h in &ins.hazards {
        let _ = writeln!(s, "{pad}  hazard {}: {}", h.kind, h.detail);
        let _ = writeln!(s, "{pad}    fix: {}", h.fix);
    }
    for n in &ins.notes {
        let _ = writeln!(s, "{pad}  note: {n}");
    }
    for m in &ins.members {
        render_into(s, m, level + 1);
    }
}
