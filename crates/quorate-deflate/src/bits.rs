//! LSB-first bit output (RFC 1951 section 3.1.1).

/// Packs bits into bytes, least significant bit first.
#[derive(Debug, Default)]
pub(crate) struct BitWriter {
    pub(crate) out: Vec<u8>,
    pub(crate) buf: u64,
    pub(crate) n: u32,
}

impl BitWriter {
    /// An empty writer whose output has room for `capacity` bytes.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        BitWriter {
            out: Vec::with_capacity(capacity),
            ..Default::default()
        }
    }

    /// Appends the low `len` bits of `value` (`len` <= 32, `value` < 2^len).
    #[inline(always)]
    pub(crate) fn send(&mut self, value: u32, len: u32) {
        debug_assert!(len <= 32 && (len == 32 || value >> len == 0));
        self.buf |= (value as u64) << self.n;
        self.n += len;
        if self.n >= 32 {
            self.out.extend_from_slice(&(self.buf as u32).to_le_bytes());
            self.buf >>= 32;
            self.n -= 32;
        }
    }

    /// Pads with zero bits to a byte boundary.
    pub(crate) fn windup(&mut self) {
        while self.n > 0 {
            self.out.push(self.buf as u8);
            self.buf >>= 8;
            self.n = self.n.saturating_sub(8);
        }
        self.buf = 0;
    }

    /// Appends whole bytes (the writer must be byte-aligned).
    pub(crate) fn bytes(&mut self, data: &[u8]) {
        debug_assert_eq!(self.n, 0);
        self.out.extend_from_slice(data);
    }
}
