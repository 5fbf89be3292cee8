#!/usr/bin/env bash
# System packages the test suite needs on a fresh machine with only Rust on it:
# poppler-utils (pdftoppm/pdftotext, to look at generated PDFs), qpdf (PDF structure check),
# sqlite3 (benchmark anchor), Python's `cryptography` for the independent ledger verifier,
# and for the kiosk (Slint, winit on X11): fontconfig + pkg-config to build, the X11/GL runtime
# libraries, and xvfb + imagemagick for the smoke test of the real window.
set -euo pipefail
need=()
command -v pdftoppm >/dev/null || need+=(poppler-utils)
command -v qpdf >/dev/null || need+=(qpdf)
command -v sqlite3 >/dev/null || need+=(sqlite3)
command -v python3 >/dev/null || need+=(python3)
command -v socat >/dev/null || need+=(socat)
command -v pkg-config >/dev/null || need+=(pkg-config)
command -v Xvfb >/dev/null || need+=(xvfb)
command -v import >/dev/null || need+=(imagemagick)
for pkg in libfontconfig1-dev libfontconfig1 libx11-xcb1 libxcursor1 libxi6 libxkbcommon-x11-0 libgl1; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
python3 -c "import cryptography" 2>/dev/null || python3 -m pip install --quiet cryptography
