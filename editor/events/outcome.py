"""What happened on a call, derived from its events, and its share of the per-step counts.

Pure functions over plain data, so the result is the same whatever order the events arrived in:
``derive`` sorts them by when they happened (docs/call-events.md, "Order"), then reads them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from editor.flowcore.parse import id_text

KIND_RANK = {"ringing": 0, "answered": 1, "no_answer": 2, "step": 3, "digits": 4, "http": 5, "": 6, "ended": 9}
NEXT = "next"


@dataclass(frozen=True)
class Item:
    """One stored event as ``derive`` needs it."""

    pk: int
    kind: str
    received_at: datetime
    step_id: str = ""
    digits: str = ""
    variable: str = ""
    status: str = ""
    occurred_at: datetime | None = None
    sequence: int | None = None

    @property
    def at(self) -> datetime:
        return self.occurred_at or self.received_at


def order(items: Iterable[Item]) -> list[Item]:
    """When it happened (else when it arrived), then the sender's sequence, then a natural rank."""
    return sorted(items, key=lambda e: (e.at, e.sequence or 0, KIND_RANK.get(e.kind, 6), e.pk))


def http_outcome(status: str) -> str:
    text = status.strip().lower()
    if text in ("success", "ok", "succeeded"):
        return "success"
    return "success" if text.isdigit() and len(text) == 3 and text.startswith("2") else "fail"


@dataclass(frozen=True)
class Prepared:
    """A flow document's steps by id and its entry step, read once for many calls (``prepare``)."""

    steps: dict[str, dict[str, Any]]
    entry: str | None


def prepare(document: Any) -> Prepared:
    return Prepared(*_steps(document))


def _steps(document: Any) -> tuple[dict[str, dict[str, Any]], str | None]:
    """The steps by id and the entry of ``document`` (a flow document, or one already ``prepare``d)."""
    if isinstance(document, Prepared):
        return document.steps, document.entry
    raw = document.get("steps") if isinstance(document, dict) else None
    if raw is None and isinstance(document, dict):
        raw = document.get("flow")
    steps: dict[str, dict[str, Any]] = {}
    for step in raw if isinstance(raw, list) else []:
        sid = id_text(step.get("id")) if isinstance(step, dict) else None
        if sid is not None:
            steps.setdefault(sid, step)
    entry = next(iter(steps), None)
    return steps, entry


def _label(steps: dict[str, dict[str, Any]], sid: str) -> str:
    step = steps.get(sid)
    kind = step.get("type") if step else None
    return f"step {sid} ({kind})" if isinstance(kind, str) else f"step {sid}"


