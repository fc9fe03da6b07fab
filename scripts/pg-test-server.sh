#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback for the storage tests and the multi-instance load test.
#   scripts/pg-test-server.sh start DIR PORT   → prints the DSN on stdout
#   scripts/pg-test-server.sh stop DIR
# Installs the Debian `postgresql` package when it is missing (root, or sudo without a password).
# Exits 3 with a message on stderr when no server can be had, so callers can skip.
set -euo pipefail

cmd=${1:-}; dir=${2:-}; port=${3:-55432}
[[ -n "$cmd" && -n "$dir" ]] || { echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2; }

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; elif sudo -n true 2>/dev/null; then sudo -n "$@"; else return 1; fi; }

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

if [[ -z "$(bindir)" ]]; then
  echo "installing postgresql…" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2 \
    || { echo "postgresql is not installed and cannot be installed here" >&2; exit 3; }
fi
BIN=$(bindir)

# PostgreSQL refuses to run as root: run it as the `postgres` system user then.
if [[ $(id -u) -eq 0 ]]; then run() { runuser -u postgres -- "$@"; }; owner=postgres; else run() { "$@"; }; owner=$(id -un); fi

case "$cmd" in
  start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    chown "$owner" "$dir" 2>/dev/null || true
    chmod 700 "$dir"
    if [[ ! -f "$dir/data/PG_VERSION" ]]; then
      run "$BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { echo "initdb failed: $(tail -n 3 "$dir/initdb.log")" >&2; exit 3; }
    fi
    run "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >&2 \
      || { echo "postgres did not start: $(tail -n 3 "$dir/server.log")" >&2; exit 3; }
    run "$BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='legal_test'" \
      | grep -q 1 || run "$BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres legal_test
    echo "postgresql://postgres@127.0.0.1:$port/legal_test"
    ;;
  stop)
    [[ -f "$dir/data/PG_VERSION" ]] && run "$BIN/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
