"""Fixtures of the simulator tests: token clients per role and flows in two teams."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from editor.flows.services.flows import flow_import

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

MENU = {
    "steps": [
        {"id": "0", "type": "call", "number": "{{contact.number}}", "caller_id": "+14155550100", "next_step": "1"},
        {"id": "1", "type": "play", "text": "Press 1 for your balance, 2 for an agent.", "next_step": "2"},
        {"id": "2", "type": "digits", "count": 1, "variable": "choice", "next_step": {"1": "3", "2": "5", "*": "1"}},
        {
            "id": "3",
            "type": "http",
            "url": "https://api.example.test/balance/{{choice}}",
            "next_step": {"success": "4", "fail": "6"},
        },
        {"id": "4", "type": "play", "text": "Your balance is ready."},
        {"id": "5", "type": "connect", "number": "5263", "caller_id": "+14155550100"},
        {"id": "6", "type": "play", "text": "Sorry, try later."},
    ],
    "layout": {"2": {"x": 0, "y": 200, "label": "Menu"}},
    "settings": {"record": False},
}


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
