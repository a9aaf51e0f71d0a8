"""Fixtures shared by every area (registered by tests/conftest.py): one team with an owner, an editor
and a viewer, plus an outsider in another team; API clients per role; the documented example flows;
the sandbox on the live server; the session's worker on a private Redis DB."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from django.core.cache import cache

from editor.flows.services.flows import flow_import, flow_publish
from tests.support.api import token_client

DEMO_DIR = Path(__file__).resolve().parents[2] / "editor" / "flows" / "demo"


@pytest.fixture(autouse=True)
def _fresh_throttle_cache():
    # Throttle counters live in the cache; every test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def users(owner, editor_user, viewer, outsider) -> dict:
    return {"owner": owner, "editor": editor_user, "viewer": viewer, "outsider": outsider}


@pytest.fixture
def api_as(users):
    """api_as("viewer") -> an APIClient sending that user's token."""
    return lambda role: token_client(users[role])


@pytest.fixture
def owner_client(owner):
    """A Django test client signed in as the team's owner (HTML pages)."""
    from django.test import Client

    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def flow(team, owner, samespace_example_fixed):
    """A valid flow in `team` with one published version."""
    flow = flow_import(team=team, user=owner, name="Reminder", payload=samespace_example_fixed)
    flow_publish(flow=flow, user=owner, note="first")
    return flow


@pytest.fixture
def broken_flow(team, owner, samespace_example):
    return flow_import(team=team, user=owner, name="Example with problems", payload=samespace_example)


@pytest.fixture
def other_flow(other_team, outsider, samespace_example_fixed):
    flow = flow_import(team=other_team, user=outsider, name="Bravo's flow", payload=samespace_example_fixed)
    flow_publish(flow=flow, user=outsider)
    return flow


@pytest.fixture
def samespace_example() -> dict:
    return json.loads((DEMO_DIR / "samespace_example.json").read_text())


@pytest.fixture
def samespace_example_fixed() -> dict:
    return json.loads((DEMO_DIR / "samespace_example_fixed.json").read_text())


@pytest.fixture
def team(db):
    from editor.accounts.models import Team

    return Team.objects.create(name="Alpha", slug="alpha")


@pytest.fixture
def other_team(db):
    from editor.accounts.models import Team

    return Team.objects.create(name="Bravo", slug="bravo")


def _member(django_user_model, team, username: str, role: str):
    from editor.accounts.models import Membership

    user = django_user_model.objects.create_user(username=username, email=f"{username}@example.com", password="pw")
    Membership.objects.create(team=team, user=user, role=role)
    return user


def _member_fixture(username: str, role: str):
    @pytest.fixture
    def member(django_user_model, team):
        return _member(django_user_model, team, username, role)

    return member


owner = _member_fixture("olivia", "owner")
editor_user = _member_fixture("eddie", "editor")
viewer = _member_fixture("vera", "viewer")


@pytest.fixture
def outsider(django_user_model, other_team):
    return _member(django_user_model, other_team, "oscar", "owner")


# --- real parts shared by the calls, campaigns and browser tests ---------------------------------------
# Defined once here so that a whole run starts one worker process, whichever folders use it.


@pytest.fixture(scope="session")
def broker_url():
    """A Redis DB of the calls tests' own; this process's Celery app publishes there for the session."""
    from django.conf import settings

    from tests.support.workers import WORKER_TIME_LIMIT, private_broker_url, purge, use_broker

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
    from tests.support.workers import Worker, worker_database_url, worker_env

    log = tmp_path_factory.mktemp("worker") / "worker.log"
    proc = Worker(worker_env(DATABASE_URL=worker_database_url(), CELERY_BROKER_URL=broker_url), log)
    try:
        proc.wait_ready()
        yield proc
    finally:
        proc.stop()


# --- the sandbox (sandbox/), served by the live server ----------------------------------------------


@pytest.fixture
def sandbox_url(live_server) -> str:
    # The live server listens on IPv4; name the address so the client does not try ::1 first.
    return live_server.url.replace("localhost", "127.0.0.1") + "/sandbox/api/public/v1"


@pytest.fixture
def sandbox_requests(live_server) -> Callable[..., list[dict]]:
    """What the sandbox received, through its JSON listing (newest first)."""

    def fetch(**filters: str) -> list[dict]:
        response = requests.get(f"{live_server.url}/sandbox/requests/", params={"limit": 1000, **filters}, timeout=5)
        response.raise_for_status()
        return response.json()["results"]

    return fetch
