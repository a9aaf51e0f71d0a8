"""With the development sandbox on (DEBUG=1 only): the demo credential follows the port this server
is served on (editor/calls/services/demo.py), whatever ``runserver`` or SITE_PORT say.

The port is the one the server listens on (``SERVER_PORT``, which Django's development server takes
from its socket, not from the Host header a client sends), read on each request and acted on only
when it differs from the last one this process saw: one query when a server starts, none after.
Listed in MIDDLEWARE only when SANDBOX_ENABLED (flowstudio/settings.py); the test settings leave it
out, so a test client's pretend port 80 never moves a credential.
"""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse

from editor.calls.services.demo import demo_sandbox_follow

PORT = re.compile(r"[0-9]{1,5}")


class DemoSandboxPortMiddleware:
    followed = ""  # the port this process last pointed the demo credentials at

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        port = request.META.get("SERVER_PORT", "")
        if port != type(self).followed and PORT.fullmatch(port) and 0 < int(port) < 65536:
            demo_sandbox_follow(port=int(port))
            type(self).followed = port
        return self.get_response(request)