def derive(items: Iterable[Item], document: Any) -> dict[str, Any]:
    """The outcome of one call: the fields of ``CallOutcome`` (without ``applied``)."""
    steps, entry = _steps(document)
    answered: bool | None = None
    started = answered_at = ended_at = None
    path: list[str] = []
    digits: dict[str, str] = {}
    http: list[dict[str, str]] = []
    end_reason = end_step = ""
    timeline: list[dict[str, Any]] = []
    ordered = order(items)

    def enter(sid: str) -> None:
        nonlocal answered
        if sid and (not path or path[-1] != sid):
            path.append(sid)
        if sid and sid != entry and answered is None:
            answered = True  # the flow went past the call step: someone picked up

    for e in ordered:
        text = ""
        if e.kind in ("ringing", "answered", "no_answer") and entry is not None:
            enter(e.step_id or entry)  # the call step: dialled whether or not anyone answers
        if e.kind == "ringing":
            started = started or e.at
            text = "Ringing"
        elif e.kind == "answered":
            answered, answered_at = True, answered_at or e.at
            text = "Answered"
        elif e.kind == "no_answer":
            if answered is not True:
                answered = False
            end_reason = end_reason or (e.status or "no_answer")
            text = f"Not answered ({e.status or 'no answer'})"
        elif e.kind == "step":
            enter(e.step_id)
            text = f"Entered {_label(steps, e.step_id)}" if e.step_id else "Entered a step"
        elif e.kind == "digits":
            enter(e.step_id)
            variable = e.variable or str((steps.get(e.step_id) or {}).get("variable") or "") or e.step_id
            digits[variable] = e.digits
            text = f"Pressed {e.digits or 'nothing'}" + (f", kept as {{{{{variable}}}}}" if variable else "")
        elif e.kind == "http":
            enter(e.step_id)
            outcome = http_outcome(e.status)
            http.append({"step": e.step_id, "status": e.status, "outcome": outcome})
            text = f"Web request of {_label(steps, e.step_id)}: {e.status or 'no answer'} → {outcome}"
        elif e.kind == "ended":
            ended_at = e.at
            end_reason = e.status or end_reason or "completed"
            end_step = e.step_id or (path[-1] if path else "")
            text = f"Ended ({end_reason})" + (f" at {_label(steps, end_step)}" if end_step else "")
        if text:
            timeline.append({"at": e.at.isoformat(), "kind": e.kind, "step": e.step_id, "text": text})
    if ordered:
        started = started or ordered[0].at
    if ended_at is not None and not end_step and path:
        end_step = path[-1]
    begin = answered_at or started
    duration = (ended_at - begin).total_seconds() if ended_at and begin and ended_at >= begin else None
    return {
        "answered": answered, "started_at": started, "answered_at": answered_at, "ended_at": ended_at,
        "duration_seconds": duration, "path": path, "digits": digits, "http": http,
        "end_reason": end_reason, "end_step": end_step if ended_at else "", "timeline": timeline,
        "event_count": len(ordered),
    }


def _branch(step: dict[str, Any] | None, target: str, hint: str) -> str | None:
    """The branch key of ``step`` that leads to ``target`` (``hint`` first: the key pressed or the
    web request's outcome), or None when no branch of the step leads there."""
    if step is None:
        return None
    nxt = step.get("next_step")
    if isinstance(nxt, dict):
        keys = [str(k) for k, v in nxt.items() if id_text(v) == target]
        if not keys:
            return None
        if hint in keys:
            return hint
        return "*" if "*" in keys else keys[0]
    return NEXT if id_text(nxt) == target else None


def share(summary: dict[str, Any], document: Any) -> dict[str, Any]:
    """This call's share of the counts: each step reached once, where it ended, each branch taken once."""
    steps, _ = _steps(document)
    path: list[str] = summary["path"]
    last_digits: dict[str, str] = {}
    for sid in path:
        variable = (steps.get(sid) or {}).get("variable")
        if isinstance(variable, str) and variable in summary["digits"]:
            last_digits[sid] = summary["digits"][variable]
    http_by_step = {h["step"]: h["outcome"] for h in summary["http"]}
    branches: set[tuple[str, str]] = set()
    for a, b in zip(path, path[1:], strict=False):
        key = _branch(steps.get(a), b, last_digits.get(a) or http_by_step.get(a, ""))
        if key is not None:
            branches.add((a, key))
    return {
        "reached": sorted(set(path)),
        "ended": summary["end_step"],
        "branches": sorted([a, k] for a, k in branches),
    }


def difference(old: dict[str, Any], new: dict[str, Any]) -> dict[tuple[str, str], tuple[int, int]]:
    """(step, branch) → (change of reached, change of ended) from share ``old`` to share ``new``."""
    delta: dict[tuple[str, str], list[int]] = {}

    def add(share_: dict[str, Any], sign: int) -> None:
        for sid in share_.get("reached", []):
            delta.setdefault((sid, ""), [0, 0])[0] += sign
        if share_.get("ended"):
            delta.setdefault((share_["ended"], ""), [0, 0])[1] += sign
        for sid, key in share_.get("branches", []):
            delta.setdefault((sid, key), [0, 0])[0] += sign

    add(old, -1)
    add(new, +1)
    return {k: (r, e) for k, (r, e) in delta.items() if r or e}
