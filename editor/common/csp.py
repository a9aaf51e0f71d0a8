"""The Content-Security-Policy of every response comes from django-csp (``CONTENT_SECURITY_POLICY``
in flowstudio/settings.py): scripts run only from this site or, inline, with the request's nonce, so
an injected ``<script>`` or ``onclick=`` never runs.

Templates write the nonce as ``{{ csp_nonce }}`` (``<script nonce="{{ csp_nonce }}">``). django-csp
makes the nonce lazily: a page that never asks for it gets no nonce in its header at all.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def csp_nonce(request: HttpRequest) -> dict[str, Any]:
    """Template context: ``csp_nonce``, django-csp's lazy nonce of this request (rendering it puts it
    in the header)."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
