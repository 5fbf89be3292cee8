#!/usr/bin/env bash
# The main job: the kiosk in demo mode on a temporary SQLite ledger with a simulated scanner.
# Installs the few system packages the window needs, then builds and runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t kiosk < scripts/kiosk-packages.txt
bash scripts/apt-install-missing.sh "${kiosk[@]}"
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "No display here, so the kiosk window cannot open: running the command-line demo instead." >&2
  echo "On a desktop (or with DISPLAY set) this command starts the kiosk." >&2
  exec cargo run --release -p custody-cli -- demo
fi
exec cargo run --release -p custody-kiosk -- --demo "$@"
