//! The byte arena of a [`FieldTable`](super::FieldTable): blocks stored in
//! chunks of at most 64 KiB, each block addressed by a `u32`.
//!
//! One growing `Vec` would double its capacity, so a big hash would carry
//! up to as many spare bytes as it stores (a hash of 1M short pairs held
//! 33.5 MB for 18.9 MB of blocks). Here only the chunk taking new blocks
//! has spare room: it grows in steps of an eighth (so a hash of a few
//! thousand fields, which lives in one chunk, carries at most 12.5 % spare
//! bytes; the copies this costs are bounded by the 64 KiB chunk) up to
//! 64 KiB, then a new chunk is
//! started, with an eighth of the arena's bytes reserved (at least 16 KiB,
//! at most the 64 KiB of a whole chunk): so the spare room stays within
//! an eighth, and a big hash (from 512 KiB on) never copies a chunk at
//! all, where growing each chunk by eighths copied every byte about eight
//! times. Whatever a full chunk cannot take is left at its end (less
//! than one block, as blocks over 16 KiB get a chunk of their own).
//! Nothing is ever moved when the arena grows.
//!
//! An address is `chunk << 16 | offset`, so an arena has at most 65536
//! chunks: 4 GiB of small blocks, fewer when large ones have chunks of
//! their own.

/// Most bytes in a chunk of small blocks (offsets fit 16 bits).
const CHUNK: usize = 1 << 16;
/// Blocks longer than this get a chunk of their own.
const OWN_CHUNK: usize = CHUNK / 4;
/// The least first capacity of a chunk started after the first one.
const NEXT_CHUNK: usize = CHUNK / 4;

/// Chunks of blocks (see the module docs).
#[derive(Clone, Default)]
pub(super) struct Arena {
    chunks: Vec<Vec<u8>>,
    /// The chunk new small blocks go to, if one was started.
    open: Option<usize>,
    /// Bytes stored over all chunks.
    used: usize,
    /// Capacity of all chunks, so [`Arena::heap_bytes`] is O(1).
    held: usize,
}

impl Arena {
    /// Number of chunks started.
    #[cfg(test)]
    pub(super) fn chunk_count(&self) -> usize {
        self.chunks.len()
    }

    /// Bytes stored (live and dead blocks).
    pub(super) fn used(&self) -> usize {
        self.used
    }

    /// Heap bytes held: chunk capacities and the chunk list. O(1).
    pub(super) fn heap_bytes(&self) -> usize {
        self.held + self.chunks.capacity() * std::mem::size_of::<Vec<u8>>()
    }

    /// Checks the byte counts against the chunks.
    ///
    /// # Errors
    /// A description of the first count that disagrees.
    pub(super) fn validate(&self) -> Result<(), String> {
        let used: usize = self.chunks.iter().map(Vec::len).sum();
        let held: usize = self.chunks.iter().map(Vec::capacity).sum();
        if (used, held) != (self.used, self.held) {
            return Err(format!(
                "arena counts {} used and {} held bytes, chunks have {used} and {held}",
                self.used, self.held
            ));
        }
        Ok(())
    }

    /// The bytes from `at` to the end of its chunk (a block starts there).
    /// None when `at` is outside the arena.
    pub(super) fn get(&self, at: u32) -> Option<&[u8]> {
        let chunk = self.chunks.get((at >> 16) as usize)?;
        chunk.get((at & 0xFFFF) as usize..)
    }

    /// The `len` bytes of the block at `at`, for rewriting in place.
    ///
    /// # Panics
    /// When the block is not inside the arena.
    pub(super) fn block_mut(&mut self, at: u32, len: usize) -> &mut [u8] {
        let start = (at & 0xFFFF) as usize;
        &mut self.chunks[(at >> 16) as usize][start..start + len]
    }

    /// Appends a block of exactly `len` bytes written by `write`; returns
    /// its address.
    ///
    /// # Panics
    /// When the arena already has 65536 chunks (4 GiB of blocks).
    #[inline]
    pub(super) fn push(&mut self, len: usize, write: impl FnOnce(&mut Vec<u8>)) -> u32 {
        // The common case: a small block that fits the open chunk's room.
        if let Some(open) = self.open {
            let chunk = &mut self.chunks[open];
            let offset = chunk.len();
            if len <= OWN_CHUNK && offset + len <= chunk.capacity().min(CHUNK) {
                write(chunk);
                debug_assert_eq!(chunk.len(), offset + len, "block of the announced length");
                self.used += len;
                return (open as u32) << 16 | offset as u32;
            }
        }
        self.push_placed(len, write)
    }

    /// [`Arena::push`] for a block of at most `W` bytes (`len`), written
    /// by `fill` into a zeroed `W`-byte window (of which the first `len`
    /// bytes are kept) when the open chunk has room for the whole window:
    /// fixed-size stores instead of one `memcpy` per piece. Otherwise the
    /// block is written by `write`, as [`Arena::push`] does.
    #[inline]
    pub(super) fn push_window<const W: usize>(
        &mut self,
        len: usize,
        fill: impl FnOnce(&mut [u8; W]),
        write: impl FnOnce(&mut Vec<u8>),
    ) -> u32 {
        debug_assert!(len <= W);
        if let Some(open) = self.open {
            let chunk = &mut self.chunks[open];
            let offset = chunk.len();
            if offset + W <= chunk.capacity().min(CHUNK) {
                chunk.extend_from_slice(&[0; W]);
                let window: &mut [u8; W] = (&mut chunk[offset..])
                    .try_into()
                    .expect("a window of W bytes");
                fill(window);
                chunk.truncate(offset + len);
                self.used += len;
                return (open as u32) << 16 | offset as u32;
            }
        }
        self.push_placed(len, write)
    }

    /// [`Arena::push`] when a chunk must grow or be started first.
    #[inline(never)]
    fn push_placed(&mut self, len: usize, write: impl FnOnce(&mut Vec<u8>)) -> u32 {
        let index = self.chunk_for(len);
        let chunk = &mut self.chunks[index];
        let offset = chunk.len();
        write(chunk);
        debug_assert_eq!(chunk.len(), offset + len, "block of the announced length");
        self.used += len;
        (index as u32) << 16 | offset as u32
    }

    /// The chunk a block of `len` bytes goes to, with room reserved.
    fn chunk_for(&mut self, len: usize) -> usize {
        if len > OWN_CHUNK {
            return self.start_chunk(len);
        }
        if let Some(open) = self.open {
            let chunk = &mut self.chunks[open];
            let need = chunk.len() + len;
            if need <= CHUNK {
                let before = chunk.capacity();
                if need > before {
                    chunk.reserve_exact((before + before / 8).clamp(need, CHUNK) - chunk.len());
                    self.held += chunk.capacity() - before;
                }
                return open;
            }
        }
        let first = match self.open {
            None => len,
            Some(_) => (self.used / 8).clamp(NEXT_CHUNK, CHUNK),
        };
        let index = self.start_chunk(first.max(len));
        self.open = Some(index);
        index
    }

    /// Starts a chunk with `capacity` bytes reserved; returns its index.
    fn start_chunk(&mut self, capacity: usize) -> usize {
        let index = self.chunks.len();
        assert!(
            index < 1 << 16,
            "a hash table's arena is limited to 65536 chunks"
        );
        let chunk = Vec::with_capacity(capacity);
        self.held += chunk.capacity();
        self.chunks.push(chunk);
        index
    }
}
