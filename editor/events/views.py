"""The hook Samespace posts call events to, as a Django view: what it answers is in editor/events/hook.py.

Deployed, ``flowstudio.wsgi`` serves this path before Django's middleware (editor/events/wsgi.py);
this view answers the requests that reach Django itself (the test client, a Host or scheme the WSGI
route leaves to Django). No response of it is passed to Django's request logger: the path holds the
token.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from editor.events.hook import answer


@csrf_exempt
def samespace_hook(request: HttpRequest, token: str) -> HttpResponse:
    result = answer(method=request.method or "", token=token, length_header=request.META.get("CONTENT_LENGTH"),
                    read=request.read)
    response = JsonResponse(result.body, status=result.status, headers=result.headers)
    # django.request logs every 4xx/5xx with its path, which holds the token: mark it as logged.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response
