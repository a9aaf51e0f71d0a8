#!/usr/bin/env bash
# Run every test: lint, the whole suite on PostgreSQL + Redis, then the
# flow-core, model, service and CLI tests again on SQLite.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432/flowstudio}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"

run_pytest() {
  # pytest exits 5 when a selection holds no test; that is not a failure here.
  "$BIN/python" -m pytest "$@"
  local rc=$?
  if [ "$rc" -eq 5 ]; then echo "(no tests in this selection)"; return 0; fi
  return "$rc"
}

echo "== ruff"
"$BIN/ruff" check . || exit 1

echo "== tests on PostgreSQL and Redis"
DATABASE_URL="$PG_URL" CELERY_BROKER_URL="$REDIS_URL" run_pytest "$@" || exit 1

echo "== flow-core, model, service and CLI tests on SQLite"
sqlite_dir=$(mktemp -d)
DATABASE_URL="sqlite:///$sqlite_dir/test.sqlite3" CELERY_BROKER_URL="$REDIS_URL" run_pytest -m sqlite "$@" || exit 1
