#!/usr/bin/env bash
# The whole test suite, from nothing: system packages, formatting, lints, then every test.
set -euo pipefail
cd "$(dirname "$0")/.."
# One-shot builds: incremental caches only cost disk (about 9 GB for this workspace).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
bash scripts/install-test-deps.sh
# A throwaway PostgreSQL for the registry tests (CUSTODY_REGISTRY_TEST_DATABASE_URL), stopped on exit.
eval "$(bash scripts/pg-test-cluster.sh start)"
trap 'bash scripts/pg-test-cluster.sh stop' EXIT
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
# The site package: built from the binaries just tested, linted, installed, upgraded, removed.
if [ "$(id -u)" -eq 0 ]; then
  CUSTODY_DEB_PREBUILT=1 bash scripts/check-deb.sh
else
  echo "scripts/check-deb.sh skipped: it installs a package and needs root (CI runs as root)" >&2
fi
