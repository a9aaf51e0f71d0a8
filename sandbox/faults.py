"""Fault injection for the sandbox: chosen by the last digits of the number being called, or for
every request by the SANDBOX_FAULT setting.

| number ends in | SANDBOX_FAULT | the sandbox answers |
|---|---|---|
| 0500 | 500 | 500 Internal Server Error, every time |
| 0400 | 400 | 400, every time (a refused call) |
| 0429 | 429 | 429 with ``Retry-After: SANDBOX_RETRY_AFTER`` the first time per idempotency key, then 200 |
| 0502 / 0503 / 0504 | 503-then-200 | that status the first time per idempotency key, then 200 |
| 1503 | 503 | 503 every time |
| 0555 | slow | 200 after SANDBOX_SLOW_SECONDS |
| 0599 | drop | closes the connection without answering |
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Fault:
    name: str
    status: int | None = None  # the status to answer instead of 200
    first_only: bool = False  # only for the first request with a given idempotency key
    slow: bool = False
    drop: bool = False


BY_SUFFIX = {
    "0500": Fault("500", status=500),
    "0400": Fault("400", status=400),
    "0429": Fault("429-then-200", status=429, first_only=True),
    "0502": Fault("502-then-200", status=502, first_only=True),
    "0503": Fault("503-then-200", status=503, first_only=True),
    "0504": Fault("504-then-200", status=504, first_only=True),
    "1503": Fault("503", status=503),
    "0555": Fault("slow", slow=True),
    "0599": Fault("drop", drop=True),
}

BY_SETTING = {
    "500": BY_SUFFIX["0500"],
    "400": BY_SUFFIX["0400"],
    "429": BY_SUFFIX["0429"],
    "503-then-200": BY_SUFFIX["0503"],
    "503": BY_SUFFIX["1503"],
    "slow": BY_SUFFIX["0555"],
    "drop": BY_SUFFIX["0599"],
}


def fault_for(number: str) -> Fault | None:
    configured = getattr(settings, "SANDBOX_FAULT", "")
    if configured:
        return BY_SETTING.get(configured)
    digits = number[-4:] if isinstance(number, str) else ""
    return BY_SUFFIX.get(digits)


def slow_seconds() -> float:
    return float(getattr(settings, "SANDBOX_SLOW_SECONDS", 5.0))


def retry_after() -> int:
    return int(getattr(settings, "SANDBOX_RETRY_AFTER", 2))
