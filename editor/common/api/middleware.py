"""Refuse oversized request bodies with 413 before anything reads them.

Django answers a body over DATA_UPLOAD_MAX_MEMORY_SIZE with RequestDataTooBig, which becomes a
400, and DRF reads JSON straight from the stream without that check at all. This middleware sits
near the top of MIDDLEWARE and compares Content-Length with the limit for the kind of body:
multipart/form-data (file uploads) may be up to API_MAX_UPLOAD_BYTES, the editor's save or check of a
whole flow up to API_MAX_FLOW_BYTES, any other body up to API_MAX_JSON_BYTES. API paths get the API's
error shape; other pages a short HTML page. A form within those limits whose fields other than files
hold more than DATA_UPLOAD_MAX_MEMORY_SIZE is found only while it is parsed: its 413 names that limit
(editor/common/api/errors.py, form_fields_too_large).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from editor.common.api.errors import error_body, form_fields_too_large, too_large_message

API_PREFIX = "/api/"
# Paths that answer in the API's error shape too: the call-events hook (editor/events/urls.py), whose
# path holds a token, so its refusals are not passed to Django's request logger either.
HOOKS_PREFIX = "/hooks/"


# A save of a flow (PATCH, PUT) and the check of a document (POST): the bodies that carry a whole
# flow with its positions (API_MAX_FLOW_BYTES).
FLOW_SAVE_PATH = re.compile(r"/api/flows/[0-9]+/")
FLOW_CHECK_PATH = "/api/flows/validate/"


def body_limit(request: HttpRequest) -> tuple[int, bool]:
    """(limit in bytes, is an upload) for this request's body."""
    content_type = request.META.get("CONTENT_TYPE", "").lower()
    if content_type.startswith("multipart/form-data"):
        return settings.API_MAX_UPLOAD_BYTES, True
    saves = request.method in ("PATCH", "PUT") and FLOW_SAVE_PATH.fullmatch(request.path)
    if saves or (request.method == "POST" and request.path == FLOW_CHECK_PATH):
        return max(settings.API_MAX_FLOW_BYTES, settings.API_MAX_JSON_BYTES), False
    return settings.API_MAX_JSON_BYTES, False


def too_large_response(request: HttpRequest, limit: int, *, upload: bool, message: str = "") -> HttpResponse:
    message = message or too_large_message(limit, upload=upload)
    if request.path.startswith((API_PREFIX, HOOKS_PREFIX)):
        response: HttpResponse = JsonResponse(error_body(message, "too_large", {"limit_bytes": limit}), status=413)
        if request.path.startswith(HOOKS_PREFIX):
            response._has_been_logged = True  # type: ignore[attr-defined]
    else:
        html = render_to_string("accounts/error.html", {"title": "Too large", "message": message}, request=request)
        response = HttpResponse(html, status=413)
    return response


def form_fields_too_large_response(request: HttpRequest) -> HttpResponse:
    """413 for a form whose fields (not its files) are over DATA_UPLOAD_MAX_MEMORY_SIZE, naming that limit."""
    message, limit = form_fields_too_large()
    return too_large_response(request, limit, upload=False, message=message)


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit, upload = body_limit(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return too_large_response(request, limit, upload=upload)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        # A form with more non-file data than DATA_UPLOAD_MAX_MEMORY_SIZE, read by a plain Django view.
        if isinstance(exception, RequestDataTooBig):
            return form_fields_too_large_response(request)
        return None
