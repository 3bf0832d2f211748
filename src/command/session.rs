//! A client session: the state Redis keeps per connection.

use super::Reply;
use crate::keyspace::Keyspace;

/// Per-client state: the selected database (SELECT). Later: the MULTI queue,
/// WATCHed keys, the protocol version (HELLO) and the client name.
#[derive(Debug, Default, Clone)]
pub struct Session {
    pub(crate) db: usize,
}

impl Session {
    /// A session on database 0.
    pub fn new() -> Self {
        Session::default()
    }

    /// The database this session has selected.
    pub fn db(&self) -> usize {
        self.db
    }

    /// Runs one command (argv[0] is its name, any case) and returns the reply
    /// redis-server 7.0.15 would send.
    pub fn execute(&mut self, ks: &mut Keyspace, argv: &[&[u8]]) -> Reply {
        super::dispatch(self, ks, argv)
    }

    /// [`Session::execute`] for owned arguments, e.g. from [`super::parse_request`].
    pub fn execute_owned(&mut self, ks: &mut Keyspace, argv: &[Vec<u8>]) -> Reply {
        let argv: smallvec::SmallVec<[&[u8]; 8]> = argv.iter().map(Vec::as_slice).collect();
        super::dispatch(self, ks, &argv)
    }
}
