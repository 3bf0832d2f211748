//! libFuzzer target: `embedis::encoding::fuzz::lzf_bytes` on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    embedis::encoding::fuzz::lzf_bytes(data);
});
