#!/usr/bin/env bash
# Serve FlowStudio with a Celery worker and beat, on SQLite and the embedded broker.
# Ctrl+C (or any one of them dying) stops all three.
set -uo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-1}"
# The demo credential (manage.py demo_setup) points at the sandbox on this port.
export SITE_PORT="${SITE_PORT:-8000}"
BIN=.venv/bin
pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "Stopping FlowStudio..."
  kill "${pids[@]}" 2>/dev/null
  wait 2>/dev/null
}
trap cleanup INT TERM EXIT

$BIN/python manage.py runserver "127.0.0.1:$SITE_PORT" --noreload & pids+=($!)
$BIN/celery -A flowstudio worker --loglevel=INFO --concurrency=2 --hostname=worker@%h & pids+=($!)
$BIN/celery -A flowstudio beat --loglevel=INFO --pidfile= & pids+=($!)
echo "FlowStudio is running on http://127.0.0.1:$SITE_PORT/ (Ctrl+C stops the web server, worker and beat)."
wait -n
