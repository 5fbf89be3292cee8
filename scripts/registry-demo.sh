#!/usr/bin/env bash
# The national registry with two demo sites: starts a throwaway PostgreSQL and the registry,
# builds two demo site ledgers (`custody demo`), enrols them, pushes one over HTTP and brings the
# other on a file, checks both against the registry key, then prints the API URL and a token.
#
#   bash scripts/registry-demo.sh            # keeps the registry running until Ctrl-C
#   bash scripts/registry-demo.sh --no-wait  # stops everything at the end (smoke test)
set -euo pipefail
cd "$(dirname "$0")/.."
wait_at_end=1
[ "${1:-}" = "--no-wait" ] && wait_at_end=0
port="${CUSTODY_REGISTRY_DEMO_PORT:-8090}"

bash scripts/apt-install-missing.sh postgresql procps
echo "== building custody and custody-registry (release)" >&2
cargo build --release --locked -p custody-cli -p custody-registry >&2
target="${CARGO_TARGET_DIR:-$PWD/target}"
custody="$target/release/custody"
registry="$target/release/custody-registry"
work="$target/registry-demo"
rm -rf "$work/sites" "$work/registry.key" "$work/registry.pub"
mkdir -p "$work/sites"

export PG_TEST_DIR="$work/pg"
eval "$(bash scripts/pg-test-cluster.sh start)"
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  PG_TEST_DIR="$work/pg" bash scripts/pg-test-cluster.sh stop
}
trap cleanup EXIT
psql -q "$CUSTODY_REGISTRY_TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS registry_demo WITH (FORCE)" -c "CREATE DATABASE registry_demo"
export DATABASE_URL="${CUSTODY_REGISTRY_TEST_DATABASE_URL/\/postgres\?/\/registry_demo?}"
export CUSTODY_REGISTRY_KEY_FILE="$work/registry.key"

echo "== registry schema and key" >&2
"$registry" migrate
"$registry" keys export -o "$work/registry.pub"

echo "== two demo sites" >&2
for s in a b; do
  "$custody" demo --dir "$work/sites/$s" --weapons 200 >"$work/sites/$s.log"
  "$custody" --db "$work/sites/$s/demo-site.db" keys export -o "$work/sites/$s.pub" >/dev/null
done
"$registry" site enroll --name "Demo depot A" --key-file "$work/sites/a.pub"
"$registry" site enroll --name "Demo depot B" --key-file "$work/sites/b.pub"
token="$("$registry" token create --name demo --role inspector)"

"$registry" serve --listen "127.0.0.1:$port" >"$work/registry.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/api/v1/sites" -o /dev/null -H "Authorization: Bearer $token" && break
  sleep 0.1
done

echo "== site A pushes over HTTP" >&2
"$custody" --db "$work/sites/a/demo-site.db" sync push --registry "http://127.0.0.1:$port"
echo "== site B brings a file, the centre imports it, the answer goes back" >&2
"$custody" --db "$work/sites/b/demo-site.db" sync export -o "$work/sites/b.seg"
"$registry" import "$work/sites/b.seg" -o "$work/sites/b.cos"
"$custody" --db "$work/sites/b/demo-site.db" sync cosign "$work/sites/b.cos"
for s in a b; do
  "$custody" --db "$work/sites/$s/demo-site.db" verify --registry-key "$work/registry.pub"
done

url="http://127.0.0.1:$port/api/v1"
cat <<INFO

Registry API: $url   (docs/registry-api.md)
Token:        $token

  curl -H "Authorization: Bearer $token" $url/sites
  curl -H "Authorization: Bearer $token" "$url/items?serial=M-100000"
  curl -H "Authorization: Bearer $token" $url/alarms      # the demo sites share serials: diversion flags
  curl -H "Authorization: Bearer $token" $url/stock

INFO
curl -fs -H "Authorization: Bearer $token" "$url/sites"
echo
if [ "$wait_at_end" = 1 ]; then
  echo "Registry running (log: $work/registry.log); Ctrl-C stops it and PostgreSQL." >&2
  wait "$server"
fi
