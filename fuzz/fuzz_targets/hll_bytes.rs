//! libFuzzer target: `embedis::fuzzing::hll_bytes` on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    embedis::fuzzing::hll_bytes(data);
});
