//! Block emission in the style of GNU gzip's `trees.c` family: symbol
//! tallying, the per-block Huffman tree construction (heap order, tie
//! breaking by depth, the bit-length overflow repair), the choice between
//! stored, fixed and dynamic blocks, and the bit output. Every decision here
//! changes output bytes, so each follows the reference behaviour exactly.

use crate::bits::BitWriter;
use crate::tables::*;

const HEAP_SIZE: usize = 2 * L_CODES + 1;
/// Symbols buffered per block: a block is flushed one short of this.
pub(crate) const LIT_BUFSIZE: usize = 0x8000;
const DIST_BUFSIZE: usize = LIT_BUFSIZE;
/// zlib's symbol buffer at the default memLevel 8.
const ZLIB_LIT_BUFSIZE: usize = 1 << 14;

/// One Huffman tree: per-symbol frequency, code length, code, parent.
struct Tree {
    freq: Vec<u32>,
    len: Vec<u16>,
    code: Vec<u16>,
    dad: Vec<u16>,
    max_code: isize,
}

impl Tree {
    fn new(size: usize) -> Self {
        Tree {
            freq: vec![0; size],
            len: vec![0; size],
            code: vec![0; size],
            dad: vec![0; size],
            max_code: -1,
        }
    }
}

/// The static description of a tree kind.
struct Desc {
    elems: usize,
    extra: &'static [u8],
    extra_base: usize,
    max_length: u32,
    /// Fixed-code lengths, to price the block with the fixed tree.
    stree: Option<&'static [u8]>,
}

static L_DESC: Desc = Desc {
    elems: L_CODES,
    extra: &EXTRA_LBITS,
    extra_base: END_BLOCK + 1,
    max_length: MAX_BITS,
    stree: Some(&STATIC_LLEN),
};
static D_DESC: Desc = Desc {
    elems: D_CODES,
    extra: &EXTRA_DBITS,
    extra_base: 0,
    max_length: MAX_BITS,
    stree: Some(&[5; D_CODES]),
};
static BL_DESC: Desc = Desc {
    elems: BL_CODES,
    extra: &EXTRA_BLBITS,
    extra_base: 0,
    max_length: MAX_BL_BITS,
    stree: None,
};

/// Scratch space shared by the tree builds.
struct Scratch {
    heap: [usize; HEAP_SIZE],
    heap_len: usize,
    heap_max: usize,
    depth: [u8; HEAP_SIZE],
    bl_count: [u16; MAX_BITS as usize + 1],
}

/// Whether the data looked like text, judged on the first block's literals
/// (Info-ZIP stores this in the internal file attributes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileType {
    Unknown,
    Binary,
    Ascii,
}

/// Symbol tally and block writer.
pub(crate) struct Trees {
    pub(crate) bits: BitWriter,
    ltree: Tree,
    dtree: Tree,
    bltree: Tree,
    s: Box<Scratch>,
    /// Literal byte or `length - 3` per symbol.
    l_buf: Vec<u8>,
    /// Distance per symbol, 0 for a literal.
    d_buf: Vec<u16>,
    last_dist: usize,
    opt_len: u64,
    static_len: u64,
    /// Bits written so far, as the reference counts them.
    pub(crate) compressed_len: u64,
    level: u32,
    pub(crate) file_type: FileType,
    /// Info-ZIP: judge text/binary on the first block, and store the whole
    /// input instead when its only block would not shrink.
    zip: bool,
    /// Set when the whole input was kept stored (`bits` then holds it raw).
    pub(crate) stored_file: bool,
    /// zlib: no early end of mostly-literal blocks; a block holds at most
    /// 16 383 symbols (memLevel 8).
    zlib: bool,
    /// zlib: the symbols that end a block (16 383 as zlib's memLevel 8;
    /// [`crate::blocks`] takes up to [`LIT_BUFSIZE`] − 1).
    pub(crate) zlib_block_symbols: usize,
}

