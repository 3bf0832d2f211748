//! Commands of Redis's `list` group.

use super::CommandSpec;

pub(super) const COMMANDS: &[CommandSpec] = &[];
