"""What the hook answers (``POST /hooks/samespace/<token>/``, docs/call-events.md), whichever way the
request came: Django's view (editor/events/views.py) or the WSGI route in front of Django
(editor/events/wsgi.py).

It answers 202 once the events are stored, 404 for a token that names no call, 413 for a body over
EVENTS_MAX_BODY_BYTES, 400 for a body that is not one event object or a list of them, 429 past
EVENTS_MAX_PER_CALL, 405 for another method, and 503 when storing failed (Samespace may send again):
never 500. Errors have the API's shape. The token is in the path: nothing here logs it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from editor.common.api.errors import error_body
from editor.events.services import HookRefused, events_receive

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def _read_limited(length_header: str | None, read: Callable[[int], bytes], limit: int) -> bytes | None:
    """The body, or None when it is longer than ``limit`` (read no further than that)."""
    try:
        length = int(length_header or 0)
    except ValueError:
        length = 0
    if length > limit:
        return None
    body = read(limit + 1)
    return None if len(body) > limit else body


def answer(*, method: str, token: str, length_header: str | None, read: Callable[[int], bytes]) -> Answer:
    """Store the events of one request and say how it went; never raises."""
    if method != "POST":
        return Answer(405, error_body("Post events here.", "method_not_allowed"), {"Allow": "POST"})
    try:
        limit = settings.EVENTS_MAX_BODY_BYTES
        body = _read_limited(length_header, read, limit)
        if body is None:
            return Answer(413, error_body(f"An event body may be at most {limit} bytes.", "too_large",
                                          {"limit_bytes": limit}))
        received = events_receive(token=token, body=body)
    except HookRefused as refused:
        headers = {"Retry-After": "60"} if refused.status == 429 else {}
        return Answer(refused.status, error_body(refused.message, refused.code), headers)
    except Exception:  # noqa: BLE001 - never a 500: Samespace should send the event again
        logger.exception("Storing call events failed; answered 503.")
        return Answer(503, error_body("The event could not be stored now; send it again.", "unavailable"),
                      {"Retry-After": "5"})
    return Answer(202, {"received": received.events})
