#!/usr/bin/env bash
# Run every test: lint, the whole suite on PostgreSQL + Redis, then the
# flow-core, model, service and CLI tests again on SQLite.
# PostgreSQL and Redis: the ones on 127.0.0.1:5432 and :6379 (as in CI), or throwaway ones started
# here when nothing listens there (scripts/test-services.sh), stopped on exit.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
# shellcheck source=scripts/test-services.sh
. scripts/test-services.sh

run_pytest() {
  # pytest exits 5 when a selection holds no test; that is not a failure here.
  "$BIN/python" -m pytest "$@"
  local rc=$?
  if [ "$rc" -eq 5 ]; then echo "(no tests in this selection)"; return 0; fi
  return "$rc"
}

echo "== ruff"
"$BIN/ruff" check . || exit 1

echo "== import contracts (pyproject.toml; docs/architecture.md)"
"$BIN/lint-imports" --no-cache || exit 1

sqlite_dir=$(mktemp -d)
trap 'test_services_down; rm -rf "$sqlite_dir"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
test_services_up || exit 1

echo "== tests on PostgreSQL and Redis"
DATABASE_URL="$PG_URL" CELERY_BROKER_URL="$REDIS_URL" run_pytest "$@" || exit 1

echo "== flow-core, model, service and CLI tests on SQLite"
DATABASE_URL="sqlite:///$sqlite_dir/test.sqlite3" CELERY_BROKER_URL="$REDIS_URL" run_pytest -m sqlite "$@" || exit 1
