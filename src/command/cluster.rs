//! Commands of the `cluster` group.

use super::CommandSpec;

pub(super) const COMMANDS: &[CommandSpec] = &[];
