"""Fixtures of the simulator tests: token clients per role and flows in two teams."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from editor.flows.services.flows import flow_import
from tests.support.flows import menu

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

MENU = menu()


@pytest.fixture
def menu_flow(team, owner):
    return flow_import(team=team, user=owner, name="Menu", payload=json.loads(json.dumps(MENU)))


@pytest.fixture
def example_flow(team, owner):
    payload = json.loads((FIXTURES / "samespace_example_fixed.json").read_text())
    return flow_import(team=team, user=owner, name="Samespace example", payload=payload)


@pytest.fixture
def other_flow(other_team, outsider):
    return flow_import(team=other_team, user=outsider, name="Theirs", payload=json.loads(json.dumps(MENU)))
