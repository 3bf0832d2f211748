//! A hint to the CPU to start loading a cache line that code will read a
//! little later, so a miss overlaps work that does not depend on it. The
//! hint never faults and changes no result; on targets without the
//! wrapper it does nothing.

/// Starts loading the cache line holding `x` into every cache level.
#[inline(always)]
pub(crate) fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    safe_arch::prefetch_t0(x);
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}
