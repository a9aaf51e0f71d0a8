"""The Samespace client: build the ``POST {base}/call/flow`` payload, post it, classify the outcome.

One pooled ``requests.Session`` per process (a Celery worker child keeps its connections alive
between calls). Redirects are never followed, proxies from the environment are ignored, and
every new connection is checked against the address it actually reached (not the host name), so
a credential cannot aim the workers at an internal address through DNS tricks or numeric hosts.

Outcomes (docs/architecture.md, "Calls and campaigns"):

* 2xx → ``accepted`` (the body and any call id in it are kept);
* connection refused, DNS failure, connect timeout, 429, 502, 503, 504 → ``retry``: Samespace
  certainly did not process the request; the caller retries with the same idempotency key,
  waiting at least ``retry_after`` when the server sent ``Retry-After``;
* any other 4xx (and redirects, TLS failures, blocked addresses) → ``failed``;
* a read timeout, a dropped connection after the request was sent, or another 5xx →
  ``unknown``: Samespace may have placed the call, so it is never retried automatically.
"""

from __future__ import annotations

import email.utils
import ipaddress
import json
import os
import secrets
import socket
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.views.decorators.debug import sensitive_variables
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import MaxRetryError, NewConnectionError

from editor.flowcore import export_payload, render_contact_variables

REDACTED = "REDACTED"
CALL_PATH = "/call/flow"
# Where the development sandbox imitates Samespace (sandbox/urls.py under /sandbox/): the one base
# path plain http may reach, so a stored token never goes in clear text to another local service.
SANDBOX_BASE_PATH = "/sandbox/api/public/v1"
RETRY_STATUSES = frozenset({429, 502, 503, 504})
BODY_LIMIT = 20_000  # characters of a response body kept on the Call
EXCERPT_LIMIT = 2_000  # characters kept on each CallAttempt
USER_AGENT = "FlowStudio/1.0 (+https://github.com/flowstudio)"


class Kind:
    ACCEPTED = "accepted"
    RETRY = "retry"
    FAILED = "failed"
    UNKNOWN = "unknown"


@dataclass
class Outcome:
    kind: str
    status_code: int | None = None
    body: str = ""
    samespace_call_id: str = ""
    error: str = ""
    duration_ms: int = 0
    retry_after: float | None = None  # seconds, from the Retry-After header
    auth_rejected: bool = False  # 401: the token was refused
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def excerpt(self) -> str:
        return self.body[:EXCERPT_LIMIT]


# --- base URL policy --------------------------------------------------------------------------


def _normal_host(host: str) -> str:
    return host.strip().rstrip(".").lower()


def check_base_url(url: str) -> str | None:
    """Why ``url`` may not be a credential's base URL, or None when it may.

    https on a host of SAMESPACE_ALLOWED_HOSTS; plain http only to the development sandbox: a host of
    SAMESPACE_INSECURE_HOSTS (empty unless DEBUG=1 with the sandbox on) and the path SANDBOX_BASE_PATH,
    so the token never goes to ``http://127.0.0.1:6379`` or another local service. Host names are
    compared exactly, so numeric spellings such as ``2130706433`` or look-alikes such as
    ``api.samespace.com.evil.test`` are refused.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "This is not a valid URL."
    del port  # only parsed to reject a malformed port
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "The base URL must start with https:// and name a host."
    if parts.username or parts.password:
        return "The base URL must not contain a user name or password."
    if parts.query or parts.fragment:
        return "The base URL must not have a query string or fragment."
    host = _normal_host(parts.hostname)
    insecure = {_normal_host(h) for h in settings.SAMESPACE_INSECURE_HOSTS}
    allowed = {_normal_host(h) for h in settings.SAMESPACE_ALLOWED_HOSTS}
    if host in insecure:
        if parts.path.rstrip("/") != SANDBOX_BASE_PATH:
            return f"Plain http goes only to the development sandbox: use http://{parts.netloc}{SANDBOX_BASE_PATH}."
        return None
    if host not in allowed:
        names = ", ".join(sorted(allowed)) or "none configured"
        return f"The host {host!r} is not an allowed Samespace host (allowed: {names})."
    if parts.scheme != "https":
        return "The base URL must use https://."
    return None


def is_development_sandbox(url: str) -> bool:
    """Whether ``url`` is the sandbox of a development server: plain http to a host of
    SAMESPACE_INSECURE_HOSTS, at SANDBOX_BASE_PATH (the one place plain http may go)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError for a malformed port
    except ValueError:
        return False
    insecure = {_normal_host(h) for h in settings.SAMESPACE_INSECURE_HOSTS}
    return (parts.scheme == "http" and _normal_host(parts.hostname or "") in insecure
            and parts.path.rstrip("/") == SANDBOX_BASE_PATH)


