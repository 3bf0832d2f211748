//! The engines under test.

pub(crate) mod embedis;
pub(crate) mod kevy;
pub(crate) mod std;
pub(crate) mod yo;
