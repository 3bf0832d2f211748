//! Fuzz target bodies: plain functions that the fuzz crate calls under
//! libFuzzer and that `cargo test` runs on a seeded corpus, so CI exercises
//! them on stable.
