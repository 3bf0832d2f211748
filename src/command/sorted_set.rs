//! Commands of Redis's `sorted_set` group.

use super::CommandSpec;

pub(super) const COMMANDS: &[CommandSpec] = &[];
