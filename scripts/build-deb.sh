#!/usr/bin/env bash
# Builds the site package, custody_<version>-1_<arch>.deb, under <target dir>/debian/ and prints
# its path. The package a site installs is built with the release profile (the default).
# CUSTODY_DEB_PROFILE=dev packages the binaries the test run already built instead: the package
# check in CI (scripts/check-deb.sh) tests the packaging, not the optimiser, and a second,
# release build of the kiosk would cost it 10-15 minutes. CUSTODY_DEB_REVISION=N makes the
# Debian revision -N (the upgrade check installs a newer revision over the first).
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${CUSTODY_DEB_PROFILE:-release}"
command -v cargo-deb >/dev/null || cargo install cargo-deb --locked --version 3.8.0 --quiet
target_dir="$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
case "$profile" in
  dev) out_dir=debug ;;
  *) out_dir="$profile" ;;
esac
cargo build --locked --profile "$profile" -p custody-cli -p custody-kiosk >&2
rm -rf packaging/build/man
"$target_dir/$out_dir/custody" manual-pages --out packaging/build/man >&2
revision=()
[ -z "${CUSTODY_DEB_REVISION:-}" ] || revision=(--deb-revision "$CUSTODY_DEB_REVISION")
cargo deb --locked --no-build --profile "$profile" -p custody-cli "${revision[@]}" -o "$target_dir/debian/" 2>&1 >&2 |
  grep -v '^warning: .*unused manifest key' >&2 || true
ls -t "$target_dir"/debian/custody_*.deb | head -n 1
