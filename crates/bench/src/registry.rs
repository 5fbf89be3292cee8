//! The `registry` suite: `ingest_1m` against PostgreSQL COPY and `serial_search_p99` through
//! the API. Its code lives in custody-registry (crates/registry/src/bench.rs), the only crate
//! that talks to PostgreSQL; it needs CUSTODY_REGISTRY_BENCH_DATABASE_URL (or the tests' URL).

pub fn run() -> anyhow::Result<()> {
    custody_registry::bench::run()
}
