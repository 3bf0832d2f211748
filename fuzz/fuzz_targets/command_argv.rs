//! libFuzzer target: `embedis::fuzzing::command_argv` on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    embedis::fuzzing::command_argv(data);
});
