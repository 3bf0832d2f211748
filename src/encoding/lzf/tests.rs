use proptest::prelude::*;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::*;
use crate::encoding::fuzz::lzf_bytes;

/// Inputs LZF finds matches in: snippets from a small pool repeated and
/// interleaved, sometimes with a stray byte between them.
fn repetitive() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec(prop::collection::vec(0u8..4, 1..40), 1..6),
        prop::collection::vec(
            (any::<prop::sample::Index>(), 1usize..30, any::<u8>()),
            0..120,
        ),
    )
        .prop_map(|(pool, picks)| {
            let mut out = Vec::new();
            for (i, reps, stray) in picks {
                let s = i.get(&pool);
                for _ in 0..reps {
                    out.extend_from_slice(s);
                }
                if stray < 40 {
                    out.push(stray);
                }
            }
            out
        })
}

/// Random bytes, a three-letter alphabet, or repeated snippets.
fn any_input() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300),
        prop::collection::vec(0u8..3, 0..2000),
        repetitive(),
    ]
}

/// A plain reading of liblzf's loop, with a table zeroed for each call
/// and no generations, literals written byte by byte: the reference the
/// reusable [`Compressor`] must agree with.
fn reference(input: &[u8], limit: usize) -> Option<Vec<u8>> {
    let n = input.len();
    if n == 0 || limit == 0 {
        return None;
    }
    let mut table = vec![usize::MAX; SLOTS];
    let mut out = vec![0u8; limit + 3];
    let (mut ip, mut op, mut lit) = (0usize, 1usize, 0usize);
    while ip + 2 < n {
        let h =
            u32::from(input[ip]) << 16 | u32::from(input[ip + 1]) << 8 | u32::from(input[ip + 2]);
        let r = std::mem::replace(&mut table[slot_of(h)], ip);
        if r != usize::MAX && r > 0 && ip - r - 1 < MAX_OFF && input[r..r + 3] == input[ip..ip + 3]
        {
            if op - usize::from(lit == 0) + 4 >= limit {
                return None;
            }
            out[op - lit - 1] = (lit as u8).wrapping_sub(1);
            op -= usize::from(lit == 0);
            let len = reference_match_len(input, r, ip);
            let mut enc = Vec::new();
            emit_ref(&mut enc, len, ip - r - 1);
            out[op..op + enc.len()].copy_from_slice(&enc);
            op += enc.len() + 1;
            lit = 0;
            ip += len;
            if ip + 2 >= n {
                break;
            }
            for p in [ip - 2, ip - 1] {
                let h = u32::from(input[p]) << 16
                    | u32::from(input[p + 1]) << 8
                    | u32::from(input[p + 2]);
                table[slot_of(h)] = p;
            }
        } else {
            if op >= limit {
                return None;
            }
            out[op] = input[ip];
            (op, ip, lit) = (op + 1, ip + 1, lit + 1);
            if lit == MAX_LIT {
                out[op - lit - 1] = (lit - 1) as u8;
                (lit, op) = (0, op + 1);
            }
        }
    }
    if op + 3 > limit {
        return None;
    }
    while ip < n {
        out[op] = input[ip];
        (op, ip, lit) = (op + 1, ip + 1, lit + 1);
        if lit == MAX_LIT {
            out[op - lit - 1] = (lit - 1) as u8;
            (lit, op) = (0, op + 1);
        }
    }
    out[op - lit - 1] = (lit as u8).wrapping_sub(1);
    op -= usize::from(lit == 0);
    out.truncate(op);
    Some(out)
}