impl Trees {
    pub(crate) fn new(level: u32, capacity: usize, zip: bool, zlib: bool) -> Self {
        let mut t = Trees {
            bits: BitWriter::with_capacity(capacity),
            ltree: Tree::new(HEAP_SIZE),
            dtree: Tree::new(2 * D_CODES + 1),
            bltree: Tree::new(2 * BL_CODES + 1),
            s: Box::new(Scratch {
                heap: [0; HEAP_SIZE],
                heap_len: 0,
                heap_max: 0,
                depth: [0; HEAP_SIZE],
                bl_count: [0; MAX_BITS as usize + 1],
            }),
            l_buf: Vec::with_capacity(LIT_BUFSIZE),
            d_buf: Vec::with_capacity(LIT_BUFSIZE),
            last_dist: 0,
            opt_len: 0,
            static_len: 0,
            compressed_len: 0,
            level,
            file_type: FileType::Unknown,
            zip,
            stored_file: false,
            zlib,
            zlib_block_symbols: ZLIB_LIT_BUFSIZE - 1,
        };
        t.init_block();
        t
    }

    fn init_block(&mut self) {
        self.ltree.freq[..L_CODES].fill(0);
        self.dtree.freq[..D_CODES].fill(0);
        self.bltree.freq[..BL_CODES].fill(0);
        self.ltree.freq[END_BLOCK] = 1;
        self.opt_len = 0;
        self.static_len = 0;
        self.l_buf.clear();
        self.d_buf.clear();
        self.last_dist = 0;
    }

    /// Records a literal (`dist == 0`, `lc` the byte) or a match (`lc` is
    /// `length - 3`). Returns true when the block should be flushed now.
    /// `in_length` is the input consumed by the current block so far.
    #[inline(always)]
    pub(crate) fn tally(
        &mut self,
        dist: usize,
        lc: usize,
        in_length: impl FnOnce() -> u64,
    ) -> bool {
        self.l_buf.push(lc as u8);
        self.d_buf.push(dist as u16);
        if dist == 0 {
            self.ltree.freq[lc] += 1;
        } else {
            self.last_dist += 1;
            self.ltree.freq[LENGTH_CODE[lc] as usize + END_BLOCK + 1] += 1;
            self.dtree.freq[d_code(dist - 1)] += 1;
        }
        let last_lit = self.l_buf.len();
        if self.zlib {
            return last_lit == self.zlib_block_symbols;
        }
        if self.level > 2 && last_lit & 0xfff == 0 {
            // Stop the block early if it compresses well and is mostly
            // literals: an upper bound of the compressed size.
            let mut out_length = last_lit as u64 * 8;
            for (&f, &x) in self.dtree.freq[..D_CODES].iter().zip(&EXTRA_DBITS) {
                out_length += f as u64 * (5 + x as u64);
            }
            out_length >>= 3;
            if self.last_dist < last_lit / 2 && out_length < in_length() / 2 {
                return true;
            }
        }
        last_lit == LIT_BUFSIZE - 1 || self.last_dist == DIST_BUFSIZE
    }

    /// Info-ZIP's text test on the block's literals: binary if any
    /// control byte other than TAB, LF, VT, FF, CR, BEL, BS, SUB, ESC
    /// occurs; text if a TAB, LF, CR or byte >= 32 occurs; binary otherwise.
    fn set_file_type(&mut self) {
        let f = &self.ltree.freq;
        let block_listed = |n: usize| (0xf3ff_c07fu32 >> n) & 1 == 1;
        self.file_type = if (0..32).any(|n| block_listed(n) && f[n] != 0) {
            FileType::Binary
        } else if f[9] != 0 || f[10] != 0 || f[13] != 0 || f[32..256].iter().any(|&x| x != 0) {
            FileType::Ascii
        } else {
            FileType::Binary
        };
    }

