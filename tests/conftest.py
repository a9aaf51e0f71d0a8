"""Shared fixtures: one team with an owner, an editor and a viewer, plus an outsider."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DEMO_DIR = Path(__file__).resolve().parent.parent / "editor" / "demo"
# Tests under these folders are also run on SQLite (the `make run` default).
SQLITE_DIRS = ("flowcore", "core")


def pytest_collection_modifyitems(config, items):
    root = Path(__file__).resolve().parent
    for item in items:
        try:
            rel = Path(str(item.fspath)).resolve().relative_to(root)
        except ValueError:
            continue
        if rel.parts and rel.parts[0] in SQLITE_DIRS:
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
