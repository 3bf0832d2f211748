//! Commands of Redis's `hash` group.

use super::CommandSpec;

pub(super) const COMMANDS: &[CommandSpec] = &[];
