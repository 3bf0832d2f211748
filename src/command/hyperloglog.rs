//! Commands of Redis's `hyperloglog` group.

use super::CommandSpec;

pub(super) const COMMANDS: &[CommandSpec] = &[];
