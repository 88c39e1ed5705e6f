//! Structural cache keys: a 128-bit hash computed once when a node is built, from its kind, its
//! SQL-affecting data and its children's keys. Bound values never enter a key.

use std::hash::{DefaultHasher, Hasher};

pub type Key = u128;

/// Two independently salted SipHash streams give 128 bits, which makes an accidental collision
/// between two statement shapes (and so wrong SQL from the cache) negligible.
pub struct KeyBuilder {
    a: DefaultHasher,
    b: DefaultHasher,
}

impl KeyBuilder {
    pub fn new(tag: &str) -> Self {
        let a = DefaultHasher::new();
        let mut b = DefaultHasher::new();
        b.write_u64(0x9e37_79b9_7f4a_7c15);
        let mut kb = KeyBuilder { a, b };
        kb.str(tag);
        kb
    }

    pub fn u64(&mut self, x: u64) -> &mut Self {
        self.a.write_u64(x);
        self.b.write_u64(x);
        self
    }

    pub fn str(&mut self, s: &str) -> &mut Self {
        self.a.write(s.as_bytes());
        self.a.write_u8(0xff);
        self.b.write(s.as_bytes());
        self.b.write_u8(0xff);
        self
    }

    pub fn opt_str(&mut self, s: Option<&str>) -> &mut Self {
        match s {
            Some(s) => self.u64(1).str(s),
            None => self.u64(0),
        }
    }

    pub fn key(&mut self, k: Key) -> &mut Self {
        self.u64(k as u64).u64((k >> 64) as u64)
    }

    pub fn finish(&self) -> Key {
        ((self.a.finish() as u128) << 64) | self.b.finish() as u128
    }
}
