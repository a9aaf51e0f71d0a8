"""The Content-Security-Policy header of every response.

Scripts run only from this site or, inline, with the request's nonce (``{{ csp_nonce }}`` in a
template's ``<script nonce=…>``): an injected ``<script>`` or ``onclick=`` never runs. Nothing loads from
another origin (Swagger UI comes from drf-spectacular-sidecar), no page may frame ours, forms post only
here. Styles may be inline (``style=`` attributes, React Flow's positions), which runs no code.
CSP_REPORT_ONLY sends the same policy as Content-Security-Policy-Report-Only.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def policy(nonce: str) -> str:
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        header = "Content-Security-Policy-Report-Only" if settings.CSP_REPORT_ONLY else "Content-Security-Policy"
        if header not in response:
            response[header] = policy(nonce)
        return response


def csp_nonce(request: HttpRequest) -> dict[str, str]:
    """Template context: ``csp_nonce`` for inline ``<script>`` elements."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
