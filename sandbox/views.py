"""The sandbox: an imitation of Samespace's ``POST {base}/call/flow`` for development and tests.

It checks the auth token against SANDBOX_AUTH_TOKEN (401), validates the flow with the flow
core (400 with the reasons), injects faults (``sandbox.faults``) and otherwise answers like an
accepting Samespace with a call id. An idempotency key already accepted gets the same call id
back. Every request is recorded with its token REDACTED and listed at ``GET /sandbox/requests/``.
A payload with a ``publish`` URL gets the call's events posted there (``sandbox.events``).
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import socket
import time
import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from editor.flowcore import validate
from sandbox import events, faults
from sandbox.models import SandboxRequest

logger = logging.getLogger(__name__)
REDACTED = "REDACTED"
MAX_LIST = 5000


def _redacted(payload: Any) -> Any:
    """The payload to record: the auth token and the events token in the publish URL REDACTED."""
    if not isinstance(payload, dict):
        return payload
    if "auth_token" in payload:
        payload = {**payload, "auth_token": REDACTED}
    publish = payload.get("publish")
    if isinstance(publish, dict) and isinstance(publish.get("url"), str):
        url = re.sub(r"/hooks/samespace/[^/]+/", f"/hooks/samespace/{REDACTED}/", publish["url"])
        payload = {**payload, "publish": {**publish, "url": url}}
    return payload


def _number_of(payload: Any) -> str:
    try:
        first = payload["flow"][0]
        return str(first.get("number", ""))[:64] if first.get("type") == "call" else ""
    except (KeyError, IndexError, TypeError, AttributeError):
        return ""


def _client_socket(request: HttpRequest) -> socket.socket | None:
    """The connection's socket under Django's development/live server (found through wsgi.input)."""
    item: Any = request.META.get("wsgi.input")
    for _ in range(8):
        if isinstance(item, socket.socket):
            return item
        nxt = getattr(item, "_sock", None) or getattr(item, "raw", None)
        if nxt is None:
            reader = getattr(item, "_read", None) or getattr(item, "read", None)
            nxt = getattr(reader, "__self__", None)
        if nxt is None or nxt is item:
            return None
        item = nxt
    return None


def _answer(record: SandboxRequest, started: float, status: int, body: dict[str, Any],
            headers: dict[str, str] | None = None) -> JsonResponse:
    record.status = status
    record.duration_ms = int((time.monotonic() - started) * 1000)
    record.save(update_fields=["status", "duration_ms", "call_id"])
    response = JsonResponse(body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@csrf_exempt
@require_POST
def call_flow(request: HttpRequest) -> HttpResponse:
    started = time.monotonic()
    key = request.headers.get("Idempotency-Key", "")[:200]
    try:
        payload = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        payload = None
    number = _number_of(payload)
    record = SandboxRequest.objects.create(
        idempotency_key=key,
        number=number,
        cloud_id=str(payload.get("cloud_id", ""))[:200] if isinstance(payload, dict) else "",
        payload=_redacted(payload),
    )
    if not isinstance(payload, dict):
        return _answer(record, started, 400, {"message": "The body must be a JSON object."})
    token = payload.get("auth_token")
    if not isinstance(token, str) or not hmac.compare_digest(token.encode(), settings.SANDBOX_AUTH_TOKEN.encode()):
        return _answer(record, started, 401, {"message": "Invalid auth_token."})
    if not str(payload.get("cloud_id") or "").strip():
        return _answer(record, started, 400, {"message": "cloud_id is required.", "errors": []})
    errors = [d for d in validate(payload) if d["severity"] == "error"]
    if errors:
        return _answer(record, started, 400, {"message": "The call flow is not valid.", "errors": errors})

    fault = faults.fault_for(number)
    if fault is not None:
        record.fault = fault.name
        record.save(update_fields=["fault"])
        earlier = SandboxRequest.objects.filter(idempotency_key=key, id__lt=record.pk).exists() if key else False
        if fault.drop:
            sock = _client_socket(request)
            if sock is not None:
                record.duration_ms = int((time.monotonic() - started) * 1000)
                record.save(update_fields=["duration_ms"])
                sock.shutdown(socket.SHUT_RDWR)  # the client sees the connection drop, no answer
                return HttpResponse(status=204)
            return _answer(record, started, 500, {"message": "Could not drop the connection; answering 500."})
        if fault.slow:
            time.sleep(faults.slow_seconds())
        elif fault.status and not (fault.first_only and earlier):
            headers = {"Retry-After": str(faults.retry_after())} if fault.status == 429 else {}
            return _answer(record, started, fault.status, {"message": f"Sandbox fault: {fault.name}."}, headers)

    accepted = (
        SandboxRequest.objects.filter(idempotency_key=key, status=200).exclude(pk=record.pk).values_list(
            "call_id", flat=True).first() if key else None
    )
    record.call_id = accepted or f"sbx-{uuid.uuid4().hex[:16]}"
    body = {"status": "queued", "call_id": record.call_id, "message": "Call queued by the FlowStudio sandbox."}
    if accepted:
        body["replayed"] = True
    response = _answer(record, started, 200, body)
    if not accepted:
        events.send_events(payload, number=number, call_id=record.call_id)  # plays the call, posts its events
    return response


class RequestFilters(forms.Form):
    """The sandbox log's filters. Plain Django fields: they answer a field error for ``²``, a NUL
    character or a 5,000-digit limit, where ``isdigit()`` then ``int()`` raised."""

    idempotency_key = forms.CharField(required=False, max_length=200)
    number = forms.CharField(required=False, max_length=40)
    status = forms.IntegerField(required=False, min_value=100, max_value=599)
    limit = forms.IntegerField(required=False, min_value=1, max_value=MAX_LIST)


@require_GET
def request_list(request: HttpRequest) -> JsonResponse:
    """Requests received, newest first. Filters: ?idempotency_key= ?number= ?status= ?limit= (default 100)."""
    filters = RequestFilters(request.GET)
    if not filters.is_valid():
        fields = {name: list(problems) for name, problems in filters.errors.items()}
        first = next(iter(fields))
        return JsonResponse(
            {"message": f"{first}: {fields[first][0]}", "code": "validation_failed", "extra": {"fields": fields}},
            status=400,
        )
    wanted = filters.cleaned_data
    qs = SandboxRequest.objects.all()
    for name in ("idempotency_key", "number"):
        if wanted[name]:
            qs = qs.filter(**{name: wanted[name]})
    if wanted["status"] is not None:
        qs = qs.filter(status=wanted["status"])
    limit = wanted["limit"] or 100
    return JsonResponse({"count": qs.count(), "results": [r.as_json() for r in qs[:limit]]})
