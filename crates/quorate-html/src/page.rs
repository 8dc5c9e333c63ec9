//! The page shell shared by every report: escaping, the inline style and
//! script, and the Content-Security-Policy that allows only those two.

use std::fmt::Write;

use sha2::{Digest, Sha256};

/// Escapes text for HTML element content and quoted attribute values:
/// `&`, `<`, `>`, `"` and `'`. Every string that comes from the inputs
/// (file and member names, strings, signer names, reasons) goes through
/// this one function.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters would be invisible or break the layout.
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// The style of every page. Light and dark through `prefers-color-scheme`,
/// a print layout, visible focus.
pub const CSS: &str = r#"
:root{--bg:#fff;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--panel:#f6f8fa;--accent:#0969da;--bad:#cf222e;--badbg:#ffebe9;--good:#1a7f37;--goodbg:#dafbe1;--warn:#9a6700;--warnbg:#fff8c5;--mark:#ffd7d5;--markfg:#82071e;--sec1:#b6d4fe;--sec2:#d8e6fd;--secd:#ffb3ad;--reg:#d1242f;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#30363d;--panel:#161b22;--accent:#4493f8;--bad:#ff7b72;--badbg:#3c1618;--good:#3fb950;--goodbg:#0f2d1a;--warn:#d29922;--warnbg:#2e2410;--mark:#6e1b1f;--markfg:#ffdcd7;--sec1:#1f4d8f;--sec2:#2a3f5f;--secd:#8e2f2a;--reg:#ff6a69}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:1280px;margin:0 auto;padding:0 1.25rem 3rem}
header.top{border-bottom:1px solid var(--line);background:var(--panel)}
header.top div{max-width:1280px;margin:0 auto;padding:1rem 1.25rem}
h1{font-size:1.5rem;margin:.2rem 0}h1 code{font-size:.85em;background:var(--bg);padding:0 .3rem;border-radius:4px;border:1px solid var(--line)}h2{font-size:1.25rem;margin:2rem 0 .6rem;padding-bottom:.3rem;border-bottom:1px solid var(--line)}
h3{font-size:1.05rem;margin:1.2rem 0 .4rem}h4{font-size:.95rem;margin:1rem 0 .3rem}
a{color:var(--accent)}
a:focus-visible,button:focus-visible,summary:focus-visible,[tabindex]:focus-visible{outline:3px solid var(--accent);outline-offset:2px;border-radius:3px}
.skip{position:absolute;left:-999px;top:0;background:var(--accent);color:#fff;padding:.5rem 1rem;z-index:9}
.skip:focus{left:.5rem;top:.5rem}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
.muted{color:var(--muted)}
.verdict{display:inline-block;white-space:nowrap;font-weight:700;padding:.1rem .55rem;border-radius:1rem;border:1px solid currentColor}
.ok{color:var(--good);background:var(--goodbg)}.bad{color:var(--bad);background:var(--badbg)}.warn{color:var(--warn);background:var(--warnbg)}
nav.toc ol{margin:.3rem 0;padding-left:0;list-style:none;display:flex;flex-wrap:wrap;gap:.3rem 1.4rem}nav.toc h2{font-size:1rem;border:0;margin:1rem 0 0}
.finding{border:1px solid var(--line);border-left:5px solid var(--bad);border-radius:6px;padding:.4rem 1rem .8rem;margin:1rem 0;background:var(--bg)}
.finding.c-high{border-left-color:var(--bad)}.finding.c-medium{border-left-color:var(--warn)}.finding.c-low{border-left-color:var(--muted)}
.badge{display:inline-block;font-size:12px;padding:0 .45rem;border-radius:.6rem;background:var(--panel);border:1px solid var(--line);margin-right:.3rem}
.fix{background:var(--goodbg);border-radius:4px;padding:.35rem .6rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0}
th,td{border:1px solid var(--line);padding:.25rem .5rem;text-align:left;vertical-align:top}
thead th{background:var(--panel)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
table.ev td:first-child{width:22%;min-width:11rem}table.ev td:nth-child(2){width:13%}
tr.diff td,td.diff{background:var(--badbg)}
.val{word-break:break-all;white-space:pre-wrap}
ul.tree,ul.tree ul{list-style:none;padding-left:1.2rem;margin:.1rem 0}
ul.tree li::before{content:"› ";color:var(--muted)}
.map{width:100%;height:auto;display:block;margin:.3rem 0}
.map .s0{fill:var(--sec1)}.map .s1{fill:var(--sec2)}.map .sd{fill:var(--secd)}.map .r{fill:var(--reg)}.map .gap{fill:var(--panel)}
.map text{font:11px ui-monospace,monospace;fill:var(--fg)}
.legend span{display:inline-block;width:.9em;height:.9em;vertical-align:middle;margin:0 .2rem 0 .8rem;border:1px solid var(--line)}
.legend .l0{background:var(--sec1)}.legend .ld{background:var(--secd)}.legend .lr{background:var(--reg)}
.sbs{display:grid;grid-template-columns:1fr 1fr;gap:.8rem}
.sbs>div{min-width:0}
pre.hex{font-size:12px;background:var(--panel);border:1px solid var(--line);border-radius:4px;padding:.4rem .5rem;overflow-x:auto;margin:.2rem 0;line-height:1.35}
mark{background:var(--mark);color:var(--markfg);border-radius:2px}
.off{color:var(--muted)}
details.region{border:1px solid var(--line);border-radius:6px;padding:.3rem .7rem;margin:.5rem 0}
details.region>summary{cursor:pointer;font-weight:600}
ul.strings{margin:.2rem 0;padding-left:1.1rem;word-break:break-all}
button{font:inherit;padding:.25rem .7rem;border:1px solid var(--line);border-radius:5px;background:var(--panel);color:var(--fg);cursor:pointer}
.note{border-left:4px solid var(--warn);padding:.2rem .6rem;background:var(--warnbg);margin:.4rem 0}
@media (max-width:800px){.sbs{grid-template-columns:1fr}}
@media print{.skip,.toolbar,nav.toc{display:none}body{font-size:11px}main{max-width:none}.finding,details.region,table{break-inside:avoid}a{color:inherit;text-decoration:none}pre.hex{white-space:pre-wrap}}
"#;

/// The script of every page: expand/collapse all regions, open the region
/// a link points into, open everything before printing. No inline event
/// handlers: listeners are attached here.
pub const JS: &str = r#"
(function(){
  function all(open){document.querySelectorAll('details').forEach(function(d){d.open=open;});}
  function reveal(){
    var id=decodeURIComponent(location.hash.slice(1));if(!id)return;
    var el=document.getElementById(id);if(!el)return;
    for(var p=el;p;p=p.parentElement){if(p.tagName==='DETAILS')p.open=true;}
    el.scrollIntoView();if(el.focus)el.focus({preventScroll:true});
  }
  var b=document.getElementById('expand-all');
  if(b){b.addEventListener('click',function(){var open=b.getAttribute('aria-pressed')!=='true';all(open);b.setAttribute('aria-pressed',String(open));b.textContent=open?'Collapse all regions':'Expand all regions';});}
  window.addEventListener('hashchange',reveal);
  window.addEventListener('beforeprint',function(){all(true);});
  document.documentElement.setAttribute('data-ready','1');
  reveal();
})();
"#;

fn b64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= c.len() {
                s.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

fn sha256_b64(s: &str) -> String {
    b64(&Sha256::digest(s.as_bytes()))
}

/// The Content-Security-Policy of every page: nothing but the page's own
/// style and script (by hash), no network at all.
pub fn csp() -> String {
    format!(
        "default-src 'none'; style-src 'sha256-{}'; script-src 'sha256-{}'; img-src data:; base-uri 'none'; form-action 'none'",
        sha256_b64(CSS),
        sha256_b64(JS)
    )
}

/// Wraps `body` (already escaped markup) into a full page titled `title`
/// (raw text: escaped here). `toc` is a list of (anchor id, label).
pub fn page(
    title: &str,
    heading: &str,
    summary: &str,
    toc: &[(&str, String)],
    body: &str,
) -> String {
    let mut s = String::with_capacity(body.len() + CSS.len() + JS.len() + 2048);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"generator\" content=\"quorate {}\">\n\
         <title>{}</title>\n<style>{}</style>\n</head>\n<body>\n\
         <a class=\"skip\" href=\"#main\">Skip to the report</a>\n\
         <header class=\"top\"><div><h1>{}</h1>{}</div></header>\n\
         <main id=\"main\" tabindex=\"-1\">\n",
        esc(&csp()),
        env!("CARGO_PKG_VERSION"),
        esc(title),
        CSS,
        heading,
        summary
    );
    if !toc.is_empty() {
        s.push_str("<nav class=\"toc\" aria-label=\"Contents\"><h2>Contents</h2><ol>");
        for (id, label) in toc {
            let _ = write!(s, "<li><a href=\"#{}\">{}</a></li>", esc(id), esc(label));
        }
        s.push_str("</ol></nav>\n");
    }
    s.push_str(body);
    let _ = write!(s, "</main>\n<script>{JS}</script>\n</body>\n</html>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_five() {
        assert_eq!(
            esc("<script>\"a\"&'b'</style>"),
            "&lt;script&gt;&quot;a&quot;&amp;&#39;b&#39;&lt;/style&gt;"
        );
        assert_eq!(esc("a\x07b"), "a\\x07b");
    }

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(b64(b""), "");
        assert_eq!(b64(b"f"), "Zg==");
        assert_eq!(b64(b"fo"), "Zm8=");
        assert_eq!(b64(b"foo"), "Zm9v");
        assert_eq!(b64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn page_has_csp_and_no_inline_handlers() {
        let p = page("t<", "h", "", &[("x", "X".into())], "<p>b</p>");
        assert!(p.contains("Content-Security-Policy"));
        assert!(p.contains("<title>t&lt;</title>"));
        assert!(!p.contains(" onclick="));
        assert!(!p.contains("unsafe-inline"));
        assert!(!p.contains("http://") && !p.contains("https://"));
    }
}
