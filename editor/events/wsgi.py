"""The events hook served in front of Django's middleware: ``with_events_hook(application)``.

Every call event is one request (Samespace publishes them in real time), so what a request costs
besides storing the event matters: through Django's whole stack (sessions, authentication, CSRF,
messages, axes, URL resolving) the hook took about 1.4 ms more CPU per event than its own work
(bench/README.md, "Events"). None of that applies to it: it has no session, no user and no form; its
token is its authentication. So ``POST /hooks/samespace/<token>/`` goes straight to the hook's answer
(editor/events/hook.py), with what Django would still do for it: the Host check (ALLOWED_HOSTS), the
https redirect (a request it would redirect goes to Django, which does), and the database connection
handling of a request (the request_started / request_finished signals).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core import signals
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest

from editor.common.api.errors import error_body

logger = logging.getLogger(__name__)

# The same path as editor/events/urls.py's (the trailing slash optional).
HOOK_PATH = re.compile(r"^/hooks/samespace/(?P<token>[^/]+)/?$")
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _direct(request: WSGIRequest) -> bool:
    """True when Django would neither refuse the Host nor redirect to https."""
    try:
        request.get_host()
    except DisallowedHost:
        return False
    return request.is_secure() or not settings.SECURE_SSL_REDIRECT


def _respond(start_response: Callable[..., Any], status: int, body: dict[str, Any],
             headers: dict[str, str]) -> list[bytes]:
    content = json.dumps(body).encode()
    start_response(f"{status} {HTTPStatus(status).phrase}", [
        ("Content-Type", "application/json"), ("Content-Length", str(len(content))),
        ("X-Content-Type-Options", "nosniff"), *headers.items()])
    return [content]


def with_events_hook(application: WSGIApp) -> WSGIApp:
    """``application``, with the events hook's path answered before it."""
    from editor.events.hook import answer

    def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        match = HOOK_PATH.match(environ.get("PATH_INFO", ""))
        if match is None:
            return application(environ, start_response)
        request = WSGIRequest(environ)
        if not _direct(request):
            return application(environ, start_response)
        signals.request_started.send(sender=WSGIHandler, environ=environ)
        try:
            result = answer(method=request.method or "", token=match["token"],
                            length_header=environ.get("CONTENT_LENGTH"), read=request.read)
            return _respond(start_response, result.status, result.body, result.headers)
        except Exception:  # noqa: BLE001 - never a 500 (answer() itself catches what storing raises)
            logger.exception("The events hook failed; answered 503.")
            return _respond(start_response, 503, error_body("The event could not be stored now; send it again.",
                                                            "unavailable"), {"Retry-After": "5"})
        finally:
            signals.request_finished.send(sender=WSGIHandler)

    return serve
