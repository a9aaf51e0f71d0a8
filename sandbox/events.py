"""The sandbox's call events: it plays an accepted flow with the flow core's interpreter and posts
what happens to the payload's ``publish`` URL (docs/call-events.md), as Samespace would.

The caller is chosen from the digits of the number called, so a number always behaves the same:

| digits of the number | the caller |
|---|---|
| last digit 9 | does not answer (``no_answer``, then ``ended``) |
| otherwise | answers; at a digits step presses the number's last ``count`` digits |
| second-to-last digit even | each web request succeeds (200), odd: fails (500) |

SANDBOX_EVENT_FAULTS misbehaves on purpose: ``duplicates`` posts every event twice, ``reorder``
posts them in reverse order, ``late`` holds the first digits or http event back until after ``ended``.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from django.conf import settings

from editor.flowcore.interpret import Run
from editor.flowcore.runtime import FlowNotRunnable

logger = logging.getLogger(__name__)
MAX_INPUTS = 200  # a looping flow stops being played after this many answers


def caller_for(number: str) -> dict[str, Any]:
    digits = re.sub(r"\D", "", number or "") or "0"
    return {
        "answers": not digits.endswith("9"),
        "keys": digits,
        "http_ok": int(digits[-2] if len(digits) > 1 else "0") % 2 == 0,
    }


def play(payload: dict[str, Any], *, number: str, call_id: str, start: datetime | None = None) -> list[dict[str, Any]]:
    """The events of one call of ``payload`` by the caller ``number`` stands for, in the order they happen."""
    caller = caller_for(number)
    t = start or datetime.now(UTC)
    events: list[dict[str, Any]] = []

    def emit(kind: str, **fields: Any) -> None:
        nonlocal t
        t += timedelta(seconds=2)
        seq = len(events) + 1
        events.append({"id": f"{call_id}-{seq}", "event": kind, "call_id": call_id,
                       "timestamp": t.isoformat().replace("+00:00", "Z"), "sequence": seq, **fields})

    try:
        run = Run(payload)
    except FlowNotRunnable:
        return []
    entry = run.program.entry
    emit("ringing", step=entry)
    if not caller["answers"]:
        emit("no_answer", step=entry, reason="no_answer")
        emit("ended", step=entry, reason="no_answer")
        return events
    emit("answered", step=entry)
    for _ in range(MAX_INPUTS):
        if run.status != "waiting" or run.waiting is None:
            break
        waiting = run.waiting
        if waiting["kind"] == "digits":
            run.provide_digits(caller["keys"][-waiting.get("count", 1):])
        else:
            run.provide_http("success" if caller["http_ok"] else "fail")
    seen = 0
    for item in run.transcript:
        step = item.get("step")
        if item["kind"] in ("call", "play", "connect", "digits", "http") and run.path[seen:seen + 1] == [step]:
            if not (step == entry and seen == 0):
                emit("step", step=step)
            seen += 1
        if item["kind"] == "digits":
            emit("digits", step=step, digits=item.get("entered", ""), variable=item.get("variable", ""))
        elif item["kind"] == "http":
            emit("http", step=step, status=200 if item.get("branch") == "success" else 500)
        elif item["kind"] == "end":
            emit("ended", step=step, reason=item.get("reason", "completed"))
    return events


def with_faults(events: list[dict[str, Any]], faults: list[str]) -> list[dict[str, Any]]:
    out = list(events)
    if "late" in faults:
        held = next((e for e in out if e["event"] in ("digits", "http")), None)
        if held is not None:
            out.remove(held)
            out.append(held)
    if "reorder" in faults:
        out.reverse()
    if "duplicates" in faults:
        out = [e for e in out for _ in (0, 1)]
    return out


def _post_all(url: str, events: list[dict[str, Any]], delay: float) -> None:
    session = requests.Session()
    session.trust_env = False
    for event in events:
        time.sleep(delay)
        try:
            session.post(url, json=event, timeout=5)
        except requests.RequestException as exc:  # the sandbox is best-effort, like a real sender
            logger.warning("Sandbox: an event could not be posted (%s).", type(exc).__name__)


def send_events(payload: dict[str, Any], *, number: str, call_id: str) -> threading.Thread | None:
    """Play the call and post its events from a background thread; None when nothing is asked for."""
    publish = payload.get("publish")
    url = publish.get("url") if isinstance(publish, dict) else None
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        return None
    events = with_faults(play(payload, number=number, call_id=call_id), list(settings.SANDBOX_EVENT_FAULTS))
    thread = threading.Thread(target=_post_all, args=(url, events, settings.SANDBOX_EVENT_DELAY), daemon=True)
    thread.start()
    return thread
