//! TTLs: the EXPIRE family, TTL/PTTL, PERSIST, and the active expire cycle
//! the host drives.
