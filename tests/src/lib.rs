//! End-to-end scenarios live in tests/*.rs; this library holds shared helpers.
