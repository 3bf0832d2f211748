//! Intersection, union and difference, computed the way Redis 7.0.15 does
//! so that result order and encoding match: results are built member by
//! member into a fresh intset ([`SetValue::new_intset`]), which converts
//! itself exactly where Redis's would.

use super::SetValue;
use crate::encoding::listpack::Elem;

/// A missing key, in the operations below, is an empty set.
pub(crate) type Source<'a> = Option<&'a SetValue>;

/// Walks the intersection of `sets` (none missing) in the iteration order
/// of the smallest set (ties keep argument order, as the stable sort Redis
/// gets from glibc's `qsort`), calling `f` for each member until it
/// returns false.
pub(crate) fn for_each_common<'a>(sets: &[&'a SetValue], mut f: impl FnMut(Elem<'a>) -> bool) {
    let mut sorted = sets.to_vec();
    sorted.sort_by_key(|s| s.len());
    let Some((&first, rest)) = sorted.split_first() else {
        return;
    };
    for e in first.iter() {
        let everywhere = rest
            .iter()
            .all(|s| std::ptr::eq(*s, first) || s.contains_elem(e));
        if everywhere && !f(e) {
            return;
        }
    }
}

/// The intersection as a new set (SINTERSTORE).
pub(crate) fn intersection(sets: &[&SetValue], limit: usize) -> SetValue {
    let mut out = SetValue::new_intset();
    for_each_common(sets, |e| {
        out.add_elem(e, limit);
        true
    });
    out
}

/// The union as a new set (SUNION, SUNIONSTORE, SPOP of the whole set).
pub(crate) fn union(sets: &[Source<'_>], limit: usize) -> SetValue {
    let mut out = SetValue::new_intset();
    for s in sets.iter().flatten() {
        for e in s.iter() {
            out.add_elem(e, limit);
        }
    }
    out
}

/// The difference of the first set and the others as a new set (SDIFF,
/// SDIFFSTORE). Redis picks one of two algorithms by estimated work, and
/// the pick shows in the result's encoding: the first adds only the
/// surviving members, the second adds the whole first set and then
/// removes (which never converts back), so both are reproduced.
pub(crate) fn difference(sets: &[Source<'_>], limit: usize) -> SetValue {
    let mut out = SetValue::new_intset();
    let Some(first) = sets.first().copied().flatten() else {
        return out;
    };
    let rest: Vec<&SetValue> = sets[1..].iter().flatten().copied().collect();
    if rest.iter().any(|s| std::ptr::eq(*s, first)) {
        return out;
    }
    let present = 1 + rest.len();
    let work_one = (first.len() * present) / 2;
    let work_two = first.len() + rest.iter().map(|s| s.len()).sum::<usize>();
    if work_one <= work_two {
        let mut rest = rest;
        rest.sort_by_key(|s| std::cmp::Reverse(s.len()));
        for e in first.iter() {
            if !rest.iter().any(|s| s.contains_elem(e)) {
                out.add_elem(e, limit);
            }
        }
    } else {
        for e in first.iter() {
            out.add_elem(e, limit);
        }
        for s in rest {
            for e in s.iter() {
                out.remove_elem(e);
            }
            if out.is_empty() {
                break;
            }
        }
    }
    out
}
