#!/usr/bin/env bash
# Builds the scanner fuzz target with libFuzzer's coverage instrumentation on the stable
# toolchain (the flags cargo-fuzz passes, minus the nightly-only sanitizer) and runs it.
# Usage: bash crates/scan/fuzz/run.sh [seconds]   (default 60)
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-60}"
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table -Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks --cfg fuzzing"
target="${CARGO_TARGET_DIR:-target}"
# With --target the flags reach only the fuzzed code, not build scripts or proc macros.
host="$(rustc -vV | sed -n 's/^host: //p')"
cargo build --release --target "$host" --bin scanner_line
mkdir -p corpus/scanner_line
"$target/$host/release/scanner_line" -max_total_time="$secs" -print_final_stats=1 corpus/scanner_line
