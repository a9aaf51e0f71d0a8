"""API fixtures: a token-authenticated client per role and flows in both teams."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from editor.services.flows import flow_import, flow_publish

from .helpers import token_client


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
