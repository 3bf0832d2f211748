//! (to come)

use super::Workload;

pub(super) fn workloads() -> Vec<Workload> {
    Vec::new()
}
