"""Refuse a NUL character in a form field of an HTML page with 400, before a view stores it, and
answer a form with more data than DATA_UPLOAD_MAX_MEMORY_SIZE with 413.

PostgreSQL text cannot hold NUL (psycopg raises DataError, a 500), and SQLite never shows the
problem. Django form fields already refuse it (ProhibitNullCharactersValidator) and query parameters
go through editor/common/params.py, which names the field on the page; this is the backstop for
every field a view reads from ``request.POST`` directly. API bodies are checked by their parser
(editor/common/api/parsers.py), so API paths are left alone here.
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from editor.common.api.middleware import form_fields_too_large_response

API_PREFIX = "/api/"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def has_nul(request: HttpRequest) -> bool:
    if request.method != "POST" or request.path.startswith(API_PREFIX):
        return False
    if not request.META.get("CONTENT_TYPE", "").lower().startswith(FORM_TYPES):
        return False
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in request.POST.lists())


class NulCharacterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            nul = has_nul(request)
        except RequestDataTooBig:
            # More form data than DATA_UPLOAD_MAX_MEMORY_SIZE: 413 like any other body over its limit
            # (read here, before CsrfViewMiddleware would turn it into a 400).
            return form_fields_too_large_response(request)
        if nul:
            message = "A field holds a NUL character (\\0), which cannot be stored. Remove it and send the form again."
            context = {"title": "Bad request", "message": message}
            html = render_to_string("accounts/error.html", context, request=request)
            return HttpResponse(html, status=400)
        return self.get_response(request)
