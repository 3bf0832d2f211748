//! Commands of Redis's `bitmap` group.

use super::CommandSpec;

pub(super) const COMMANDS: &[CommandSpec] = &[];
