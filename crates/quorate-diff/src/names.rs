//! Untrusted names (archive members, paths) made safe to show: nothing in a
//! name can reorder, hide or colour text in a terminal or a page.

/// A member name for display: lossy UTF-8 with control, bidirectional
/// (right-to-left override, isolates) and zero-width characters escaped as
/// `\u{…}`, so a name cannot reorder or hide text in a terminal or page.
pub fn display_name(name: &[u8]) -> String {
    escape_text(&String::from_utf8_lossy(name))
}

/// [`display_name`] for text already decoded.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_hidden_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Control, bidirectional-formatting and zero-width characters.
pub fn is_hidden_char(c: char) -> bool {
    c.is_control()
        || matches!(c as u32,
            0x061c | 0x115f | 0x1160 | 0x180e | 0x200b..=0x200f | 0x2028..=0x202e
            | 0x2060..=0x206f | 0x3164 | 0xfe00..=0xfe0f | 0xfeff | 0xfff9..=0xfffb)
}