/// liblzf's match extension as it reads: sixteen unbounded steps when the
/// cap exceeds 16, then steps up to the cap (the first one unchecked).
fn reference_match_len(input: &[u8], r: usize, ip: usize) -> usize {
    let max = (input.len() - ip - 2).min(MAX_REF);
    let mut len = 2;
    if max > 16 {
        for _ in 0..16 {
            len += 1;
            if input[r + len] != input[ip + len] {
                return len;
            }
        }
    }
    loop {
        len += 1;
        if !(len < max && input[r + len] == input[ip + len]) {
            return len;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    /// One compressor reused across calls gives the bytes of a fresh
    /// table each time, for output limits that cut compression short too,
    /// and its output expands back to the input.
    #[test]
    fn reused_table_matches_a_fresh_one(
        inputs in prop::collection::vec(any_input(), 1..4),
        cut in 0usize..400,
    ) {
        let mut c = Compressor::new();
        let mut out = Vec::new();
        for data in &inputs {
            for limit in [data.len(), data.len() + 40, data.len().saturating_sub(cut)] {
                let want = reference(data, limit);
                let ok = c.compress_into(data, limit, &mut out);
                prop_assert_eq!(ok.then(|| out.clone()), want.clone());
                if let Some(w) = want {
                    prop_assert!(w.len() <= limit);
                    prop_assert_eq!(decompress(&w, data.len()).unwrap(), data.clone());
                }
            }
        }
    }
}

/// The `lzf` crate (a port of the same liblzf) agrees on inputs whose end
/// it handles as liblzf does: it does not look for matches in the last
/// four input bytes and caps a match short of the last two, while liblzf
/// finds a match that starts up to three bytes before the end and may run
/// to the very end (see [`match_len`]). Inputs ending in eight bytes that
/// occur nowhere else leave no room for either, so on those the two must
/// be byte-identical.
#[test]
fn same_bytes_as_the_lzf_crate_away_from_the_end() {
    let mut rng = SmallRng::seed_from_u64(0x12f);
    let mut compressed = 0;
    for round in 0..3000 {
        let n = rng.random_range(0..3000);
        let alphabet = [2u8, 4, 16, 255][round % 4];
        let mut data: Vec<u8> = (0..n).map(|_| rng.random_range(0..alphabet)).collect();
        let period = rng.random_range(1..200);
        for i in period..data.len() {
            if rng.random_range(0..8) > 0 {
                data[i] = data[i - period];
            }
        }
        data.extend_from_slice(&[250, 251, 252, 253, 254, 249, 248, 247]);
        let theirs = ::lzf::compress(&data).ok();
        prop_assert_eq_plain(&compress(&data, data.len()), &theirs, &data);
        compressed += usize::from(theirs.is_some());
    }
    assert!(
        compressed > 1500,
        "too few compressible inputs ({compressed})"
    );
}

fn prop_assert_eq_plain(ours: &Option<Vec<u8>>, theirs: &Option<Vec<u8>>, data: &[u8]) {
    assert!(ours == theirs, "differs from the lzf crate on {data:?}");
}

/// The end-of-input cases where liblzf and the `lzf` crate part: a match
/// starting three bytes before the end, and one of 19 bytes running to
/// the very end (past the usual cap of `n - ip - 2`). The expected bytes
/// are liblzf's (checked against Redis's own `lzf_c.c` built with a zeroed
/// table). Position 0 is never a match candidate, hence the leading byte.
#[test]
fn matches_at_the_very_end() {
    assert_eq!(
        compress(b"_abcxyzabc", 64).unwrap(),
        [6, b'_', b'a', b'b', b'c', b'x', b'y', b'z', 0x20, 5]
    );
    // Without the leading byte the first "abc" is at position 0: literals.
    assert_eq!(compress(b"abcxyzabc", 64).unwrap()[0], 8);
    // 0..21 then 0..19: the repeat starts 19 bytes before the end, where
    // the cap is 17, and is matched whole (19 bytes, distance 21).
    let mut data = vec![200];
    data.extend(0u8..21);
    data.extend(0u8..19);
    let out = compress(&data, 64).unwrap();
    assert_eq!(out[..2], [21, 200]);
    assert_eq!(out[2..23], *(0u8..21).collect::<Vec<_>>());
    assert_eq!(out[23..], [0xE0, 19 - 2 - 7, 20]);
    assert_eq!(decompress(&out, data.len()).unwrap(), data);
}

#[test]
fn limits_and_empty_input() {
    assert_eq!(compress(b"", 10), None);
    assert_eq!(compress(b"abc", 0), None);
    // One literal run of 3 takes 4 bytes, but liblzf wants 3 spare bytes
    // after the output so far at its end check: a limit of 5 is needed.
    assert_eq!(compress(b"abc", 5), Some(vec![2, b'a', b'b', b'c']));
    assert_eq!(compress(b"abc", 4), None);
    // 64 equal bytes: two literals (position 0 is no candidate), a
    // reference of 60 bytes (matches stop short of the last two), then the
    // last two as literals.
    let out = compress(&[7; 64], 64).unwrap();
    assert_eq!(out, [1, 7, 7, 0xE0, 60 - 2 - 7, 0, 1, 7, 7]);
    assert_eq!(decompress(&out, 64).unwrap(), [7; 64]);
}

/// Stamps that would pass 32 bits clear the table first, and the output
/// stays that of a fresh table.
#[test]
fn generation_wrap_clears_the_table() {
    let data: Vec<u8> = b"abcdefgh".repeat(100);
    let mut c = Compressor::new();
    let mut out = Vec::new();
    assert!(c.compress_into(&data, data.len(), &mut out));
    let first = out.clone();
    c.base = u32::MAX - 10;
    assert!(c.compress_into(&data, data.len(), &mut out));
    assert_eq!(out, first);
    assert!(c.base < 1000, "table was not restarted ({})", c.base);
    assert!(c.compress_into(&data, data.len(), &mut out));
    assert_eq!(out, first);
}

#[test]
fn decompress_rejects_bad_data() {
    // A literal run cut short.
    assert!(decompress(&[3, 1, 2], 4).is_err());
    // A reference before the start of the output.
    assert!(decompress(&[0, 9, 0x20, 1], 4).is_err());
    // A long reference without its length byte, or without its offset.
    assert!(decompress(&[0, 9, 0xE0], 12).is_err());
    assert!(decompress(&[0, 9, 0xE0, 3], 12).is_err());
    // Output past the expected size, or short of it.
    assert!(decompress(&[0, 9, 0x20, 0], 3).is_err());
    assert!(decompress(&[0, 9, 0x20, 0], 5).is_err());
    assert_eq!(decompress(&[0, 9, 0x20, 0], 4).unwrap(), [9; 4]);
    assert_eq!(decompress_upto(&[0, 9, 0x20, 0], 100).unwrap(), [9; 4]);
    assert_eq!(decompress(&[], 0).unwrap(), []);
}

/// The fuzz body over its seed corpus (`fuzz/seeds/lzf_bytes`), each seed
/// whole and cut at every length, then over random and mutated inputs.
#[test]
fn fuzz_body_on_seeds_and_random_bytes() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/lzf_bytes");
    let mut seeds: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    assert!(seeds.len() >= 5, "too few seeds in {}", dir.display());
    seeds.sort();
    for seed in &seeds {
        for cut in 0..=seed.len() {
            lzf_bytes(&seed[..cut]);
        }
    }
    let mut rng = SmallRng::seed_from_u64(0x1f2);
    for _ in 0..4000 {
        let mut data = seeds[rng.random_range(0..seeds.len())].clone();
        for _ in 0..rng.random_range(1..4) {
            if data.is_empty() {
                break;
            }
            let i = rng.random_range(0..data.len());
            match rng.random_range(0..3) {
                0 => data[i] ^= 1 << rng.random_range(0..8),
                1 => data[i] = rng.random(),
                _ => data.truncate(i),
            }
        }
        lzf_bytes(&data);
        let len = rng.random_range(0..64);
        let junk: Vec<u8> = (0..len).map(|_| rng.random()).collect();
        lzf_bytes(&junk);
    }
}
