#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the registry tests: its own data folder under the target
# folder, listening only on a unix socket, run as the `postgres` user when started as root
# (initdb refuses root, and CI runs as root).
#
#   eval "$(bash scripts/pg-test-cluster.sh start)"   # prints export CUSTODY_REGISTRY_TEST_DATABASE_URL=...
#   bash scripts/pg-test-cluster.sh stop
#   bash scripts/pg-test-cluster.sh kill              # SIGKILL the server (crash tests)
#   bash scripts/pg-test-cluster.sh restart-after-kill
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-$PWD/target}"
base="${PG_TEST_DIR:-$target/pg-test}"
data="$base/data"
sock="$base/sock"
log="$base/postgres.log"
# Crash recovery syncs the data folder with one syncfs() instead of a fsync() per file.
options="-c listen_addresses='' -c unix_socket_directories='$sock' -c max_connections=300 -c fsync=on -c shared_buffers=128MB -c recovery_init_sync_method=syncfs"
bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
[ -n "$bindir" ] || { echo "PostgreSQL is not installed (scripts/install-test-deps.sh installs it)" >&2; exit 1; }

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    # -s: the postgres user may have no login shell; the tests need PGDATA readable only by it.
    su -s /bin/sh postgres -c "$*"
  else
    sh -c "$*"
  fi
}

user() { if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi; }

case "${1:-}" in
  start)
    mkdir -p "$base"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$base"; chmod 755 "$base"; fi
    # The folder above must be traversable by postgres when it lives under root's target dir.
    d="$base"; while [ "$d" != "/" ]; do d="$(dirname "$d")"; [ "$(id -u)" -eq 0 ] && chmod o+x "$d" 2>/dev/null || true; done
    # A cluster that is not running is thrown away and made anew: nothing of an earlier run
    # (its test databases, a crash) carries over.
    if ! { [ -s "$data/PG_VERSION" ] && as_pg "'$bindir/pg_ctl' -D '$data' status" >/dev/null 2>&1; }; then
      rm -rf "$data"
      as_pg "'$bindir/initdb' -D '$data' -A trust -U '$(user)' --no-sync -E UTF8 --locale=C.UTF-8" >/dev/null
      as_pg "mkdir -p '$sock'"
      as_pg "'$bindir/pg_ctl' -D '$data' -l '$log' -w -t 300 -o \"$options\" start" >/dev/null
    fi
    echo "export CUSTODY_REGISTRY_TEST_DATABASE_URL='postgresql://$(user)@/postgres?host=$sock'"
    echo "export CUSTODY_REGISTRY_TEST_PG_CTL='$PWD/scripts/pg-test-cluster.sh'"
    echo "export PG_TEST_DIR='$base'"
    ;;
  stop)
    if [ -s "$data/PG_VERSION" ]; then
      as_pg "'$bindir/pg_ctl' -D '$data' -m fast -w stop" >/dev/null 2>&1 || true
    fi
    ;;
  kill)
    pid="$(head -n1 "$data/postmaster.pid")"
    # The postmaster and every backend at once, as a power cut would.
    kill -KILL "$pid" $(pgrep -P "$pid" || true)
    ;;
  restart-after-kill)
    for _ in $(seq 1 50); do
      as_pg "'$bindir/pg_ctl' -D '$data' status" >/dev/null 2>&1 || break
      sleep 0.1
    done
    as_pg "'$bindir/pg_ctl' -D '$data' -l '$log' -w -t 300 -o \"$options\" start" >/dev/null
    ;;
  *)
    echo "usage: $0 start|stop|kill|restart-after-kill" >&2
    exit 2
    ;;
esac
