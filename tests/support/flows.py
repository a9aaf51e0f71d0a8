"""Flow documents shared by several areas' tests."""

from __future__ import annotations

# A balance line: a menu (digits) with a web request that may work or fail, and a transfer.
MENU_STEPS = [
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
]


def menu(layout: dict | None = None) -> dict:
    """A fresh copy of the balance-line document with this layout (default: only the menu labelled)."""
    return {
        "steps": [{**step} for step in MENU_STEPS],
        "layout": layout if layout is not None else {"2": {"x": 0, "y": 200, "label": "Menu"}},
        "settings": {"record": False},
    }
