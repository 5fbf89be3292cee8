//! Custody Registry: the national view over every site's ledger, on PostgreSQL.
//!
//! Invariants: this is the only crate that talks to PostgreSQL; it runs no SQL on a site
//! ledger and uses custody-core only for pure functions (canonical encoding, hashing, segment
//! decoding, signature checks). A segment is stored whole or not at all, in one transaction.

pub mod api;
pub mod auth;
pub mod bench;
pub mod db;
pub mod error;
pub mod ingest;
pub mod keys;
pub mod projection;
pub mod synth;
pub mod web;

pub use error::{RegistryError, Result};
pub use ingest::Registry;