    /// Ends the current block. `buf` is the block's input when it is still
    /// in the window (a stored block is possible only then).
    pub(crate) fn flush_block(
        &mut self,
        buf: Option<&[u8]>,
        stored_len: u64,
        pad: bool,
        eof: bool,
    ) {
        if self.zip && self.file_type == FileType::Unknown {
            self.set_file_type();
        }
        build_tree(
            &mut self.ltree,
            &L_DESC,
            &mut self.s,
            &mut self.opt_len,
            &mut self.static_len,
        );
        build_tree(
            &mut self.dtree,
            &D_DESC,
            &mut self.s,
            &mut self.opt_len,
            &mut self.static_len,
        );
        let max_blindex = self.build_bl_tree();

        let mut opt_lenb = self.opt_len.wrapping_add(3 + 7) >> 3;
        let static_lenb = self.static_len.wrapping_add(3 + 7) >> 3;
        if static_lenb <= opt_lenb {
            opt_lenb = static_lenb;
        }
        let eofb = eof as u32;
        if self.zip && stored_len <= opt_lenb && eof && self.compressed_len == 0 && buf.is_some() {
            // The only block would not shrink: the file is stored whole.
            self.copy_block(buf.unwrap_or(&[]), false);
            self.compressed_len = stored_len << 3;
            self.stored_file = true;
        } else if stored_len + 4 <= opt_lenb && buf.is_some() {
            self.bits.send(eofb, 3);
            self.compressed_len = (self.compressed_len + 3 + 7) & !7;
            self.compressed_len += (stored_len + 4) << 3;
            self.copy_block(buf.unwrap_or(&[]), true);
        } else if static_lenb == opt_lenb {
            self.bits.send((1 << 1) + eofb, 3);
            self.compress_block(false);
            self.compressed_len = self
                .compressed_len
                .wrapping_add(3)
                .wrapping_add(self.static_len);
        } else {
            self.bits.send((2 << 1) + eofb, 3);
            self.send_all_trees(max_blindex + 1);
            self.compress_block(true);
            self.compressed_len = self
                .compressed_len
                .wrapping_add(3)
                .wrapping_add(self.opt_len);
        }
        self.init_block();
        if eof {
            self.bits.windup();
            self.compressed_len += 7;
        } else if pad && self.compressed_len % 8 != 0 {
            self.bits.send(eofb, 3);
            self.compressed_len = (self.compressed_len + 3 + 7) & !7;
            self.copy_block(&[], true);
        }
    }

    /// An empty stored block, as zlib's `Z_SYNC_FLUSH` ends its output:
    /// the stream is byte-aligned and goes on (`00 00 ff ff`).
    pub(crate) fn sync(&mut self) {
        self.bits.send(0, 3);
        self.copy_block(&[], true);
    }

    fn copy_block(&mut self, buf: &[u8], header: bool) {
        self.bits.windup();
        if header {
            let len = buf.len() as u16;
            self.bits.bytes(&len.to_le_bytes());
            self.bits.bytes(&(!len).to_le_bytes());
        }
        self.bits.bytes(buf);
    }

    fn build_bl_tree(&mut self) -> usize {
        scan_tree(&mut self.bltree, &self.ltree);
        scan_tree(&mut self.bltree, &self.dtree);
        build_tree(
            &mut self.bltree,
            &BL_DESC,
            &mut self.s,
            &mut self.opt_len,
            &mut self.static_len,
        );
        let mut max_blindex = BL_CODES - 1;
        while max_blindex >= 3 {
            if self.bltree.len[BL_ORDER[max_blindex]] != 0 {
                break;
            }
            max_blindex -= 1;
        }
        self.opt_len = self
            .opt_len
            .wrapping_add(3 * (max_blindex as u64 + 1) + 5 + 5 + 4);
        max_blindex
    }

