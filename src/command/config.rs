//! Commands of the `config` group.

use super::CommandSpec;

pub(super) const COMMANDS: &[CommandSpec] = &[];
