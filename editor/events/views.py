"""The hook Samespace posts call events to: ``POST /hooks/samespace/<token>/`` (docs/call-events.md).

It answers 202 once the events are stored, 404 for a token that names no call, 413 for a body over
EVENTS_MAX_BODY_BYTES, 400 for a body that is not one event object or a list of them, 429 past
EVENTS_MAX_PER_CALL, 405 for another method, and 503 when storing failed (Samespace may send again):
never 500. Errors have the API's shape. The token is in the path: no response of this view is
passed to Django's request logger, and nothing here logs it.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from editor.common.api.errors import error_body
from editor.events.services import HookRefused, events_receive

logger = logging.getLogger(__name__)


def _answer(status: int, body: dict, headers: dict[str, str] | None = None) -> JsonResponse:
    response = JsonResponse(body, status=status, headers=headers)
    # django.request logs every 4xx/5xx with its path, which holds the token: mark it as logged.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _read_limited(request: HttpRequest, limit: int) -> bytes | None:
    """The body, or None when it is longer than ``limit`` (read no further than that)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        return None
    body = request.read(limit + 1)
    return None if len(body) > limit else body


@csrf_exempt
def samespace_hook(request: HttpRequest, token: str) -> HttpResponse:
    if request.method != "POST":
        return _answer(405, error_body("Post events here.", "method_not_allowed"), {"Allow": "POST"})
    try:
        limit = settings.EVENTS_MAX_BODY_BYTES
        body = _read_limited(request, limit)
        if body is None:
            return _answer(413, error_body(f"An event body may be at most {limit} bytes.", "too_large",
                                           {"limit_bytes": limit}))
        received = events_receive(token=token, body=body)
    except HookRefused as refused:
        headers = {"Retry-After": "60"} if refused.status == 429 else None
        return _answer(refused.status, error_body(refused.message, refused.code), headers)
    except Exception:  # noqa: BLE001 - never a 500: Samespace should send the event again
        logger.exception("Storing call events failed; answered 503.")
        return _answer(503, error_body("The event could not be stored now; send it again.", "unavailable"),
                       {"Retry-After": "5"})
    return _answer(202, {"received": received.events})
