#!/usr/bin/env bash
# Builds the site package, custody_<version>-1_<arch>.deb, and the registry's,
# custody-registry_<version>-1_<arch>.deb, under <target dir>/debian/, and prints their paths
# (site package first). Packages for sites and the centre are built with the release profile
# (the default).
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
# CUSTODY_DEB_PREBUILT=1 (the test script) packages the binaries `cargo test --workspace` has
# just built from these sources instead of building them again: a plain `cargo build` resolves
# features without the test-only ones and would compile Slint and the kiosk a second time.
if [ "${CUSTODY_DEB_PREBUILT:-}" = 1 ]; then
  for bin in custody custody-kiosk custody-registry; do
    [ -x "$target_dir/$out_dir/$bin" ] || { echo "build-deb: no $target_dir/$out_dir/$bin to package" >&2; exit 1; }
  done
else
  cargo build --locked --profile "$profile" -p custody-cli -p custody-kiosk -p custody-registry >&2
fi
rm -rf packaging/build/man
"$target_dir/$out_dir/custody" manual-pages --out packaging/build/man >&2
revision=()
[ -z "${CUSTODY_DEB_REVISION:-}" ] || revision=(--deb-revision "$CUSTODY_DEB_REVISION")
for package in custody-cli custody-registry; do
  cargo deb --locked --no-build --profile "$profile" -p "$package" "${revision[@]}" \
    -o "$target_dir/debian/" >&2
done
version="$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print([p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "custody-cli"][0])')"
for name in custody custody-registry; do
  ls -t "$target_dir"/debian/"${name}_${version}"-*.deb | sed -n 1p
done
