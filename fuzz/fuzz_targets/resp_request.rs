//! libFuzzer target: `embedis::fuzzing::resp_request` on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    embedis::fuzzing::resp_request(data);
});
