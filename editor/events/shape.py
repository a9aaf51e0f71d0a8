"""Reading one call event as Samespace may send it (docs/call-events.md), tolerantly.

Pure functions: ``read_event(obj)`` turns one JSON object into the fields FlowStudio keeps, whatever
spelling of the names it uses; anything not recognised stays in the raw text only.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# Kinds FlowStudio understands, and the spellings that mean them.
KINDS = {
    "ringing": "ringing", "ring": "ringing", "dialing": "ringing", "initiated": "ringing",
    "answered": "answered", "answer": "answered", "connected": "answered", "in-progress": "answered",
    "no_answer": "no_answer", "no-answer": "no_answer", "noanswer": "no_answer", "busy": "no_answer",
    "failed": "no_answer",
    "step": "step", "step_entered": "step", "step.entered": "step", "enter": "step",
    "digits": "digits", "digits_collected": "digits", "dtmf": "digits", "input": "digits",
    "http": "http", "http_result": "http", "webhook": "http", "web_request": "http",
    "ended": "ended", "end": "ended", "hangup": "ended", "completed": "ended", "call_ended": "ended",
}
KIND_NAMES = ("event", "type", "kind", "name")
STEP_NAMES = ("step", "step_id", "stepId", "node", "node_id")
DIGITS_NAMES = ("digits", "input", "value", "dtmf")
VARIABLE_NAMES = ("variable", "var")
STATUS_NAMES = ("status", "status_code", "result", "outcome", "reason")
TIME_NAMES = ("timestamp", "time", "ts", "at", "occurred_at", "created_at")
SEQUENCE_NAMES = ("sequence", "seq", "index")
ID_NAMES = ("event_id", "eventId", "id", "uuid")

_CLEAN = re.compile(r"[\x00\ud800-\udfff]")  # NUL and lone surrogates: PostgreSQL text refuses them
_EPOCH_MIN, _EPOCH_MAX = 946_684_800, 4_102_444_800  # 2000-01-01 .. 2100-01-01


@dataclass(frozen=True)
class ReadEvent:
    dedupe_key: str
    kind: str = ""
    step_id: str = ""
    digits: str = ""
    variable: str = ""
    status: str = ""
    occurred_at: datetime | None = None
    sequence: int | None = None


def _text(value: Any, limit: int) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    return _CLEAN.sub("", str(value))[:limit]


def _first(obj: dict[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        if name in obj and obj[name] not in (None, ""):
            return obj[name]
    return None


def _when(value: Any) -> datetime | None:
    """ISO-8601 text, or seconds (or milliseconds) since 1970; None when unreadable or absurd."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        seconds = float(value)
        if not math.isfinite(seconds):
            return None
        if seconds > _EPOCH_MAX * 10:
            seconds /= 1000.0  # milliseconds
        if not _EPOCH_MIN <= seconds <= _EPOCH_MAX:
            return None
        return datetime.fromtimestamp(seconds, UTC)
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d{9,13}(\.\d+)?", text):
            return _when(float(text))
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        if not _EPOCH_MIN <= parsed.timestamp() <= _EPOCH_MAX:
            return None
        return parsed
    return None


def _sequence(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and -(2**62) < value < 2**62:
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 18:
        return int(value)
    return None


def canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def read_event(obj: dict[str, Any]) -> ReadEvent:
    """What FlowStudio reads from one event object (never raises on a JSON object)."""
    event_id = _text(_first(obj, ID_NAMES), 200)
    basis = f"id:{event_id}" if event_id else f"body:{canonical(obj)}"
    dedupe_key = hashlib.sha256(basis.encode("utf-8", "surrogatepass")).hexdigest()
    raw_kind = _text(_first(obj, KIND_NAMES), 64).strip().lower()
    kind = KINDS.get(raw_kind, "")
    status = _first(obj, STATUS_NAMES)
    response = obj.get("response")
    if status is None and isinstance(response, dict):
        status = _first(response, STATUS_NAMES)
    return ReadEvent(
        dedupe_key=dedupe_key,
        kind=kind,
        step_id=_text(_first(obj, STEP_NAMES), 200),
        digits=_text(_first(obj, DIGITS_NAMES), 64) if kind == "digits" else "",
        variable=_text(_first(obj, VARIABLE_NAMES), 64),
        status=_text(status, 64),
        occurred_at=_when(_first(obj, TIME_NAMES)),
        sequence=_sequence(_first(obj, SEQUENCE_NAMES)),
    )
