"""Running a flow without calling anyone: the interpreter behind the simulator and the flow tests.

A ``Run`` walks a flow document the way Samespace would and writes a transcript of what happens:

* ``call`` dials the number (the first step of every valid flow) and goes on;
* ``play`` says its text or plays its recording and goes on;
* ``digits`` waits for the caller's keys, keeps them in its variable and follows the branch of the
  exact key, else ``*`` ("any other input"); with neither the call ends;
* ``http`` fills ``{{variables}}`` into its address and waits for the outcome of the request
  (``success`` for a 2xx answer, ``fail`` for anything else, a timeout included), then follows that
  branch; a missing or null branch ends the call;
* ``connect`` connects the caller to another number; when that leg ends the flow goes on to its next
  step, if any;
* a step without a next step ends the call.

The run is resumable: it stops whenever it needs something from outside (``waiting``) and goes on
when given it (``provide_digits``, ``provide_http``). That one state machine serves both the
step-by-step simulator and batch runs of saved scenarios (``scenario.run_scenario``). Every run is
bounded by a number of steps and by processing time (``Limits``), so a loop cannot hang it.

Decisions where Samespace is silent:

* The caller may type up to ``count`` keys from the phone keypad (0-9, ``*``, ``#``); fewer keys, or
  none, stand for the caller stopping early (``#`` or a timeout). Only an input equal to a branch key
  takes that branch; every other input, no input included, takes ``*``.
* A ``{{name}}`` that no digits step has set yet is filled in as empty text, and the event lists it
  under ``unset``. ``{{contact.x}}`` is filled from the contact when one is given, else left as written.
* A flow with problems still runs up to the first step that cannot run (unknown type, missing field,
  a next step that names no step): the call ends there with the reason ``broken_step`` or
  ``missing_step`` and a message saying why.
* ``connect`` does not wait: the simulated leg ends at once and the flow goes on.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from .blocks import BLOCKS, NEXT
from .checks import HTTP_METHOD_SET, HTTP_METHODS
from .dialling import call_words
from .messages import label_for
from .parse import id_text, parse
from .runtime import (
    HTTP_OUTCOMES,
    KEYPAD,
    EndReason,
    Event,
    FlowNotRunnable,
    HttpResult,
    InputError,
    Limits,
    Status,
    Waiting,
    render,
)

_SAY_LIMIT = 500
_DEFAULT_METHOD = BLOCKS["http"].defaults["method"]


class Program:
    """A flow prepared for running: steps by id (the first of duplicates wins), the entry, labels."""

    def __init__(self, document: Any) -> None:
        parsed = parse(document)
        if parsed.document is None:
            raise FlowNotRunnable(parsed.diagnostics[0]["message"])
        self.document = parsed.document
        self.layout: dict[str, Any] = parsed.document["layout"]
        steps = parsed.document["steps"]
        if not steps:
            raise FlowNotRunnable("This flow has no steps yet, so there is nothing to run.")
        self.steps: dict[str, dict[str, Any]] = {}
        for step in steps:
            sid = id_text(step.get("id")) if isinstance(step, dict) else None
            if sid is not None:
                self.steps.setdefault(sid, step)  # the first of duplicate ids wins
        first = steps[0]
        self.entry = id_text(first.get("id")) if isinstance(first, dict) else None
        if self.entry is None:
            raise FlowNotRunnable("The first step of this flow has no usable id, so the run cannot start.")

    def name(self, sid: str | None, *, capital: bool = False) -> str:
        """'step 5' or 'step "Ask for account"' (capitalised at the start of a sentence)."""
        if sid is None:
            return "The flow" if capital else "the flow"
        return label_for(self.layout, sid, capital=capital)


def _short(text: str) -> str:
    return text if len(text) <= _SAY_LIMIT else text[: _SAY_LIMIT - 1] + "…"


class Run:
    """One simulated call. Create it, then read ``status``/``waiting`` and give what it waits for."""

    def __init__(
        self,
        program: Program | Any,
        *,
        contact: Mapping[str, Any] | None = None,
        limits: Limits | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.program = program if isinstance(program, Program) else Program(program)
        self.contact = contact
        self.limits = limits or Limits()
        self.max_steps = self.limits.steps_for(len(self.program.steps))
        self.clock = clock
        self.variables: dict[str, str] = {}
        self.transcript: list[Event] = []
        self.path: list[str] = []  # step ids in the order they ran
        self.edges: list[tuple[str, str, str | None]] = []  # (step, branch key, target) in order
        self.visits: dict[str, int] = {}
        self.asked: dict[str, int] = {}  # step -> times the run waited there
        self.status: Status = "running"
        self.waiting: Waiting | None = None
        self.end: dict[str, Any] | None = None  # {"step", "reason", "message"}
        self.elapsed = 0.0  # processing seconds, summed over every stretch of running
        self.current: str | None = self.program.entry
        self._advance()

    # -- giving the run what it waits for ----------------------------------------------------------

    def provide_digits(self, entered: str) -> None:
        step, _ = self._expect("digits")
        if not isinstance(entered, str) or not set(entered) <= KEYPAD:
            raise InputError("The caller can only press the keys 0-9, * and #.")
        count = step["count"]
        if len(entered) > count:
            name = self.program.name(step["id"], capital=True)
            raise InputError(f"{name} takes at most {count} keys, not {len(entered)}.")
        self._resume()
        variable = step["variable"]
        self.variables[variable] = entered
        branches: dict[str, Any] = step["next_step"]
        if entered in branches and entered != "*":
            key: str | None = entered
        elif "*" in branches:
            key = "*"
        else:
            key = None
        typed = f"The caller typed {entered}" if entered else "The caller typed nothing"
        self._event(
            "digits",
            step["id"],
            f"{typed}; it is kept as {{{{{variable}}}}}.",
            entered=entered,
            variable=variable,
            branch=key,
        )
        if key is None:
            keys = ", ".join(sorted(branches)) or "none"
            self._finish(
                step["id"],
                "no_matching_branch",
                f"The call ends: {self.program.name(step['id'])} has no branch for "
                f"{entered or 'no input'} and no * branch (its keys: {keys}).",
            )
            return
        self._go(step["id"], key, branches[key])
        self._advance()

    def provide_http(self, result: HttpResult | Any) -> None:
        step, waiting = self._expect("http")
        if not isinstance(result, HttpResult):
            result = HttpResult.from_value(result)
        self._resume()
        request = dict(waiting.get("request", {}))
        how = (f"HTTP {result.status}" if result.status is not None else "no answer") if result.sent else "pretend"
        detail = f" ({result.error})" if result.error else ""
        self._event(
            "http",
            step["id"],
            f"{request.get('method')} {request.get('url')} → {result.outcome} ({how}){detail}.",
            request=request,
            response=result.as_dict(),
            branch=result.outcome,
        )
        branches: dict[str, Any] = step["next_step"]
        self._go(step["id"], result.outcome, branches.get(result.outcome))
        self._advance()

    def charge(self, seconds: float) -> None:
        """Count time spent outside the run on its behalf (a request really sent) against its limit."""
        self.elapsed += max(0.0, seconds)

    # -- reading the result -------------------------------------------------------------------------

    @property
    def ends_at(self) -> str | None:
        return self.end["step"] if self.end else None

    def taken(self) -> set[tuple[str, str]]:
        """The (step, branch key) pairs this run followed."""
        return {(sid, key) for sid, key, _ in self.edges}

    def result(self) -> dict[str, Any]:
        """Everything about the run as JSON-ready data."""
        return {
            "status": self.status,
            "waiting": self.waiting,
            "end": self.end,
            "path": list(self.path),
            "edges": [{"step": sid, "key": key, "to": to} for sid, key, to in self.edges],
            "variables": dict(self.variables),
            "transcript": self.transcript,
            "steps_taken": len(self.path),
        }

    # -- the machine ---------------------------------------------------------------------------------

    def _expect(self, kind: str) -> tuple[dict[str, Any], Waiting]:
        waiting = self.waiting
        if self.status != "waiting" or waiting is None:
            raise InputError("The run is not waiting for anything: it has ended.")
        if waiting["kind"] != kind:
            wanted = "keys from the caller" if waiting["kind"] == "digits" else "the outcome of a request"
            raise InputError(f"The run waits for {wanted} at {self.program.name(waiting['step'])}.")
        return self.program.steps[waiting["step"]], waiting

    def _resume(self) -> None:
        self.status, self.waiting = "running", None

    def _event(self, kind: str, sid: str | None, message: str, **fields: Any) -> None:
        event: Event = {"index": len(self.transcript), "step": sid, "kind": kind, "message": message}
        event.update(fields)  # type: ignore[typeddict-item]
        event["variables"] = dict(self.variables)
        self.transcript.append(event)

    def _finish(self, sid: str | None, reason: EndReason, message: str) -> None:
        self.status, self.waiting, self.current = "ended", None, None
        self.end = {"step": sid, "reason": reason, "message": message}
        self._event("end", sid, message, reason=reason)

    def _go(self, sid: str, key: str, target: Any) -> None:
        to = id_text(target) if target is not None else None
        self.edges.append((sid, key, to))
        if target is None:
            self._finish(sid, "completed", f"The call ends after {self.program.name(sid)}.")
        elif to is None or to not in self.program.steps:
            self._finish(
                sid,
                "missing_step",
                f"The call stops: {self.program.name(sid)} goes to step {target}, which does not exist.",
            )
        else:
            self.current = to

    def _single(self, step: dict[str, Any]) -> None:
        target = step.get("next_step")
        if isinstance(target, dict | list):
            self._broken(step, "its next step is a group of branches, but this kind of step has one next step")
            return
        self._go(step["id"], NEXT, target)

    def _broken(self, step: dict[str, Any], why: str) -> None:
        self._finish(step["id"], "broken_step", f"The call stops: {self.program.name(step['id'])} cannot run: {why}.")

    def _text(self, value: Any, unset: list[str]) -> str:
        text, missing = render(value, self.variables, self.contact)
        unset.extend(name for name in missing if name not in unset)
        return text

    def _advance(self) -> None:
        started = self.clock()
        try:
            while self.status == "running":
                sid = self.current
                assert sid is not None
                if len(self.path) >= self.max_steps:
                    self._finish(
                        sid,
                        "step_limit",
                        f"The run stopped after {self.max_steps} steps: the flow may go round in a loop.",
                    )
                    return
                if self.elapsed + (self.clock() - started) > self.limits.max_seconds:
                    self._finish(sid, "time_limit", f"The run stopped after {self.limits.max_seconds:g} seconds.")
                    return
                self.path.append(sid)
                self.visits[sid] = self.visits.get(sid, 0) + 1
                self._run_step(self.program.steps[sid])
        finally:
            self.elapsed += self.clock() - started

    def _run_step(self, step: dict[str, Any]) -> None:
        sid: str = step["id"]
        kind = step.get("type")
        unset: list[str] = []
        extra: dict[str, Any] = {}
        if kind in ("call", "connect"):
            number, caller_id = step.get("number"), step.get("caller_id")
            if not isinstance(number, str) or not number:
                self._broken(step, "it has no number")
                return
            written, number = number, self._text(number, unset)
            caller_id = self._text(caller_id, unset) if isinstance(caller_id, str) else ""
            if unset:
                extra["unset"] = unset
            if kind == "call":
                message = call_words(written, number, caller_id)
            else:
                then = "the flow goes on" if step.get("next_step") is not None else "the call ends"
                message = f"Connects the caller to {number}. When that conversation ends, {then}."
            self._event(kind, sid, message, number=number, caller_id=caller_id, **extra)
            self._single(step)
        elif kind == "play":
            text, url = step.get("text"), step.get("url")
            if isinstance(text, str) and text.strip():
                said = _short(self._text(text, unset))
                extra.update(say=said)
                message = f"Says: “{said}”"
            elif isinstance(url, str) and url:
                played = self._text(url, unset)
                extra.update(url=played)
                message = f"Plays the recording {played}."
            else:
                self._broken(step, "it has neither text to say nor a recording to play")
                return
            if unset:
                extra["unset"] = unset
            self._event("play", sid, message, **extra)
            self._single(step)
        elif kind == "digits":
            self._wait_digits(step)
        elif kind == "http":
            self._wait_http(step)
        else:
            self._broken(step, f"its type {kind!r} is not one FlowStudio knows")

    def _wait(self, waiting: Waiting) -> None:
        sid = waiting["step"]
        waiting["visit"] = self.asked.get(sid, 0)
        self.asked[sid] = waiting["visit"] + 1
        self.status, self.waiting = "waiting", waiting

    def _wait_digits(self, step: dict[str, Any]) -> None:
        count, variable, branches = step.get("count"), step.get("variable"), step.get("next_step")
        if type(count) is not int or count < 1:
            self._broken(step, "its digit count is not a whole number of 1 or more")
        elif not isinstance(variable, str) or not variable:
            self._broken(step, "it has no variable name to keep the digits in")
        elif not isinstance(branches, dict):
            self._broken(step, "it does not say where to go after the caller types")
        else:
            keys = sorted(str(key) for key in branches)
            noun = "key" if count == 1 else "keys"
            self._wait(
                {
                    "kind": "digits",
                    "step": step["id"],
                    "count": count,
                    "variable": variable,
                    "keys": keys,
                    "message": f"Waiting for the caller to type up to {count} {noun}.",
                }
            )

    def _wait_http(self, step: dict[str, Any]) -> None:
        url, method, branches = step.get("url"), step.get("method") or _DEFAULT_METHOD, step.get("next_step")
        if not isinstance(url, str) or not url:
            self._broken(step, "it has no web address")
        elif not isinstance(method, str):
            self._broken(step, "its method is not text")
        elif method not in HTTP_METHOD_SET:
            # Only the registry's methods are ever sent (editor/flowcore/checks.py), whatever the
            # document says: no CONNECT, TRACE, lower case or header injection through the method.
            self._broken(step, "its method is not one of " + ", ".join(HTTP_METHODS))
        elif not isinstance(branches, dict):
            self._broken(step, "it does not say where to go when the request succeeds or fails")
        else:
            unset: list[str] = []
            request = {"method": method, "url": self._text(url, unset)}
            waiting: Waiting = {
                "kind": "http",
                "step": step["id"],
                "request": request,
                "message": f"Waiting for the outcome of {method} {request['url']}.",
            }
            if unset:
                waiting["message"] += " Not set yet: " + ", ".join(unset) + "."
            self._wait(waiting)


def start(document: Any, **options: Any) -> Run:
    """A new run of ``document`` (any accepted form), advanced up to the first input it needs."""
    return Run(document, **options)


__all__ = [
    "HTTP_OUTCOMES",
    "KEYPAD",
    "NEXT",
    "Event",
    "FlowNotRunnable",
    "HttpResult",
    "InputError",
    "Limits",
    "Program",
    "Run",
    "Waiting",
    "render",
    "start",
]
