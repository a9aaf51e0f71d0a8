#!/usr/bin/env bash
# PostgreSQL and Redis for the tests.
#
# CI (and any machine running them) has PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379;
# the tests use those. Where nothing listens on one of these ports, the tests get a throwaway server
# of their own instead, from Debian's packages: in a temporary folder, on a free port, with nothing
# written to disk that outlives the run.
#
#   bash scripts/test-services.sh install   (run by `make test`) installs Debian's postgresql and
#                                           redis-server when a server is missing and so are its programs
#   . scripts/test-services.sh              (scripts/test.sh) defines:
#     test_services_up     exports PG_URL and REDIS_URL, starting throwaway servers where needed
#     test_services_down   stops the throwaway servers and deletes their folder (call it on exit)
#
# An explicit PG_URL or REDIS_URL is used as it is. TEST_PG_PORT and TEST_REDIS_PORT (default 5432
# and 6379) change the ports probed on 127.0.0.1, for example to try the throwaway path on a machine
# whose servers stay up.

TEST_PG_PORT="${TEST_PG_PORT:-5432}"
TEST_REDIS_PORT="${TEST_REDIS_PORT:-6379}"
_services_dir=""
_services_pg_data=""
_services_pg_user=""
_services_redis_pid=""

# Whether something accepts TCP connections on 127.0.0.1:$1.
_listening() {
  timeout 2 bash -c ": </dev/tcp/127.0.0.1/$1" 2>/dev/null
}

_free_port() {
  "${BIN:-.venv/bin}/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The newest PostgreSQL server programs Debian installed (/usr/lib/postgresql/<version>/bin).
_pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && [ -x "$dir/pg_ctl" ] && echo "$dir"
}

_wait_for_port() {  # port, seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    _listening "$1" && return 0
    sleep 0.1
  done
  return 1
}

# Runs a command as the user that owns the PostgreSQL data: initdb and postgres refuse root.
_as_pg_user() {
  if [ -n "$_services_pg_user" ]; then runuser -u "$_services_pg_user" -- "$@"; else "$@"; fi
}

_start_postgres() {
  local bin port
  bin=$(_pg_bin) || { echo "PostgreSQL's programs are missing: run make test (it installs postgresql)." >&2; return 1; }
  port=$(_free_port)
  _services_pg_data="$_services_dir/postgres"
  if [ "$(id -u)" -eq 0 ]; then
    _services_pg_user=nobody
    id -u postgres >/dev/null 2>&1 && _services_pg_user=postgres
    chown "$_services_pg_user" "$_services_dir"
  fi
  _as_pg_user "$bin/initdb" -D "$_services_pg_data" -U postgres -A trust -E UTF8 --no-locale --no-sync \
    >"$_services_dir/initdb.log" 2>&1 || { cat "$_services_dir/initdb.log" >&2; return 1; }
  # In a session of its own, so that Ctrl+C reaches the tests, not the server they are using.
  _as_pg_user setsid -w "$bin/pg_ctl" start -w -t 60 -D "$_services_pg_data" -l "$_services_dir/postgres.log" \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$_services_pg_data' \
        -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null \
    || { cat "$_services_dir/postgres.log" >&2; return 1; }
  "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres flowstudio || return 1
  export PG_URL="postgres://postgres@127.0.0.1:$port/flowstudio"
  echo "(a throwaway PostgreSQL on 127.0.0.1:$port: nothing listens on :$TEST_PG_PORT)"
}

_start_redis() {
  local port
  command -v redis-server >/dev/null || { echo "redis-server is missing: run make test (it installs it)." >&2; return 1; }
  port=$(_free_port)
  mkdir -p "$_services_dir/redis"
  redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
    --dir "$_services_dir/redis" --pidfile "$_services_dir/redis/redis.pid" \
    --logfile "$_services_dir/redis/redis.log" || return 1
  _wait_for_port "$port" 10 || { cat "$_services_dir/redis/redis.log" >&2; return 1; }
  _services_redis_pid=$(cat "$_services_dir/redis/redis.pid")
  export REDIS_URL="redis://127.0.0.1:$port/0"
  echo "(a throwaway Redis on 127.0.0.1:$port: nothing listens on :$TEST_REDIS_PORT)"
}

test_services_up() {
  if [ -z "${PG_URL:-}" ] && ! _listening "$TEST_PG_PORT"; then
    _services_dir=${_services_dir:-$(mktemp -d -t flowstudio-test-services.XXXXXX)}
    _start_postgres || return 1
  fi
  if [ -z "${REDIS_URL:-}" ] && ! _listening "$TEST_REDIS_PORT"; then
    _services_dir=${_services_dir:-$(mktemp -d -t flowstudio-test-services.XXXXXX)}
    _start_redis || return 1
  fi
  export PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:$TEST_PG_PORT/flowstudio}"
  export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:$TEST_REDIS_PORT/0}"
}

test_services_down() {
  local bin i
  if [ -n "$_services_pg_data" ] && [ -f "$_services_pg_data/postmaster.pid" ] && bin=$(_pg_bin); then
    _as_pg_user "$bin/pg_ctl" stop -D "$_services_pg_data" -m immediate -w -t 30 >/dev/null 2>&1
  fi
  if [ -n "$_services_redis_pid" ] && kill "$_services_redis_pid" 2>/dev/null; then
    for ((i = 0; i < 100; i++)); do kill -0 "$_services_redis_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  [ -n "$_services_dir" ] && rm -rf "$_services_dir"
  _services_dir="" _services_pg_data="" _services_redis_pid=""
}

# `install`: Debian's packages for whichever server is missing and has no programs here. The
# packages' own servers are not started (a temporary policy-rc.d), so that they do not take 5432
# and 6379 (the distribution's PostgreSQL refuses a password-less login over TCP).
_install() {
  local packages=()
  _listening "$TEST_PG_PORT" || _pg_bin >/dev/null || packages+=(postgresql)
  _listening "$TEST_REDIS_PORT" || command -v redis-server >/dev/null || packages+=(redis-server)
  [ "${#packages[@]}" -eq 0 ] && return 0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -uo pipefail
  case "${1:-}" in
    install) _install ;;
    *) echo "usage: $0 install   (scripts/test.sh sources this file)" >&2; exit 2 ;;
  esac
fi