    fn send_all_trees(&mut self, blcodes: usize) {
        let lcodes = (self.ltree.max_code + 1) as u32;
        let dcodes = (self.dtree.max_code + 1) as u32;
        self.bits.send(lcodes - 257, 5);
        self.bits.send(dcodes - 1, 5);
        self.bits.send(blcodes as u32 - 4, 4);
        for &o in &BL_ORDER[..blcodes] {
            self.bits.send(self.bltree.len[o] as u32, 3);
        }
        send_tree(&mut self.bits, &self.bltree, &self.ltree);
        send_tree(&mut self.bits, &self.bltree, &self.dtree);
    }

    fn compress_block(&mut self, dynamic: bool) {
        let (lcode, llen, dcode, dlen): (&[u16], &[u16], &[u16], &[u16]);
        let static_llen16: [u16; 288];
        if dynamic {
            lcode = &self.ltree.code;
            llen = &self.ltree.len;
            dcode = &self.dtree.code;
            dlen = &self.dtree.len;
        } else {
            static_llen16 = STATIC_LLEN.map(|x| x as u16);
            lcode = &STATIC_LCODE;
            llen = &static_llen16;
            dcode = &STATIC_DCODE;
            dlen = &[5; D_CODES];
        }
        let bits = &mut self.bits;
        for (&lc, &dist) in self.l_buf.iter().zip(&self.d_buf) {
            let lc = lc as usize;
            if dist == 0 {
                bits.send(lcode[lc] as u32, llen[lc] as u32);
            } else {
                let code = LENGTH_CODE[lc] as usize;
                let sym = code + END_BLOCK + 1;
                bits.send(lcode[sym] as u32, llen[sym] as u32);
                let extra = EXTRA_LBITS[code] as u32;
                if extra != 0 {
                    bits.send((lc - BASE_LENGTH[code] as usize) as u32, extra);
                }
                let dist = dist as usize - 1;
                let code = d_code(dist);
                bits.send(dcode[code] as u32, dlen[code] as u32);
                let extra = EXTRA_DBITS[code] as u32;
                if extra != 0 {
                    bits.send((dist - BASE_DIST[code] as usize) as u32, extra);
                }
            }
        }
        bits.send(lcode[END_BLOCK] as u32, llen[END_BLOCK] as u32);
    }
}

/// Compares two heap nodes: lower frequency first, then smaller depth.
#[inline(always)]
fn smaller(tree: &Tree, depth: &[u8], n: usize, m: usize) -> bool {
    tree.freq[n] < tree.freq[m] || (tree.freq[n] == tree.freq[m] && depth[n] <= depth[m])
}

fn pqdownheap(tree: &Tree, s: &mut Scratch, mut k: usize) {
    let v = s.heap[k];
    let mut j = k << 1;
    while j <= s.heap_len {
        if j < s.heap_len && smaller(tree, &s.depth, s.heap[j + 1], s.heap[j]) {
            j += 1;
        }
        if smaller(tree, &s.depth, v, s.heap[j]) {
            break;
        }
        s.heap[k] = s.heap[j];
        k = j;
        j <<= 1;
    }
    s.heap[k] = v;
}

