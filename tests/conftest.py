"""Shared fixtures: one team with an owner, an editor and a viewer, plus an outsider."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DEMO_DIR = Path(__file__).resolve().parent.parent / "editor" / "demo"
# Tests under these folders or files are also run on SQLite (the `make run` default): the flow
# core, models, services and CLIs. Tests that need real workers, Redis or a browser stay on PostgreSQL.
SQLITE_PATHS = (
    "flowcore",
    "core",
    "simulator",
    "campaigns/test_import.py",
    "campaigns/test_states.py",
    "campaigns/test_window.py",
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


@pytest.fixture
def samespace_example() -> dict:
    return json.loads((DEMO_DIR / "samespace_example.json").read_text())


@pytest.fixture
def samespace_example_fixed() -> dict:
    return json.loads((DEMO_DIR / "samespace_example_fixed.json").read_text())


@pytest.fixture
def team(db):
    from editor.models import Team

    return Team.objects.create(name="Alpha", slug="alpha")


@pytest.fixture
def other_team(db):
    from editor.models import Team

    return Team.objects.create(name="Bravo", slug="bravo")


def _member(django_user_model, team, username: str, role: str):
    from editor.models import Membership

    user = django_user_model.objects.create_user(username=username, email=f"{username}@example.com", password="pw")
    Membership.objects.create(team=team, user=user, role=role)
    return user


@pytest.fixture
def owner(django_user_model, team):
    return _member(django_user_model, team, "olivia", "owner")


@pytest.fixture
def editor_user(django_user_model, team):
    return _member(django_user_model, team, "eddie", "editor")


@pytest.fixture
def viewer(django_user_model, team):
    return _member(django_user_model, team, "vera", "viewer")


@pytest.fixture
def outsider(django_user_model, other_team):
    return _member(django_user_model, other_team, "oscar", "owner")


# --- real parts of the calls tests (tests/calls/conftest.py), shared with the browser tests -------------
# Defined once here so that a whole run starts one worker process, whichever folders use it.


@pytest.fixture(scope="session")
def broker_url():
    """A Redis DB of the calls tests' own; this process's Celery app publishes there for the session."""
    from django.conf import settings

    from tests.calls.conftest import WORKER_TIME_LIMIT, private_broker_url, purge, use_broker

    url = private_broker_url()
    original = (settings.CELERY_BROKER_URL, dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS))
    purge(url)
    use_broker(url, {"visibility_timeout": WORKER_TIME_LIMIT * 3})
    yield url
    use_broker(*original)
    purge(url)


@pytest.fixture(scope="session")
def worker(django_db_setup, broker_url, tmp_path_factory):
    """One Celery worker process for the session, on the private Redis DB and the test database."""
    from tests.calls.conftest import Worker, worker_database_url, worker_env

    log = tmp_path_factory.mktemp("worker") / "worker.log"
    proc = Worker(worker_env(DATABASE_URL=worker_database_url(), CELERY_BROKER_URL=broker_url), log)
    try:
        proc.wait_ready()
        yield proc
    finally:
        proc.stop()
