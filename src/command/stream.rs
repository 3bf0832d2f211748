//! Commands of Redis's `stream` group.

use super::CommandSpec;

pub(super) const COMMANDS: &[CommandSpec] = &[];
