//! Commands of Redis's `set` group.

use super::CommandSpec;

pub(super) const COMMANDS: &[CommandSpec] = &[];
