"""The whole suite: shared fixtures come from tests/support (one package of helpers for every area).

Each area's folder mirrors an app (tests/accounts, flows, calls, campaigns, flowcore, ...) and its
conftest.py imports only from tests/support, never from another area."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["tests.support.fixtures"]

# Tests under these folders or files are also run on SQLite (the `make run` default): the flow
# core, models, services and CLIs. Tests that need real workers, Redis or a browser stay on PostgreSQL.
SQLITE_PATHS = (
    "flowcore",
    "flows/test_cli.py",
    "flows/test_services.py",
    "flows/test_draft_state.py",
    "flows/test_migration_unpublished.py",
    "flows/simulator",
    "calls/test_demo_and_admin.py",
    "project",
    "campaigns/test_import.py",
    "campaigns/test_states.py",
    "campaigns/test_window.py",
    "campaigns/test_outcomes.py",
    "events/test_hook.py",
    "events/test_counts.py",
    "events/test_migration_counts.py",
    "events/test_payload.py",
    "events/test_outcomes_api.py",
)


def pytest_collection_modifyitems(config, items):
    root = Path(__file__).resolve().parent
    for item in items:
        try:
            rel = Path(str(item.fspath)).resolve().relative_to(root)
        except ValueError:
            continue
        if any(rel.as_posix() == path or rel.as_posix().startswith(path + "/") for path in SQLITE_PATHS):
            item.add_marker(pytest.mark.sqlite)
