//! PFSELFTEST: Redis's built-in check of the register code and of the
//! estimator's error, run on our implementation.

use rand::Rng;

use super::{DENSE_SIZE, HDR, REGISTER_MAX, REGISTERS, dense, hash, new_sparse};
use crate::error::{Error, Result};

/// How much work a self-test run does.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plan {
    /// Rounds of random register writes read back.
    pub(crate) cycles: usize,
    /// Elements added in the accuracy part.
    pub(crate) elements: u64,
}

/// Redis's sizes: 1000 rounds, 10 million elements.
pub(crate) const FULL: Plan = Plan {
    cycles: 1000,
    elements: 10_000_000,
};

/// Runs the self-test; `max_bytes` is `hll-sparse-max-bytes`.
pub(crate) fn run(rng: &mut impl Rng, max_bytes: usize, plan: &Plan) -> Result<()> {
    registers_round_trip(rng, plan.cycles)?;
    accuracy(rng, max_bytes, plan.elements)
}

/// Random values written to every register must read back unchanged.
fn registers_round_trip(rng: &mut impl Rng, cycles: usize) -> Result<()> {
    let mut regs = vec![0u8; DENSE_SIZE - HDR];
    let mut expect = vec![0u8; REGISTERS];
    for _ in 0..cycles {
        for (i, e) in expect.iter_mut().enumerate() {
            *e = rng.random::<u8>() & REGISTER_MAX;
            dense::put(&mut regs, i, *e);
        }
        for (i, &e) in expect.iter().enumerate() {
            let got = dense::get(&regs, i);
            if got != e {
                return Err(Error::other(format!(
                    "TESTFAILED Register {i} should be {e} but is {got}"
                )));
            }
        }
    }
    Ok(())
}

/// Adds distinct elements to a dense and a sparse HLL; at 1, 10, 100, ...
/// both must agree, the sparse one must still be sparse while small, and
/// the error must stay within six standard errors (one at 10 elements).
fn accuracy(rng: &mut impl Rng, max_bytes: usize, elements: u64) -> Result<()> {
    let mut dense_hll = vec![0u8; DENSE_SIZE];
    dense_hll[..4].copy_from_slice(b"HYLL");
    let mut sparse_hll = new_sparse();
    let rel_err = 1.04 / (REGISTERS as f64).sqrt();
    let seed: u64 = rng.random();
    let mut checkpoint = 1u64;
    let mut after = 0;
    for j in 1..=elements {
        let element = (j ^ seed).to_le_bytes();
        let (index, count) = hash::pattern(&element);
        dense::raise(&mut dense_hll[HDR..], index, count);
        super::add(&mut sparse_hll, &element, max_bytes, &mut after).map_err(Error::from)?;
        if j != checkpoint {
            continue;
        }
        if j < (max_bytes / 2) as u64 && sparse_hll[4] != super::SPARSE {
            return Err(Error::other("TESTFAILED sparse encoding not used"));
        }
        let card = super::count(&dense_hll)?;
        if card != super::count(&sparse_hll)? {
            return Err(Error::other("TESTFAILED dense/sparse disagree"));
        }
        let max_err = if j == 10 {
            1
        } else {
            (rel_err * 6.0 * checkpoint as f64).ceil() as u64
        };
        let abs_err = checkpoint.abs_diff(card);
        if abs_err > max_err {
            return Err(Error::other(format!(
                "TESTFAILED Too big error. card:{checkpoint} abserr:{abs_err}"
            )));
        }
        checkpoint *= 10;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::SmallRng;

    use super::*;

    #[test]
    fn small_plan_passes() {
        let mut rng = SmallRng::seed_from_u64(7);
        let plan = Plan {
            cycles: 3,
            elements: 100_000,
        };
        run(&mut rng, 3000, &plan).unwrap();
    }
}
