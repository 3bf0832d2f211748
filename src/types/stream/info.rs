//! XINFO: what a stream, its groups and its consumers report.

use super::{StreamEntry, StreamId, StreamValue};

/// XINFO STREAM (and the stream part of FULL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamInfo {
    /// Live entries.
    pub length: u64,
    /// Number of nodes (radix-tree-keys).
    pub radix_tree_keys: u64,
    /// Nodes the equivalent Redis radix tree would have.
    pub radix_tree_nodes: u64,
    /// last-generated-id.
    pub last_generated_id: StreamId,
    /// max-deleted-entry-id.
    pub max_deleted_entry_id: StreamId,
    /// entries-added.
    pub entries_added: u64,
    /// recorded-first-entry-id.
    pub recorded_first_entry_id: StreamId,
    /// Number of groups.
    pub groups: u64,
    /// First and last live entries.
    pub first_entry: Option<StreamEntry>,
    /// Last live entry.
    pub last_entry: Option<StreamEntry>,
}

/// One group as XINFO GROUPS (and FULL) report it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupInfo {
    /// Group name.
    pub name: Vec<u8>,
    /// Number of consumers.
    pub consumers: u64,
    /// Pending entries.
    pub pending: u64,
    /// last-delivered-id.
    pub last_delivered_id: StreamId,
    /// entries-read (None when unknown).
    pub entries_read: Option<i64>,
    /// lag (None when it cannot be known).
    pub lag: Option<i64>,
}

/// One consumer as XINFO CONSUMERS reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerInfo {
    /// Consumer name.
    pub name: Vec<u8>,
    /// Pending entries.
    pub pending: u64,
    /// Milliseconds since last seen.
    pub idle: u64,
    /// Last seen time (Unix ms), reported by XINFO STREAM FULL.
    pub seen_time: u64,
}

/// The number of nodes a compressed radix tree over `keys` (sorted, equal
/// length) has, counting the root and one leaf per key.
fn trie_nodes(keys: &[[u8; 16]], depth: usize) -> u64 {
    if keys.is_empty() {
        return 1;
    }
    if depth == 16 {
        return 1;
    }
    let first = &keys[0];
    let last = &keys[keys.len() - 1];
    let mut common = 0;
    while depth + common < 16 && first[depth + common] == last[depth + common] {
        common += 1;
    }
    if common > 0 {
        return 1 + trie_nodes(keys, depth + common);
    }
    let mut total = 1;
    let mut i = 0;
    while i < keys.len() {
        let b = keys[i][depth];
        let j = i + keys[i..].iter().take_while(|k| k[depth] == b).count();
        total += trie_nodes(&keys[i..j], depth + 1);
        i = j;
    }
    total
}

impl StreamValue {
    /// XINFO STREAM without FULL.
    pub fn info(&self) -> StreamInfo {
        let keys: Vec<[u8; 16]> = self
            .nodes
            .keys()
            .map(|id| {
                let mut k = [0u8; 16];
                k[..8].copy_from_slice(&id.ms.to_be_bytes());
                k[8..].copy_from_slice(&id.seq.to_be_bytes());
                k
            })
            .collect();
        StreamInfo {
            length: self.length,
            radix_tree_keys: self.nodes.len() as u64,
            radix_tree_nodes: trie_nodes(&keys, 0),
            last_generated_id: self.last_id,
            max_deleted_entry_id: self.max_deleted_id,
            entries_added: self.entries_added,
            recorded_first_entry_id: self.first_id,
            groups: self.groups.len() as u64,
            first_entry: self.range(StreamId::MIN, StreamId::MAX, false, 1).pop(),
            last_entry: self.range(StreamId::MIN, StreamId::MAX, true, 1).pop(),
        }
    }

    /// The lag of a group, None when it cannot be known.
    pub(crate) fn group_lag(&self, name: &[u8]) -> Option<i64> {
        let g = self.group(name)?;
        if self.entries_added == 0 {
            return Some(0);
        }
        if g.entries_read != -1 && !self.has_tombstones_from(g.last_id) {
            return Some(self.entries_added as i64 - g.entries_read);
        }
        self.estimate_read_counter(g.last_id)
            .map(|read| self.entries_added as i64 - read as i64)
    }

    /// XINFO GROUPS.
    pub fn groups_info(&self) -> Vec<GroupInfo> {
        self.groups
            .iter()
            .map(|(name, g)| GroupInfo {
                name: name.to_vec(),
                consumers: g.consumers.len() as u64,
                pending: g.pel.len() as u64,
                last_delivered_id: g.last_id,
                entries_read: (g.entries_read != -1).then_some(g.entries_read),
                lag: self.group_lag(name),
            })
            .collect()
    }

    /// XINFO CONSUMERS (None when the group is missing).
    pub fn consumers_info(&self, group: &[u8], now: u64) -> Option<Vec<ConsumerInfo>> {
        let g = self.group(group)?;
        Some(
            g.consumers
                .iter()
                .map(|(name, c)| ConsumerInfo {
                    name: name.to_vec(),
                    pending: c.pel.len() as u64,
                    idle: now.saturating_sub(c.seen_time),
                    seen_time: c.seen_time,
                })
                .collect(),
        )
    }

    /// Group PEL rows for XINFO STREAM FULL: (id, consumer, delivery time,
    /// delivery count), at most `count` (0 = all).
    pub(crate) fn full_group_pel(
        &self,
        group: &[u8],
        count: usize,
    ) -> Vec<(StreamId, Vec<u8>, u64, u64)> {
        let g = &self.groups[group];
        let it = g
            .pel
            .iter()
            .map(|(id, n)| (*id, n.consumer.to_vec(), n.delivery_time, n.delivery_count));
        if count == 0 {
            it.collect()
        } else {
            it.take(count).collect()
        }
    }

    /// Consumer PEL rows for XINFO STREAM FULL: (id, delivery time, count).
    pub(crate) fn full_consumer_pel(
        &self,
        group: &[u8],
        consumer: &[u8],
        count: usize,
    ) -> Vec<(StreamId, u64, u64)> {
        let g = &self.groups[group];
        let c = &g.consumers[consumer];
        let it = c.pel.iter().map(|id| {
            let n = &g.pel[id];
            (*id, n.delivery_time, n.delivery_count)
        });
        if count == 0 {
            it.collect()
        } else {
            it.take(count).collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trie_counts() {
        assert_eq!(trie_nodes(&[], 0), 1);
        let a = [0u8; 16];
        assert_eq!(trie_nodes(&[a], 0), 2);
        let mut b = a;
        b[15] = 1;
        // compressed 15 bytes -> branch of 2 -> two leaves
        assert_eq!(trie_nodes(&[a, b], 0), 4);
    }
}
