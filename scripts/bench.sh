#!/usr/bin/env bash
# Runs custody-bench from a fresh machine: the anchors' programs first (sqlite3 for the import
# anchor; reportlab for the documents suite's PDF anchor; zxing-cpp and Pillow for the codes
# suite), then the named suites (default: all). Python packages go into a virtual environment
# under the target folder when the system's Python does not have them (Debian's refuses pip
# installs), and that environment's python3 comes first on PATH for the bench.
#
#   bash scripts/bench.sh ledger docs         # one JSON line per figure on stdout
#   CUSTODY_BENCH_FEATURES=--no-default-features bash scripts/bench.sh ledger   # without Slint
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
bash scripts/apt-install-missing.sh sqlite3

anchors="import reportlab, zxingcpp, PIL"
if ! python3 -c "$anchors" 2>/dev/null; then
  venv="$target/bench-venv"
  if ! "$venv/bin/python3" -c "$anchors" 2>/dev/null; then
    echo "installing the bench anchors' Python packages into $venv" >&2
    python3 -c "import venv, ensurepip" 2>/dev/null || bash scripts/apt-install-missing.sh python3-venv
    python3 -m venv "$venv"
    "$venv/bin/python3" -m pip install --quiet reportlab zxing-cpp pillow
  fi
  export PATH="$(cd "$venv/bin" && pwd):$PATH"
fi

# shellcheck disable=SC2086 # the features are words on purpose
cargo build --release --locked -p custody-bench ${CUSTODY_BENCH_FEATURES:-}
[ $# -gt 0 ] || set -- all
exec "$target/release/custody-bench" "$@"
