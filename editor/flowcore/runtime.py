"""The vocabulary of a run: limits, inputs, http outcomes, transcript events and placeholders.

Split from ``interpret.py`` (which re-exports all of it) to keep the machine itself short.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypedDict

from .blocks import BLOCKS
from .templates import CONTACT_RE, RUNTIME_RE

KEYPAD = frozenset("0123456789*#")
HTTP_OUTCOMES = BLOCKS["http"].next_step.keys  # ("success", "fail"): the branch keys of an http step
EndReason = Literal["completed", "no_matching_branch", "missing_step", "broken_step", "step_limit", "time_limit"]
Status = Literal["running", "waiting", "ended"]


class FlowNotRunnable(ValueError):
    """The payload is not a flow at all, or it has no steps."""


class InputError(ValueError):
    """What was given does not fit what the run waits for (wrong kind, bad keys, too many keys)."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds of one run. ``max_steps`` None: three times the number of steps, at least 1000, so that a
    long flow runs to its end while a loop is still stopped soon.

    Takes the number of steps rather than the program itself, so this module needs nothing from
    ``interpret.py`` (which imports it)."""

    max_steps: int | None = None
    max_seconds: float = 10.0

    def steps_for(self, step_count: int) -> int:
        return self.max_steps if self.max_steps is not None else max(1000, 3 * step_count)


@dataclass(frozen=True, slots=True)
class HttpResult:
    """The outcome of an http step: pretended, or from a request really sent (``sent``)."""

    outcome: Literal["success", "fail"]
    status: int | None = None
    error: str | None = None
    sent: bool = False
    final_url: str | None = None
    body: str | None = None  # the start of a real answer, to show

    @classmethod
    def from_value(cls, value: Any) -> HttpResult:
        """``"success"``/``"fail"`` (pretend) or a recorded ``{"outcome", "status", "error", "sent"}``."""
        if value in HTTP_OUTCOMES:
            return cls(value)
        if isinstance(value, Mapping) and value.get("outcome") in HTTP_OUTCOMES:
            status = value.get("status")
            error = value.get("error")
            return cls(
                value["outcome"],
                status=status if type(status) is int else None,
                error=str(error)[:300] if error else None,
                sent=value.get("sent") is True,
                body=str(value["body"])[:1000] if value.get("body") else None,
            )
        raise InputError('An http outcome is "success", "fail" or a recorded answer with an "outcome".')

    def as_dict(self) -> dict[str, Any]:
        found = {"outcome": self.outcome, "status": self.status, "error": self.error, "sent": self.sent}
        if self.body is not None:
            found["body"] = self.body
        return found


class Event(TypedDict, total=False):
    index: int
    step: str | None
    kind: str  # call, play, digits, http, connect, end
    message: str  # one line for people: what happened
    say: str  # what the caller hears
    url: str  # the recording played
    number: str
    caller_id: str
    entered: str
    variable: str
    request: dict[str, str]  # {"method", "url"}
    response: dict[str, Any]  # HttpResult.as_dict()
    branch: str | None  # the next_step key followed ("1", "*", "success", "next")
    to: str | None  # the step gone to (None: the call ends)
    reason: str  # end events
    unset: list[str]  # variables used before any digits step set them
    variables: dict[str, str]


class Waiting(TypedDict, total=False):
    kind: Literal["digits", "http"]
    step: str
    visit: int  # 0 for the first time the run waits at this step, 1 for the second ...
    message: str
    count: int  # digits
    variable: str  # digits
    keys: list[str]  # digits: the branch keys
    request: dict[str, str]  # http: {"method", "url"}


def render(text: str, variables: Mapping[str, str], contact: Mapping[str, Any] | None) -> tuple[str, list[str]]:
    """``text`` with run-time and contact placeholders filled in, and the run-time names not set yet."""
    if "{{" not in text:
        return text, []
    unset: list[str] = []

    def runtime(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in variables:
            return variables[name]
        unset.append(name)
        return ""

    def contact_field(match: re.Match[str]) -> str:
        if contact is None:
            return match.group(0)
        found = contact.get(match.group(1))
        return "" if found is None else str(found)

    text = RUNTIME_RE.sub(runtime, text)
    return CONTACT_RE.sub(contact_field, text), unset
