//! The element hash: 64-bit MurmurHash2 (`MurmurHash64A`) with Redis's seed,
//! and the split of a hash into a register index and a run length.

use super::{P, Q, REGISTERS};

/// The seed Redis passes to MurmurHash64A for HyperLogLog elements.
pub const SEED: u32 = 0xadc8_3b19;

const MUL: u64 = 0xc6a4_a793_5bd1_e995;
const SHIFT: u32 = 47;

/// MurmurHash64A of `data` with `seed`, reading 8-byte blocks little-endian
/// whatever the host (Redis's endian-neutral variant).
///
/// The length enters the initial state as a C `int`, as Redis passes it.
pub fn murmur64a(data: &[u8], seed: u32) -> u64 {
    // Redis narrows the length to `int` and widens it again to 64 bits.
    let len = data.len() as i32 as i64 as u64;
    let mut h = u64::from(seed) ^ len.wrapping_mul(MUL);
    let mut blocks = data.chunks_exact(8);
    for block in &mut blocks {
        let mut k = u64::from_le_bytes(block.try_into().expect("8-byte block"));
        k = k.wrapping_mul(MUL);
        k ^= k >> SHIFT;
        k = k.wrapping_mul(MUL);
        h ^= k;
        h = h.wrapping_mul(MUL);
    }
    let tail = blocks.remainder();
    if !tail.is_empty() {
        for (i, &b) in tail.iter().enumerate() {
            h ^= u64::from(b) << (8 * i);
        }
        h = h.wrapping_mul(MUL);
    }
    h ^= h >> SHIFT;
    h = h.wrapping_mul(MUL);
    h ^= h >> SHIFT;
    h
}

/// The register an element lands in and the value it proposes for it:
/// the low 14 bits of the hash pick the register; the value is one more
/// than the number of trailing zero bits of the remaining 50 bits, with
/// bit 50 forced to one so the value is at most 51.
pub fn pattern(element: &[u8]) -> (usize, u8) {
    let hash = murmur64a(element, SEED);
    let index = (hash & (REGISTERS as u64 - 1)) as usize;
    let rest = (hash >> P) | (1u64 << Q);
    (index, rest.trailing_zeros() as u8 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vectors() {
        assert_eq!(murmur64a(b"a", SEED), 0x53d2_470a_9b43_b1a7);
        assert_eq!(pattern(b"a"), (12711, 2));
        assert_eq!(pattern(b"foo"), (7348, 5));
        assert_eq!(pattern(b"hello"), (9216, 1));
        assert_eq!(pattern(b"redis"), (9467, 2));
        assert_eq!(pattern(b""), (5938, 2));
    }

    #[test]
    fn run_length_is_bounded() {
        // Every length class up to two blocks plus a tail.
        for len in 0..40 {
            let data: Vec<u8> = (0..len as u8).collect();
            let (index, count) = pattern(&data);
            assert!(index < REGISTERS);
            assert!((1..=51).contains(&count));
        }
    }
}
