//! A client session: the state Redis keeps per connection.

use super::Reply;
use crate::keyspace::Keyspace;

/// Per-client state: the selected database (SELECT), how the client is
/// reported (address and name, shown in SLOWLOG entries), the open MULTI
/// transaction and the WATCHed keys. Later: the protocol version (HELLO).
///
/// A session that is dropped while it watches keys leaves their entries in
/// the keyspace's watch table (a few bytes each); UNWATCH, EXEC or DISCARD
/// before dropping it releases them.
#[derive(Debug, Default, Clone)]
pub struct Session {
    pub(crate) db: usize,
    pub(crate) client_addr: Vec<u8>,
    pub(crate) client_name: Vec<u8>,
    pub(crate) multi: Option<super::multi::Transaction>,
    pub(crate) watched: Vec<super::multi::Watched>,
    /// EXEC is running the queue (blocking commands must not block).
    pub(crate) in_exec: bool,
}

impl Session {
    /// A session on database 0.
    pub fn new() -> Self {
        Session::default()
    }

    /// True between MULTI and EXEC (or DISCARD).
    pub fn in_multi(&self) -> bool {
        self.multi.is_some()
    }

    /// The database this session has selected.
    pub fn db(&self) -> usize {
        self.db
    }

    /// Sets the address reported for this client (e.g. `10.0.0.7:51234`
    /// when the host serves a network peer); empty by default.
    pub fn set_client_addr(&mut self, addr: &[u8]) {
        self.client_addr = addr.to_vec();
    }

    /// Sets the client name reported for this client (as CLIENT SETNAME
    /// would); empty by default.
    pub fn set_client_name(&mut self, name: &[u8]) {
        self.client_name = name.to_vec();
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
