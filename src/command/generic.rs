//! Commands of the `generic` group.

use super::CommandSpec;

pub(super) const COMMANDS: &[CommandSpec] = &[];
