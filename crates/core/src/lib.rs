//! The Custody core.
