//! Floating-point parsing and printing exactly as Redis 7.0 does.
