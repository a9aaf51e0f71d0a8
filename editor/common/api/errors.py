"""One error shape for the whole API: ``{"message": str, "code": str, "extra": {...}}``.

``exception_handler`` is DRF's EXCEPTION_HANDLER. It turns every exception a view can raise into
that shape: DRF's own errors (validation, parse, authentication, permission, throttling, 404,
405, 415 ...), Django's Http404 / PermissionDenied / RequestDataTooBig, and the services'
ServiceError subclasses (their status_code, message and extra are used as they are). Anything
else is logged with its traceback and answered with a 500 in the same shape.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core import signals
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, JsonResponse
from django.utils.log import log_response
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response

from editor.common.errors import ServiceError

logger = logging.getLogger("editor.common.api")


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


def error_body(message: str, code: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"message": message, "code": code, "extra": extra or {}}


# DRF's own exceptions → the codes of docs/api-contract.md (DRF's default_code where it fits).
DRF_CODES: dict[type[exceptions.APIException], str] = {
    exceptions.ValidationError: "validation_failed",
    exceptions.ParseError: "parse_error",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


def _code_of(exc: exceptions.APIException) -> str:
    for kind in type(exc).__mro__:
        if kind in DRF_CODES:
            return DRF_CODES[kind]
    return str(getattr(exc, "default_code", "") or "error")


def megabytes(size: int) -> str:
    """A limit in words: "5 MB", "2.5 MB", "64 KB", or bytes when smaller than a megabyte and not whole KB."""
    value = size / (1024 * 1024)
    if value >= 1:
        return f"{value:.0f} MB" if value == int(value) else f"{value:.1f} MB"
    return f"{size // 1024} KB" if size and size % 1024 == 0 else f"{size:,} bytes"


def too_large_message(limit: int, *, upload: bool) -> str:
    what = "Uploads" if upload else "Request bodies"
    return f"The request is too large. {what} may be at most {megabytes(limit)}."


def form_fields_too_large() -> tuple[str, int]:
    """(message, limit) for a form whose fields other than files hold more than DATA_UPLOAD_MAX_MEMORY_SIZE,
    the limit Django's RequestDataTooBig is about (a multipart body may be far bigger, in its files)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return f"The request is too large. A form's fields other than files may hold at most {megabytes(limit)}.", limit


def _fields(detail: Any) -> dict[str, Any]:
    if isinstance(detail, dict):
        return dict(detail)
    if isinstance(detail, list):
        return {"non_field_errors": detail}
    return {"non_field_errors": [detail]}


def _first_text(value: Any) -> str:
    """The first error message found in a (possibly nested) DRF error structure."""
    pending = [value]
    while pending:
        item = pending.pop(0)
        if isinstance(item, dict):
            pending[:0] = list(item.values())
        elif isinstance(item, list | tuple):
            pending[:0] = list(item)
        elif item not in (None, ""):
            return str(item)
    return ""


def _validation_message(fields: dict[str, Any]) -> str:
    names = [name for name in fields if name != "non_field_errors"]
    if not names:
        return _first_text(fields) or "The request is not valid."
    if len(names) == 1:
        return f"{names[0]}: {_first_text(fields[names[0]])}"
    return f"{len(names)} fields need attention: {', '.join(names)}."


def _describe(exc: Exception) -> tuple[int, str, str, dict[str, Any], dict[str, str]] | None:
    """(status, code, message, extra, headers) for a known exception, None for an unexpected one."""
    if isinstance(exc, ServiceError):
        return exc.status_code, exc.code, exc.message, dict(exc.extra), {}
    if isinstance(exc, Http404 | exceptions.NotFound):
        return 404, "not_found", "Not found.", {}, {}
    if isinstance(exc, DjangoPermissionDenied):
        return 403, "permission_denied", str(exc) or "You do not have permission to do this.", {}, {}
    if isinstance(exc, RequestDataTooBig):
        message, limit = form_fields_too_large()
        return 413, "too_large", message, {"limit_bytes": limit}, {}
    if isinstance(exc, SuspiciousOperation):
        return 400, "bad_request", "The request could not be read.", {}, {}
    if not isinstance(exc, exceptions.APIException):
        return None

    headers: dict[str, str] = {}
    extra: dict[str, Any] = {}
    code = _code_of(exc)
    if isinstance(exc, exceptions.ValidationError):
        fields = _fields(exc.detail)
        return exc.status_code, code, _validation_message(fields), {"fields": fields}, headers
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait) if exc.wait is not None else None
        if wait is not None:
            headers["Retry-After"] = str(wait)
            extra["retry_after"] = wait
            unit = "second" if wait == 1 else "seconds"
            message = f"Too many requests. Try again in {wait} {unit}."
        else:
            message = "Too many requests. Try again later."
        return exc.status_code, code, message, extra, headers
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        if isinstance(exc, exceptions.NotAuthenticated):
            message = "Sign in, or send an API token in the header: Authorization: Token <key>."
        else:
            message = str(exc.detail)
        return exc.status_code, code, message, extra, headers
    if isinstance(exc.detail, dict | list):
        return exc.status_code, code, _first_text(exc.detail) or "The request failed.", {"detail": exc.detail}, headers
    return exc.status_code, code, str(exc.detail), extra, headers


def _throttle_unauthenticated(exc: Exception, request: Any) -> Exception:
    """A refused token or a request without one counts against the client's anonymous limit.

    DRF authenticates and checks permissions before it throttles, so such a request ends in 401
    before any throttle runs: guessing tokens would never slow down. Once the anonymous bucket
    (editor/common/api/throttling.py, in the shared cache) is full, the answer is 429 instead.
    """
    if request is None or not isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        return exc
    from editor.common.api.throttling import FailedAuthThrottle

    throttle = FailedAuthThrottle()
    if throttle.allow_request(request, None):
        return exc
    return exceptions.Throttled(wait=throttle.wait())


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    # Imported here: rest_framework.views reads DEFAULT_PARSER_CLASSES, which import this module.
    from rest_framework.views import set_rollback

    request = context.get("request")
    exc = _throttle_unauthenticated(exc, request)
    described = _describe(exc)
    if described is None:
        # Unexpected: keep the traceback in the logs (and let Django's test client see it),
        # but answer in the API's shape rather than with Django's HTML page.
        django_request = getattr(request, "_request", request)
        signals.got_request_exception.send(sender=None, request=django_request)
        response = Response(
            error_body("Something went wrong on our side. The error was logged; please try again.", "server_error"),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
        log_response(
            "%s: %s",
            "Internal Server Error",
            getattr(django_request, "path", ""),
            response=response,
            request=django_request,
            exception=exc,
        )
        set_rollback()
        return response

    status_code, code, message, extra, headers = described
    response = Response(error_body(message, code, extra), status=status_code, headers=headers or None)
    auth_header = getattr(exc, "auth_header", None)
    if auth_header:
        response["WWW-Authenticate"] = auth_header
    set_rollback()
    return response


@csrf_exempt  # it changes nothing; without this a POST to an unknown URL would get the CSRF page
def not_found(request, *args, **kwargs) -> JsonResponse:
    """The API's answer for a URL that matches no endpoint (instead of Django's HTML 404)."""
    extra: dict[str, Any] = {}
    if not request.path.endswith("/"):
        extra["hint"] = "API URLs end with a slash."
    return JsonResponse(error_body("Not found.", "not_found", extra), status=404)