fn build_tree(
    tree: &mut Tree,
    desc: &Desc,
    s: &mut Scratch,
    opt_len: &mut u64,
    static_len: &mut u64,
) {
    let elems = desc.elems;
    let mut max_code: isize = -1;
    s.heap_len = 0;
    s.heap_max = HEAP_SIZE;
    for n in 0..elems {
        if tree.freq[n] != 0 {
            s.heap_len += 1;
            s.heap[s.heap_len] = n;
            max_code = n as isize;
            s.depth[n] = 0;
        } else {
            tree.len[n] = 0;
        }
    }
    // At least two codes of non-zero frequency, so every code has a bit.
    while s.heap_len < 2 {
        let new = if max_code < 2 {
            max_code += 1;
            max_code as usize
        } else {
            0
        };
        s.heap_len += 1;
        s.heap[s.heap_len] = new;
        tree.freq[new] = 1;
        s.depth[new] = 0;
        *opt_len = opt_len.wrapping_sub(1);
        if let Some(st) = desc.stree {
            *static_len = static_len.wrapping_sub(st[new] as u64);
        }
    }
    tree.max_code = max_code;

    let mut n = s.heap_len / 2;
    while n >= 1 {
        pqdownheap(tree, s, n);
        n -= 1;
    }

    let mut node = elems;
    loop {
        let n = s.heap[1];
        s.heap[1] = s.heap[s.heap_len];
        s.heap_len -= 1;
        pqdownheap(tree, s, 1);
        let m = s.heap[1];

        s.heap_max -= 1;
        s.heap[s.heap_max] = n;
        s.heap_max -= 1;
        s.heap[s.heap_max] = m;

        tree.freq[node] = tree.freq[n] + tree.freq[m];
        s.depth[node] = s.depth[n].max(s.depth[m]) + 1;
        tree.dad[n] = node as u16;
        tree.dad[m] = node as u16;
        s.heap[1] = node;
        node += 1;
        pqdownheap(tree, s, 1);
        if s.heap_len < 2 {
            break;
        }
    }
    s.heap_max -= 1;
    s.heap[s.heap_max] = s.heap[1];

    gen_bitlen(tree, desc, s, opt_len, static_len);
    gen_codes(tree, max_code, &s.bl_count);
}

fn gen_bitlen(
    tree: &mut Tree,
    desc: &Desc,
    s: &mut Scratch,
    opt_len: &mut u64,
    static_len: &mut u64,
) {
    let max_code = tree.max_code;
    let max_length = desc.max_length as u16;
    s.bl_count.fill(0);
    let mut overflow = 0i32;

    tree.len[s.heap[s.heap_max]] = 0;
    let mut h = s.heap_max + 1;
    while h < HEAP_SIZE {
        let n = s.heap[h];
        let mut bits = tree.len[tree.dad[n] as usize] + 1;
        if bits > max_length {
            bits = max_length;
            overflow += 1;
        }
        tree.len[n] = bits;
        h += 1;
        if n as isize > max_code {
            continue;
        }
        s.bl_count[bits as usize] += 1;
        let xbits = if n >= desc.extra_base {
            desc.extra[n - desc.extra_base] as u64
        } else {
            0
        };
        let f = tree.freq[n] as u64;
        *opt_len = opt_len.wrapping_add(f * (bits as u64 + xbits));
        if let Some(st) = desc.stree {
            *static_len = static_len.wrapping_add(f * (st[n] as u64 + xbits));
        }
    }
    if overflow == 0 {
        return;
    }
    // Move leaves down until the lengths fit, then reassign lengths in
    // order of increasing frequency.
    loop {
        let mut bits = max_length as usize - 1;
        while s.bl_count[bits] == 0 {
            bits -= 1;
        }
        s.bl_count[bits] -= 1;
        s.bl_count[bits + 1] += 2;
        s.bl_count[max_length as usize] -= 1;
        overflow -= 2;
        if overflow <= 0 {
            break;
        }
    }
    let mut h = HEAP_SIZE;
    let mut bits = max_length as usize;
    while bits != 0 {
        let mut n = s.bl_count[bits];
        while n != 0 {
            h -= 1;
            let m = s.heap[h];
            if m as isize > max_code {
                continue;
            }
            if tree.len[m] as usize != bits {
                let delta = (bits as i64 - tree.len[m] as i64) * tree.freq[m] as i64;
                *opt_len = opt_len.wrapping_add(delta as u64);
                tree.len[m] = bits as u16;
            }
            n -= 1;
        }
        bits -= 1;
    }
}