def endpoint(base_url: str) -> str:
    return base_url.rstrip("/") + CALL_PATH


# --- connection guard -------------------------------------------------------------------------


class BlockedAddress(Exception):
    """A connection reached an address a Samespace credential may not point at."""


def _address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class _GuardMixin:
    host: str

    def _new_conn(self) -> socket.socket:  # type: ignore[override]
        sock = super()._new_conn()  # type: ignore[misc]
        if _normal_host(self.host) in {_normal_host(h) for h in settings.SAMESPACE_INSECURE_HOSTS}:
            return sock
        try:
            peer = sock.getpeername()[0]
        except OSError:
            peer = ""
        if not peer or not _address_allowed(peer):
            sock.close()
            raise BlockedAddress(f"{self.host} resolved to {peer or 'an unknown address'}, which is not public.")
        return sock


class _GuardedHTTPConnection(_GuardMixin, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_GuardMixin, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """An HTTPAdapter that never retries by itself and checks every new connection's peer."""

    def __init__(self) -> None:
        super().__init__(pool_connections=4, pool_maxsize=8, max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}


_session: requests.Session | None = None
_session_pid = 0


def get_session() -> requests.Session:
    """The process's pooled session (made again after a fork: sockets must not be shared)."""
    global _session, _session_pid
    if _session is None or _session_pid != os.getpid():
        session = requests.Session()
        session.trust_env = False  # no proxies or .netrc from the environment
        adapter = GuardedAdapter()
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
        _session, _session_pid = session, os.getpid()
    return _session


# --- payload ------------------------------------------------------------------------------------


def build_payload(*, document: Any, cloud_id: str, number: str, variables: dict[str, Any]) -> dict[str, Any]:
    """The Samespace payload for a launch, with the token REDACTED (the client fills it in).

    The launch number is the contact's ``number`` (``{{contact.number}}``) and the number the
    first step (the call step) dials; other contact variables come from ``variables``. Callers
    refuse a version whose Call step dials another number first (``call_create``, and campaigns
    take only versions that dial ``{{contact.number}}``), so writing the number here changes nothing
    a person saw (editor/flowcore/dialling.py).
    """
    contact = {**variables, "number": number}
    payload = export_payload(render_contact_variables(document, contact), cloud_id=cloud_id, auth_token=REDACTED)
    steps = payload["flow"]
    if steps and isinstance(steps[0], dict) and steps[0].get("type") == "call":
        steps[0]["number"] = number
    return payload


# --- call events (docs/call-events.md) ---------------------------------------------------------

EVENTS_KEY_CHARS = 16  # hex: 64 random bits that find the call
EVENTS_SECRET_CHARS = 32  # hex: 128 random bits compared in constant time


def new_events_token() -> tuple[str, str]:
    """A call's (key, secret); its token in the publish URL is ``key + secret``."""
    return secrets.token_hex(EVENTS_KEY_CHARS // 2), secrets.token_hex(EVENTS_SECRET_CHARS // 2)


def publish_block(token: str) -> dict[str, str]:
    """The payload's ``publish`` key: where Samespace posts this call's events."""
    return {"url": f"{settings.PUBLIC_BASE_URL}/hooks/samespace/{token}/", "method": "POST"}


def with_events_token(publish: Any, token: str) -> dict[str, str]:
    """The stored ``publish`` block (made when the call was created, token REDACTED) with the token."""
    if not isinstance(publish, dict) or not isinstance(publish.get("url"), str):
        return publish_block(token)
    return {**publish, "url": publish["url"].replace(f"/{REDACTED}/", f"/{token}/")}


def redact(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "auth_token": REDACTED} if "auth_token" in payload else dict(payload)


# --- posting ------------------------------------------------------------------------------------


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), None if absent."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = datetime.fromtimestamp(now if now is not None else time.time(), UTC)
    return max(0.0, (when - current).total_seconds())


def find_call_id(body: Any) -> str:
    """The call id in a Samespace response body, when it holds one."""
    candidates = [body]
    if isinstance(body, dict):
        candidates += [body.get(k) for k in ("data", "call", "result") if isinstance(body.get(k), dict)]
    for item in candidates:
        if not isinstance(item, dict):
            continue
        for key in ("call_id", "callId", "call_uuid", "callUuid", "uuid", "id"):
            value = item.get(key)
            if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
                return str(value)[:200]
    return ""


def _scrub(text: str, secret: str) -> str:
    return text.replace(secret, REDACTED) if secret and secret in text else text


def _classify_response(response: requests.Response, token: str) -> Outcome:
    code = response.status_code
    body = _scrub(response.text[:BODY_LIMIT], token)
    if 200 <= code < 300:
        try:
            call_id = find_call_id(json.loads(body)) if body else ""
        except ValueError:
            call_id = ""
        return Outcome(Kind.ACCEPTED, code, body, samespace_call_id=call_id)
    if code in RETRY_STATUSES:
        return Outcome(
            Kind.RETRY, code, body, error=f"Samespace answered {code} {response.reason}: not processed, will retry.",
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
        )
    if code == 401:
        return Outcome(Kind.FAILED, code, body, error="Samespace refused the auth token (401).", auth_rejected=True)
    if 400 <= code < 500:
        return Outcome(Kind.FAILED, code, body, error=f"Samespace refused the call ({code} {response.reason}).")
    if code >= 500:
        return Outcome(
            Kind.UNKNOWN, code, body,
            error=f"Samespace answered {code} {response.reason}: it may have placed the call.",
        )
    return Outcome(
        Kind.FAILED, code, body, error=f"Unexpected answer {code} {response.reason} (redirects are not followed)."
    )


def _classify_error(exc: Exception) -> Outcome:
    if isinstance(exc, BlockedAddress):
        return Outcome(Kind.FAILED, error=f"Blocked: {exc}")
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return Outcome(Kind.RETRY, error="Could not connect to Samespace in time (connect timeout): not sent.")
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return Outcome(
            Kind.UNKNOWN, error="Samespace did not answer in time (read timeout): it may have placed the call."
        )
    if isinstance(exc, requests.exceptions.SSLError):
        return Outcome(Kind.FAILED, error="The TLS connection to Samespace failed (certificate or protocol problem).")
    if isinstance(exc, requests.exceptions.ConnectionError):
        reason = exc.args[0] if exc.args else None
        if isinstance(reason, MaxRetryError) and isinstance(reason.reason, NewConnectionError):
            return Outcome(
                Kind.RETRY, error="Could not connect to Samespace (connection refused or no such host): not sent."
            )
        return Outcome(
            Kind.UNKNOWN, error="The connection dropped after the call was sent: Samespace may have placed it.",
        )
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema):
        return Outcome(Kind.FAILED, error="The credential's base URL is not usable.")
    return Outcome(
        Kind.UNKNOWN, error=f"The request broke off ({type(exc).__name__}): Samespace may have placed the call."
    )


@sensitive_variables("payload", "token")
def post_call(*, base_url: str, payload: dict[str, Any], idempotency_key: str) -> Outcome:
    """POST one attempt and classify it. ``payload`` holds the real token; it is never logged."""
    problem = check_base_url(base_url)
    if problem:
        return Outcome(Kind.FAILED, error=f"Blocked: {problem}")
    token = str(payload.get("auth_token") or "")
    timeout = (settings.SAMESPACE_CONNECT_TIMEOUT, settings.SAMESPACE_READ_TIMEOUT)
    started = time.monotonic()
    try:
        response = get_session().post(
            endpoint(base_url),
            data=json.dumps(payload, separators=(",", ":")),
            headers={"Content-Type": "application/json", "Idempotency-Key": idempotency_key},
            timeout=timeout,
            allow_redirects=False,
        )
        outcome = _classify_response(response, token)
    except (requests.RequestException, BlockedAddress) as exc:
        outcome = _classify_error(exc)
    outcome.duration_ms = int((time.monotonic() - started) * 1000)
    return outcome
