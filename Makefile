# FlowStudio: `make run` serves the app (SQLite, embedded broker), `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export DEBUG ?= 1

.PHONY: run test setup venv venv-dev frontend chromium test-services migrate demo lint bench clean

run: setup
	@bash scripts/run-dev.sh

setup: .env venv frontend migrate demo

# A development checkout runs with DEBUG=1 (so `manage.py` works without exports);
# production sets its variables in the environment instead (see README).
.env:
	@printf '# Development settings for this checkout (git-ignored). Real environment variables win.\nDEBUG=1\n' > $@

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: $(BIN)/python requirements.txt constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/pip install --quiet -c constraints.txt -r requirements-dev.txt
	touch $@

venv: $(VENV)/.runtime
venv-dev: $(VENV)/.dev

# The canvas bundle (static/editor/, git-ignored) is built from frontend/. First what it reads from
# the Python side is generated: the block registry (committed, editor/flowcore/registry_json.py: a
# stale one is rewritten here and must be committed; under CI it fails the build, and
# tests/flowcore/test_registry_export.py fails too) and the API types (git-ignored, written every
# time by frontend/scripts/gen-api-types.mjs from `manage.py spectacular`). Then `tsc --noEmit`.
GENERATED := frontend/src/generated
frontend: venv
	@if [ -f frontend/package.json ]; then \
		$(BIN)/python -m editor.flowcore.registry_json > $(GENERATED)/registry.json.tmp \
		&& mv $(GENERATED)/registry.json.tmp $(GENERATED)/registry.json \
		&& cd frontend && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error; } \
		&& PYTHON="$(CURDIR)/$(BIN)/python" npm run --silent gen:api \
		&& cd .. && { git diff --quiet -- $(GENERATED)/registry.json 2>/dev/null || { echo "$(GENERATED)/registry.json was stale and has been regenerated: commit it."; [ -z "$$CI" ]; }; } \
		&& cd frontend && npm run --silent typecheck && npm run --silent build; \
	fi

migrate: .env venv
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py demo_setup

# Browser tests drive Debian's Chromium (never a downloaded browser).
chromium:
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Without PostgreSQL on 127.0.0.1:5432 or Redis on :6379, scripts/test.sh starts throwaway ones
# from Debian's packages (never a downloaded server), installed here when missing.
test-services:
	@bash scripts/test-services.sh install

test: .env venv-dev frontend chromium test-services
	@bash scripts/test.sh

lint: venv-dev
	$(BIN)/ruff check .

clean:
	rm -rf var staticfiles static/editor frontend/node_modules
