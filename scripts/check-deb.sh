#!/usr/bin/env bash
# CI's check of the site package (issue: an installable site). Builds the .deb, runs lintian
# (no errors allowed), installs it with dpkg, runs the programs it installed, checks the units
# with systemd-analyze and the udev rule with udevadm, upgrades it to a newer revision with a ledger in
# place (preinst's backup, postinst's verify), removes and purges it (the ledger stays).
# Needs root (dpkg). Leaves the machine as it found it, except /var/lib/custody and
# /var/backups/custody when they existed before.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "check-deb.sh installs a package: run it as root" >&2; exit 1; }
bash scripts/apt-install-missing.sh lintian man-db xinit xserver-xorg-core \
  xserver-xorg-input-libinput adduser udev systemd

step() { printf '\n== %s\n' "$*"; }
fail() { echo "check-deb: $*" >&2; exit 1; }

# A site PC may have a real ledger here: never touch it.
had_lib=no; [ -e /var/lib/custody ] && had_lib=yes
had_backups=no; [ -e /var/backups/custody ] && had_backups=yes
if [ "$had_lib" = yes ] && [ -e /var/lib/custody/custody.db ]; then
  fail "/var/lib/custody/custody.db exists: this looks like a site PC; the check installs and removes the package, run it elsewhere"
fi
cleanup() {
  dpkg --purge custody >/dev/null 2>&1 || true
  [ "$had_lib" = yes ] || rm -rf /var/lib/custody
  [ "$had_backups" = yes ] || rm -rf /var/backups/custody
  rm -f /run/custody-kiosk.was-running
}
trap cleanup EXIT

step "build"
deb="$(CUSTODY_DEB_PROFILE="${CUSTODY_DEB_PROFILE:-dev}" bash scripts/build-deb.sh | tail -n 1)"
[ -f "$deb" ] || fail "no package built"
echo "$deb"

step "lintian"
lintian --fail-on error --suppress-tags initial-upload-closes-no-bugs "$deb"

step "install"
dpkg -i "$deb"
custody --version
custody-kiosk --help 2>&1 | head -n 1 || true
[ "$(stat -c '%U:%G %a' /var/lib/custody)" = "custody:custody 700" ] ||
  fail "/var/lib/custody is $(stat -c '%U:%G %a' /var/lib/custody), not custody:custody 700"
[ "$(stat -c '%U:%G %a' /var/backups/custody)" = "custody:custody 700" ] ||
  fail "/var/backups/custody is not custody:custody 700"
for page in custody custody-backup custody-doctor custody-kiosk; do
  [ -f "/usr/share/man/man1/$page.1.gz" ] || fail "no manual page $page(1)"
done
man -w custody-backup >/dev/null

step "a fresh ledger, doctor, a backup as the timer takes it"
db=/var/lib/custody/custody.db
runuser -u custody -- env CUSTODY_PIN=731904 custody --db "$db" init \
  --site-name "Package Check Depot" --admin-name "Ana Admin" --admin-badge ADM1
[ "$(stat -c '%U %a' "$db.key")" = "custody 600" ] || fail "the site key is not custody's alone"
# The backup unit's own command line, with the settings file's values.
exec_start="$(sed -n 's/^ExecStart=//p' /usr/lib/systemd/system/custody-backup.service)"
set -a; . /etc/default/custody; set +a
eval "runuser -u custody -- $exec_start"
runuser -u custody -- custody --db "$db" doctor --backups /var/backups/custody

step "systemd-analyze verify"
systemd-analyze verify /usr/lib/systemd/system/custody-kiosk.service \
  /usr/lib/systemd/system/custody-backup.service /usr/lib/systemd/system/custody-backup.timer
[ -L /etc/systemd/system/graphical.target.wants/custody-kiosk.service ] ||
  fail "custody-kiosk.service is not enabled"
[ -L /etc/systemd/system/timers.target.wants/custody-backup.timer ] ||
  fail "custody-backup.timer is not enabled"

step "udev rule"
# systemd 252 has no 'udevadm verify' (253+); 'udevadm test' parses every rules file and names
# the file and line of each problem.
rules=/usr/lib/udev/rules.d/60-custody-scanners.rules
out="$(udevadm test /sys/class/tty/console 2>&1 || true)"
grep -q "Reading rules file: $rules" <<<"$out" || fail "udevadm did not read $rules"
if grep "^$rules:" <<<"$out"; then fail "udevadm found problems in $rules"; fi
if command -v udevadm >/dev/null && udevadm verify --help >/dev/null 2>&1; then
  udevadm verify "$rules"
fi

step "upgrade to a newer package revision with the ledger in place"
newer="$(CUSTODY_DEB_PROFILE="${CUSTODY_DEB_PROFILE:-dev}" CUSTODY_DEB_REVISION=2 bash scripts/build-deb.sh | tail -n 1)"
[ "$newer" != "$deb" ] || fail "the newer package has the same name"
dpkg -i "$newer"
dpkg-query -W -f '${Version}\n' custody | grep -q -- '-2$' || fail "the newer revision is not installed"
ls /var/backups/custody/before-upgrade/ | grep -q '^custody-backup-' ||
  fail "preinst made no backup before the upgrade"
runuser -u custody -- custody --db "$db" verify

step "remove, purge: the ledger stays"
dpkg -r custody
[ ! -e /usr/bin/custody ] && [ ! -e /usr/bin/custody-kiosk ] || fail "programs left after dpkg -r"
dpkg --purge custody
[ -f "$db" ] || fail "purge removed the ledger"
echo "check-deb: the package built, passed lintian, installed, upgraded and removed cleanly"
