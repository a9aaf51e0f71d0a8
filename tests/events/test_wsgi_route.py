"""The events hook answered in front of Django's middleware (editor/events/wsgi.py, wrapped around the
application in flowstudio/wsgi.py): the same answers as the view, Django's Host check and https
redirect kept, every other path left to Django."""

from __future__ import annotations

import io
import json

import pytest
from django.core import signals
from django.db import close_old_connections

from editor.events.models import CallEvent, CallOutcome
from flowstudio.wsgi import application
from tests.support.api import is_error_body

from .test_hook import EVENTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def wsgi():
    """wsgi(path, body=b"", method="POST", **environ) -> (status, headers, body), through
    flowstudio.wsgi.application; the request signals leave the test's transaction open, as Django's
    test client arranges it."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)

    def call(path: str, body: bytes = b"", method: str = "POST", **extra: str):
        environ = {
            "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "application/json",
            "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.errors": io.StringIO(), **extra,
        }
        started: list = []
        chunks = application(environ, lambda status, headers, exc_info=None: started.extend([status, headers]))
        content = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
        return int(started[0].split()[0]), dict(started[1]), content

    try:
        yield call
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _path(call) -> str:
    return f"/hooks/samespace/{call.events_key}{call.events_secret}/"


def test_an_event_is_stored_without_django_s_middleware(make_call, wsgi):
    call = make_call()
    status, headers, body = wsgi(_path(call), json.dumps(EVENTS[0]).encode())
    assert (status, json.loads(body)) == (202, {"received": 1})
    assert headers["Content-Type"] == "application/json" and headers["X-Content-Type-Options"] == "nosniff"
    assert "X-Frame-Options" not in headers and "Vary" not in headers  # no middleware ran
    assert CallEvent.objects.get(call=call).kind == "ringing"
    assert CallOutcome.objects.get(call=call).pending
    status, _, body = wsgi(_path(call).rstrip("/"), json.dumps(EVENTS[0]).encode())  # the same event again
    assert status == 202 and CallEvent.objects.filter(call=call).count() == 1


def test_what_it_refuses_it_refuses_as_the_view_does(make_call, wsgi, settings):
    call = make_call()
    settings.EVENTS_MAX_BODY_BYTES = 100
    cases = {
        404: wsgi(_path(call)[:-2] + ("1" if _path(call)[-2] == "0" else "0") + "/", b"{}"),  # one wrong hex digit
        400: wsgi(_path(call), b"{bad"),
        413: wsgi(_path(call), b"[" + b"{}," * 60 + b"{}]"),
        405: wsgi(_path(call), method="GET"),
    }
    for status, (got, _headers, body) in cases.items():
        assert got == status, (status, body)
        assert is_error_body(json.loads(body))
    assert cases[405][1]["Allow"] == "POST"
    assert not CallEvent.objects.filter(call=call).exists()


def test_a_host_it_does_not_serve_and_plain_http_under_ssl_redirect_are_left_to_django(make_call, wsgi, settings):
    call = make_call()
    status, _, _ = wsgi(_path(call), b"{}", HTTP_HOST="evil.example.com")
    assert status == 400  # Django's DisallowedHost answer
    settings.SECURE_SSL_REDIRECT = True
    # Plain http is left to Django, whose SecurityMiddleware redirects it (it read the setting when the
    # application was built, so here the request goes through the middleware to the view).
    _, headers, _ = wsgi(_path(call), json.dumps(EVENTS[0]).encode())
    assert "X-Frame-Options" in headers
    status, headers, _ = wsgi(_path(call), json.dumps(EVENTS[1]).encode(), **{"wsgi.url_scheme": "https"})
    assert status == 202 and "X-Frame-Options" not in headers


def test_other_paths_are_django_s(wsgi):
    status, headers, _ = wsgi("/hooks/samespace/a/b/", b"{}")
    assert status == 404 and "X-Frame-Options" in headers