fn gen_codes(tree: &mut Tree, max_code: isize, bl_count: &[u16; MAX_BITS as usize + 1]) {
    let mut next_code = [0u16; MAX_BITS as usize + 1];
    let mut code = 0u16;
    for bits in 1..=MAX_BITS as usize {
        code = code.wrapping_add(bl_count[bits - 1]) << 1;
        next_code[bits] = code;
    }
    for n in 0..=max_code.max(-1) {
        if n < 0 {
            break;
        }
        let n = n as usize;
        let len = tree.len[n] as usize;
        if len == 0 {
            continue;
        }
        tree.code[n] = bi_reverse(next_code[len] as u32, len as u32) as u16;
        next_code[len] = next_code[len].wrapping_add(1);
    }
}

/// The length of code `n + 1` as the run-length coder sees it: past
/// `max_code` a guard that equals no real length.
#[inline]
fn next_len(tree: &Tree, n: usize) -> u32 {
    if n as isize + 1 > tree.max_code {
        0xffff
    } else {
        tree.len[n + 1] as u32
    }
}

/// One run of the code-length encoding of a tree (RFC 1951 §3.2.7), cut
/// where gzip cuts them.
enum LenRun {
    /// `count` lengths `len`, sent one by one.
    Each { len: usize, count: u32 },
    /// Length `len` (sent once first when `lead`), then repeated `count`
    /// (3-6) times with code 16.
    Repeat { len: usize, lead: bool, count: u32 },
    /// `count` zero lengths (3-138), code 17 or 18.
    Zeros { count: u32 },
}

/// Walks `tree`'s code lengths as runs, in order.
fn len_runs(tree: &Tree, mut f: impl FnMut(LenRun)) {
    let mut prevlen: i32 = -1;
    let mut nextlen = tree.len[0] as u32;
    let mut count = 0u32;
    let (mut max_count, mut min_count) = if nextlen == 0 { (138, 3) } else { (7, 4) };
    for n in 0..=tree.max_code as usize {
        let curlen = nextlen;
        nextlen = next_len(tree, n);
        count += 1;
        if count < max_count && curlen == nextlen {
            continue;
        } else if count < min_count {
            f(LenRun::Each {
                len: curlen as usize,
                count,
            });
        } else if curlen != 0 {
            let lead = curlen as i32 != prevlen;
            f(LenRun::Repeat {
                len: curlen as usize,
                lead,
                count: if lead { count - 1 } else { count },
            });
        } else {
            f(LenRun::Zeros { count });
        }
        count = 0;
        prevlen = curlen as i32;
        (max_count, min_count) = if nextlen == 0 {
            (138, 3)
        } else if curlen == nextlen {
            (6, 3)
        } else {
            (7, 4)
        };
    }
}

/// Counts the code-length symbols needed to send `tree`.
fn scan_tree(bl: &mut Tree, tree: &Tree) {
    len_runs(tree, |run| match run {
        LenRun::Each { len, count } => bl.freq[len] += count,
        LenRun::Repeat { len, lead, .. } => {
            if lead {
                bl.freq[len] += 1;
            }
            bl.freq[REP_3_6] += 1;
        }
        LenRun::Zeros { count } if count <= 10 => bl.freq[REPZ_3_10] += 1,
        LenRun::Zeros { .. } => bl.freq[REPZ_11_138] += 1,
    });
}

/// Sends `tree`'s code lengths with the code-length tree `bl`.
fn send_tree(bits: &mut BitWriter, bl: &Tree, tree: &Tree) {
    let send =
        |bits: &mut BitWriter, sym: usize| bits.send(bl.code[sym] as u32, bl.len[sym] as u32);
    len_runs(tree, |run| match run {
        LenRun::Each { len, count } => {
            for _ in 0..count {
                send(bits, len);
            }
        }
        LenRun::Repeat { len, lead, count } => {
            if lead {
                send(bits, len);
            }
            send(bits, REP_3_6);
            bits.send(count - 3, 2);
        }
        LenRun::Zeros { count } if count <= 10 => {
            send(bits, REPZ_3_10);
            bits.send(count - 3, 3);
        }
        LenRun::Zeros { count } => {
            send(bits, REPZ_11_138);
            bits.send(count - 11, 7);
        }
    });
}
