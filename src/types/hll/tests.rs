//! Unit tests of the HLL module: typed API, register model, accuracy.

use super::*;
use crate::config::Config;
use crate::keyspace::Keyspace;

fn ks() -> Keyspace {
    Keyspace::new(Config::default())
}

#[test]
fn pfadd_creates_sparse_and_reports_changes() {
    let mut ks = ks();
    assert!(ks.pfadd(b"h", &[]).unwrap());
    assert!(!ks.pfadd(b"h", &[]).unwrap());
    assert!(ks.pfadd(b"h", &[b"a"]).unwrap());
    assert!(!ks.pfadd(b"h", &[b"a"]).unwrap());
    let bytes = ks.get(b"h").unwrap().unwrap();
    assert_eq!(&bytes[16..], &[0x71, 0xa6, 0x84, 0x4e, 0x57]);
    assert_eq!(ks.pfcount(&[b"h"]).unwrap(), 1);
    assert_eq!(ks.pfcount(&[b"h", b"none"]).unwrap(), 1);
}

#[test]
fn pfcount_caches_and_invalidates() {
    let mut ks = ks();
    ks.pfadd(b"h", &[b"a", b"b", b"c"]).unwrap();
    let stale = ks.get(b"h").unwrap().unwrap();
    assert!(cached(&stale).is_none());
    let dirty = ks.stats().dirty;
    assert_eq!(ks.pfcount(&[b"h"]).unwrap(), 3);
    assert_eq!(ks.stats().dirty, dirty + 1, "writing the cache is a change");
    let fresh = ks.get(b"h").unwrap().unwrap();
    assert_eq!(cached(&fresh), Some(3));
    assert_eq!(&fresh[8..16], &[3, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(ks.pfcount(&[b"h"]).unwrap(), 3);
    assert_eq!(ks.stats().dirty, dirty + 1, "a valid cache is only read");
    // PFADD flips the stale bit and keeps the old low bytes.
    assert!(ks.pfadd(b"h", &[b"d"]).unwrap());
    let again = ks.get(b"h").unwrap().unwrap();
    assert_eq!(&again[8..16], &[3, 0, 0, 0, 0, 0, 0, 0x80]);
    // One change per updated register, as Redis counts them.
    let dirty = ks.stats().dirty;
    assert!(ks.pfadd(b"h", &[b"e", b"f", b"g"]).unwrap());
    assert_eq!(ks.stats().dirty, dirty + 3);
    assert!(!ks.pfadd(b"h", &[b"e", b"f", b"g"]).unwrap());
    assert_eq!(ks.stats().dirty, dirty + 3);
}

#[test]
fn errors_for_strings_that_are_not_hlls() {
    let mut ks = ks();
    let opts = Default::default();
    ks.set(b"i", b"12345678901234567", &opts).unwrap();
    ks.set(b"s", b"not a hyperloglog at all", &opts).unwrap();
    for key in [&b"i"[..], b"s"] {
        assert_eq!(ks.pfadd(key, &[b"x"]), Err(not_hll()));
        assert_eq!(ks.pfcount(&[key]), Err(not_hll()));
        assert_eq!(ks.pfcount(&[b"none", key]), Err(not_hll()));
        assert_eq!(ks.pfmerge(b"d", &[key]), Err(not_hll()));
        assert_eq!(ks.pfdebug(PfDebugOp::Encoding, key), Err(not_hll()));
    }
    assert!(!ks.key_exists(b"d"), "a failed merge writes nothing");
    let mut broken = new_sparse();
    broken.truncate(HDR + 1);
    ks.set(b"b", &broken, &opts).unwrap();
    assert_eq!(ks.pfcount(&[b"b"]), Ok(0), "a valid cache is trusted");
    invalidate_cache(&mut broken);
    ks.set(b"b", &broken, &opts).unwrap();
    assert_eq!(ks.pfcount(&[b"b"]), Err(corrupt()));
    assert_eq!(ks.pfmerge(b"d", &[b"b"]), Err(corrupt()));
    assert_eq!(
        ks.pfdebug(PfDebugOp::GetReg, b"none")
            .unwrap_err()
            .to_string(),
        "ERR The specified key does not exist"
    );
}

#[test]
fn pfmerge_includes_the_destination_and_goes_dense() {
    let mut ks = ks();
    ks.pfadd(b"a", &[b"1", b"2"]).unwrap();
    ks.pfadd(b"d", &[b"3"]).unwrap();
    ks.pfmerge(b"d", &[b"a", b"missing"]).unwrap();
    assert_eq!(ks.pfcount(&[b"d"]).unwrap(), 3);
    let sparse_bytes = ks.get(b"d").unwrap().unwrap();
    assert_eq!(check(&sparse_bytes).unwrap(), HllEncoding::Sparse);
    assert_eq!(
        ks.pfdebug(PfDebugOp::ToDense, b"a").unwrap(),
        PfDebugReply::Converted(true)
    );
    ks.pfmerge(b"d", &[b"a"]).unwrap();
    let dense_bytes = ks.get(b"d").unwrap().unwrap();
    assert_eq!(check(&dense_bytes).unwrap(), HllEncoding::Dense);
    assert_eq!(registers(&dense_bytes), registers(&sparse_bytes));
    ks.pfmerge(b"fresh", &[]).unwrap();
    assert_eq!(
        ks.pfdebug(PfDebugOp::Decode, b"fresh").unwrap(),
        PfDebugReply::Decoded(b"Z:16384".to_vec())
    );
}

/// Union count of several keys equals the count of their merge.
#[test]
fn union_count_matches_merge() {
    let mut ks = ks();
    let elems: Vec<Vec<u8>> = (0..5000u32).map(|i| i.to_le_bytes().to_vec()).collect();
    let refs: Vec<&[u8]> = elems.iter().map(Vec::as_slice).collect();
    ks.pfadd(b"a", &refs[..3000]).unwrap();
    ks.pfadd(b"b", &refs[2000..2100]).unwrap();
    ks.pfadd(b"c", &refs[2500..]).unwrap();
    let union = ks.pfcount(&[b"a", b"b", b"c"]).unwrap();
    ks.pfmerge(b"m", &[b"a", b"b", b"c"]).unwrap();
    assert_eq!(ks.pfcount(&[b"m"]).unwrap(), union);
    ks.pfadd(b"all", &refs).unwrap();
    assert_eq!(ks.pfcount(&[b"all"]).unwrap(), union);
    assert_eq!(
        ks.get(b"m").unwrap().unwrap()[HDR..],
        ks.get(b"all").unwrap().unwrap()[HDR..]
    );
}

/// Distinct 8-byte elements from a seeded sequence.
fn element(seed: u64, i: u64) -> [u8; 8] {
    (i.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ seed).to_le_bytes()
}

/// Adds `n` distinct elements one by one and checks the estimate at
/// each checkpoint against 3 standard errors (3 x 1.04 / sqrt(16384)).
fn check_accuracy(seed: u64, checkpoints: &[u64]) {
    let std_err = 1.04 / (REGISTERS as f64).sqrt();
    let mut ks = ks();
    let mut added = 0;
    for &n in checkpoints {
        while added < n {
            ks.pfadd(b"h", &[&element(seed, added)]).unwrap();
            added += 1;
        }
        let est = ks.pfcount(&[b"h"]).unwrap();
        let err = (est as f64 - n as f64).abs() / n as f64;
        assert!(
            err <= 3.0 * std_err,
            "seed {seed:#x}: n = {n}, estimate {est}, error {:.3}%",
            err * 100.0
        );
    }
}

const CHECKPOINTS: &[u64] = &[
    1, 2, 3, 5, 8, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000,
    200_000, 500_000, 1_000_000,
];

#[test]
fn accuracy_up_to_one_million() {
    for seed in [0x5eed_0001, 0xdead_beef, 42] {
        check_accuracy(seed, CHECKPOINTS);
    }
}

#[test]
fn accuracy_up_to_ten_million() {
    let mut points = CHECKPOINTS.to_vec();
    points.extend([2_000_000, 5_000_000, 10_000_000]);
    check_accuracy(0x1234_5678, &points);
}

#[test]
fn selftest_command_passes() {
    let mut ks = ks();
    ks.seed_rng(3);
    let plan = selftest::Plan {
        cycles: 2,
        elements: 1_000_000,
    };
    selftest::run(&mut ks.rng, 3000, &plan).unwrap();
}

mod model {
    //! The register array against a naive model: one byte per register.

    use proptest::prelude::*;

    use super::super::*;
    use crate::{Config, Keyspace};

    /// The model's estimate, through the same estimator.
    fn model_count(model: &[u8]) -> u64 {
        count_registers(model)
    }

    fn op() -> impl Strategy<Value = (usize, u8)> {
        prop_oneof![
            // Clustered indexes exercise VAL merging and splitting.
            (0usize..40, 1u8..=6),
            (16340usize..REGISTERS, 1u8..=6),
            (0..REGISTERS, 1u8..=32),
            (0..REGISTERS, 1u8..=63),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

        #[test]
        fn sparse_and_dense_follow_the_model(
            ops in proptest::collection::vec(op(), 1..300),
            max_bytes in prop_oneof![Just(0usize), Just(20), 20usize..400, Just(3000), Just(1 << 20)],
        ) {
            let mut hll = new_sparse();
            let mut model = vec![0u8; REGISTERS];
            let mut after = 0;
            for (index, value) in ops {
                let changed = raise(&mut hll, index, value, max_bytes, &mut after).unwrap();
                prop_assert_eq!(changed, value > model[index]);
                model[index] = model[index].max(value);
                let enc = check(&hll).unwrap();
                if enc == HllEncoding::Sparse {
                    prop_assert!(hll.len() <= max_bytes.max(HDR + 2));
                    prop_assert!(model.iter().all(|&v| v <= 32));
                    prop_assert_eq!(after, 0);
                }
                prop_assert_eq!(registers(&hll).unwrap(), model.clone());
            }
            prop_assert_eq!(count(&hll).unwrap(), model_count(&model));
            let mut dense = hll.clone();
            to_dense(&mut dense).unwrap();
            prop_assert_eq!(registers(&dense).unwrap(), model.clone());
            prop_assert_eq!(count(&dense).unwrap(), model_count(&model));
        }

        #[test]
        fn elements_follow_the_model(
            elements in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..20), 0..200),
        ) {
            let mut ks = Keyspace::new(Config::default());
            let mut model = vec![0u8; REGISTERS];
            for e in &elements {
                let (i, v) = hash::pattern(e);
                let grew = v > model[i];
                model[i] = model[i].max(v);
                let key_existed = ks.key_exists(b"h");
                prop_assert_eq!(ks.pfadd(b"h", &[e]).unwrap(), grew || !key_existed);
            }
            let bytes = ks.get(b"h").unwrap().unwrap_or_else(new_sparse);
            prop_assert_eq!(registers(&bytes).unwrap(), model.clone());
            if !elements.is_empty() {
                prop_assert_eq!(ks.pfcount(&[b"h"]).unwrap(), model_count(&model));
            }
        }
    }
}

mod fuzz_corpus {
    //! The `hll_bytes` fuzz body over its seed corpus (`fuzz/seeds/hll_bytes`),
    //! cut-short copies of each seed, and seeded random mutations.

    use rand::rngs::SmallRng;
    use rand::{Rng, SeedableRng};

    use super::super::hll_bytes;

    fn seeds() -> Vec<Vec<u8>> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/hll_bytes");
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .expect("seed directory")
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        let seeds: Vec<_> = paths.iter().map(|p| std::fs::read(p).unwrap()).collect();
        assert!(seeds.len() >= 10, "too few seeds in {}", dir.display());
        seeds
    }

    #[test]
    fn seeds_and_their_prefixes() {
        for seed in seeds() {
            hll_bytes(&seed);
            for cut in (0..seed.len().min(40)).chain([seed.len() / 2]) {
                hll_bytes(&seed[..cut]);
            }
        }
    }

    #[test]
    fn seeded_mutations() {
        let seeds = seeds();
        let mut rng = SmallRng::seed_from_u64(0x4e11_0001);
        for _ in 0..1500 {
            let mut data = seeds[rng.random_range(0..seeds.len())].clone();
            for _ in 0..rng.random_range(1..6) {
                if data.is_empty() {
                    data.push(rng.random());
                    continue;
                }
                let i = rng.random_range(0..data.len());
                match rng.random_range(0..5) {
                    0 => data[i] = rng.random(),
                    1 => data.truncate(i),
                    2 => {
                        data.remove(i);
                    }
                    3 => data.insert(i, rng.random()),
                    _ => data[0] = rng.random(),
                }
            }
            hll_bytes(&data);
        }
        // Random opcode streams behind a valid header.
        for _ in 0..1500 {
            let len = rng.random_range(0..64);
            let mut data = vec![rng.random::<u8>() | 1];
            data.extend((0..len).map(|_| rng.random::<u8>()));
            hll_bytes(&data);
        }
    }
}

#[test]
fn sparse_strings_keep_no_spare_capacity() {
    let mut ks = ks();
    for round in 0..40u32 {
        let element = round.to_le_bytes();
        ks.pfadd(b"h", &[&element, b"x"]).unwrap();
        let entry = ks.db().get(&b"h"[..]).unwrap();
        let crate::value::Value::String(crate::types::string::StringValue::Raw(b)) = &entry.value
        else {
            panic!("HLLs are raw strings");
        };
        assert!(!is_dense(b));
        assert_eq!(b.capacity(), b.len(), "after {round} rounds");
    }
}
