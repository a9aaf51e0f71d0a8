"""Helpers shared by the API tests."""

from __future__ import annotations

import re
from pathlib import Path

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

ROLES = ("owner", "editor", "viewer", "outsider")


def big_document(steps: int) -> dict:
    """A valid chain: one call step, then play steps, each with a layout entry."""
    flow = [{"id": "0", "type": "call", "number": "+15550100", "caller_id": "+15550101", "next_step": "1"}]
    for i in range(1, steps):
        flow.append(
            {
                "id": str(i),
                "type": "play",
                "text": f"Message number {i}",
                "next_step": str(i + 1) if i < steps - 1 else None,
            }
        )
    layout = {str(i): {"x": 0, "y": 80 * i, "label": f"Step {i}"} for i in range(steps)}
    return {"steps": flow, "layout": layout, "settings": {"record": False}}


def token_client(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def documented_error_codes() -> set[str]:
    """The codes listed in docs/api-contract.md's error table (the contract clients rely on)."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "api-contract.md").read_text()
    return set(re.findall(r"^\| `([a-z_]+)` \| \d{3} \|", text, flags=re.M))


ERROR_CODES = documented_error_codes()


def is_error_body(body: object) -> bool:
    return (isinstance(body, dict) and set(body) == {"message", "code", "extra"}
            and isinstance(body["message"], str) and body["message"] != ""
            and body["code"] in ERROR_CODES and isinstance(body["extra"], dict))


def assert_error_shape(response, status: int, code: str | None = None) -> dict:
    """The response is the API's error shape with a documented code (``code`` when given)."""
    assert response.status_code == status, (response.status_code, getattr(response, "content", b"")[:500])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert is_error_body(body), body
    if code is not None:
        assert body["code"] == code, body
    return body
