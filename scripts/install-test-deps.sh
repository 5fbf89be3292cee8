#!/usr/bin/env bash
# System packages the test suite needs on a fresh machine with only Rust on it:
# poppler-utils (pdftoppm/pdftotext, to look at generated PDFs), qpdf (PDF structure check),
# sqlite3 (benchmark anchor), and Python's `cryptography` for the independent ledger verifier.
set -euo pipefail
need=()
command -v pdftoppm >/dev/null || need+=(poppler-utils)
command -v qpdf >/dev/null || need+=(qpdf)
command -v sqlite3 >/dev/null || need+=(sqlite3)
command -v python3 >/dev/null || need+=(python3)
command -v socat >/dev/null || need+=(socat)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
python3 -c "import cryptography" 2>/dev/null || python3 -m pip install --quiet cryptography
