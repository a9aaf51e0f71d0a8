"""Helpers shared by the API tests."""

from __future__ import annotations

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


def assert_error_shape(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, getattr(response, "content", b"")[:500])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"message", "extra"}, body
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["extra"], dict)
    return body
