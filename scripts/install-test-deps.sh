#!/usr/bin/env bash
# System packages the test suite needs on a fresh machine with only Rust on it:
# poppler-utils (pdftoppm/pdftotext, to look at generated PDFs), qpdf (PDF structure check),
# sqlite3 (benchmark anchor), socat, Python's `cryptography` for the independent ledger
# verifier, the kiosk's build and X11 runtime packages (scripts/kiosk-packages.txt), and
# xvfb + imagemagick for the smoke test of the real window, and PostgreSQL (+ procps for pgrep)
# for the registry tests' throwaway cluster (scripts/pg-test-cluster.sh), xdotool for the
# wedge-at-boot test (crates/kiosk/tests/wedge_at_boot.rs), and Chromium with chromedriver for
# the registry web pages' browser test (crates/registry/tests/web.rs). The package check
# installs its own (scripts/check-deb.sh).
set -euo pipefail
cd "$(dirname "$0")"
mapfile -t kiosk < kiosk-packages.txt
bash apt-install-missing.sh poppler-utils qpdf sqlite3 socat xvfb imagemagick xdotool postgresql procps chromium chromium-driver "${kiosk[@]}"
python3 -c "import cryptography" 2>/dev/null || python3 -m pip install --quiet cryptography
