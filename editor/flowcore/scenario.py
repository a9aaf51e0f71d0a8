"""Flow tests in the flow core: a scenario's inputs, running them, and comparing with what it expects.

A scenario is plain JSON::

    {"name": "Account found",
     "inputs": {"digits": {"2": ["1234"]}, "http": {"5": ["success"]}},
     "expectations": {"steps": ["0", "1", "2", "5", "3"], "ends_at": "3", "variables": {"account_id": "1234"}}}

* ``inputs.digits[step]`` lists what the caller types each time the run reaches that digits step
  (a single string stands for a list of one); ``inputs.http[step]`` lists the outcome of each visit
  of that http step: ``"success"``, ``"fail"``, ``"send"`` (really send it through the ``http``
  callback: the simulator only) or a recorded answer ``{"outcome", "status", "error", "sent"}``.
  When the inputs run out the run stops where it waits (status ``waiting``).
* ``expectations`` may name ``steps`` (the exact order of the steps run), ``ends_at`` (the step where
  the call ends; null for a run that does not end), ``end_reason`` and ``variables`` (each variable
  named must have exactly that value; variables not named are not compared). A missing key is not
  checked.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any, TypedDict

from .interpret import HTTP_OUTCOMES, HttpResult, InputError, Limits, Program, Run
from .parse import id_text

HttpSender = Callable[[str, str], HttpResult]  # (method, url) -> result
MAX_INPUTS_PER_STEP = 1000
EXPECTATION_KEYS = ("steps", "ends_at", "end_reason", "variables")


class Inputs(TypedDict):
    digits: dict[str, list[str]]
    http: dict[str, list[Any]]


def empty_inputs() -> Inputs:
    return {"digits": {}, "http": {}}


def normalise_inputs(raw: Any, *, allow_send: bool = True) -> Inputs:
    """Check the shape of scenario inputs; raise InputError in plain words when it is wrong."""
    if raw is None:
        return empty_inputs()
    if not isinstance(raw, Mapping):
        raise InputError('Inputs are an object with "digits" and "http".')
    unknown = set(raw) - {"digits", "http"}
    if unknown:
        raise InputError(f'Inputs have only "digits" and "http", not {", ".join(sorted(map(str, unknown)))}.')
    result = empty_inputs()
    for kind in ("digits", "http"):
        per_step = raw.get(kind)
        if per_step is None:
            continue
        if not isinstance(per_step, Mapping):
            raise InputError(f'Inputs "{kind}" map a step id to a list of values.')
        for sid, values in per_step.items():
            if isinstance(values, str | Mapping):
                values = [values]
            if not isinstance(values, list) or len(values) > MAX_INPUTS_PER_STEP:
                raise InputError(f'Inputs "{kind}" for step {sid} should be a list (at most {MAX_INPUTS_PER_STEP}).')
            if kind == "digits":
                if not all(isinstance(value, str) and len(value) <= 64 for value in values):
                    raise InputError(f'The keys typed at step {sid} should be text, such as "1234".')
                result["digits"][str(sid)] = list(values)
            else:
                for value in values:
                    if value == "send":
                        if not allow_send:
                            raise InputError(f'Step {sid}: a saved test uses "success" or "fail", not "send".')
                    else:
                        HttpResult.from_value(value)  # raises InputError
                result["http"][str(sid)] = [value if isinstance(value, str) else dict(value) for value in values]
    return result


def saved_inputs(inputs: Inputs) -> Inputs:
    """Inputs as a saved test keeps them: every http answer reduced to its outcome."""
    http = {
        sid: [value if value in HTTP_OUTCOMES else HttpResult.from_value(value).outcome for value in values]
        for sid, values in inputs["http"].items()
        if all(value != "send" for value in values)
    }
    return {"digits": {sid: list(values) for sid, values in inputs["digits"].items()}, "http": http}


def run_scenario(
    program: Program | Any,
    inputs: Inputs | Mapping[str, Any] | None,
    *,
    http: HttpSender | None = None,
    contact: Mapping[str, Any] | None = None,
    limits: Limits | None = None,
) -> tuple[Run, Inputs]:
    """Run a flow fed by ``inputs`` until it ends or waits for an input they do not give.

    Returns the run and the inputs as used, where each ``"send"`` is replaced by the answer it got
    (so that replaying them never sends the request again). InputError: inputs of the wrong shape,
    or keys the step cannot take.
    """
    given = normalise_inputs(inputs)
    used = empty_inputs()
    run = Run(program, contact=contact, limits=limits)
    while run.status == "waiting" and run.waiting is not None:
        waiting = run.waiting
        sid, visit = waiting["step"], waiting["visit"]
        if waiting["kind"] == "digits":
            values = given["digits"].get(sid, [])
            if visit >= len(values):
                break
            run.provide_digits(values[visit])
            used["digits"].setdefault(sid, []).append(values[visit])
            continue
        answers = given["http"].get(sid, [])
        if visit >= len(answers):
            break
        answer = answers[visit]
        if answer == "send":
            result = _send(run, waiting["request"], http)
            recorded: Any = result.as_dict()
        else:
            result, recorded = HttpResult.from_value(answer), answer
        used["http"].setdefault(sid, []).append(recorded)
        run.provide_http(result)
    return run, used


def _send(run: Run, request: Mapping[str, str], http: HttpSender | None) -> HttpResult:
    if http is None:
        return HttpResult("fail", error="Really sending requests is not available here.")
    began = time.monotonic()
    try:
        return http(request["method"], request["url"])
    finally:
        run.charge(time.monotonic() - began)


def expectations_of(run: Run) -> dict[str, Any]:
    """What a run did, as the expectations of a scenario that should keep doing it."""
    return {
        "steps": list(run.path),
        "ends_at": run.ends_at,
        "end_reason": run.end["reason"] if run.end else None,
        "variables": dict(run.variables),
    }


def check_expectations(raw: Any) -> dict[str, Any]:
    """Check the shape of expectations; raise InputError in plain words when it is wrong."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise InputError('Expectations are an object with "steps", "ends_at", "end_reason" and "variables".')
    unknown = set(raw) - set(EXPECTATION_KEYS)
    if unknown:
        raise InputError(f"Expectations do not know {', '.join(sorted(map(str, unknown)))}.")
    result: dict[str, Any] = {}
    if raw.get("steps") is not None:
        steps = raw["steps"]
        if not isinstance(steps, list) or any(id_text(sid) is None for sid in steps):
            raise InputError('Expected "steps" are a list of step ids.')
        result["steps"] = [id_text(sid) for sid in steps]
    if "ends_at" in raw:
        ends_at = raw["ends_at"]
        if ends_at is not None and id_text(ends_at) is None:
            raise InputError('"ends_at" is a step id, or null for a run that does not end.')
        result["ends_at"] = id_text(ends_at) if ends_at is not None else None
    if raw.get("end_reason") is not None:
        if not isinstance(raw["end_reason"], str):
            raise InputError('"end_reason" is text, such as "completed".')
        result["end_reason"] = raw["end_reason"]
    if raw.get("variables") is not None:
        variables = raw["variables"]
        if not isinstance(variables, Mapping) or not all(isinstance(v, str) for v in variables.values()):
            raise InputError('Expected "variables" map a name to the text it should hold.')
        result["variables"] = {str(k): v for k, v in variables.items()}
    return result


def first_difference(expectations: Mapping[str, Any], run: Run) -> str | None:
    """The first way the run differs from what the scenario expects, in plain words; None when it matches."""
    name = run.program.name
    steps = expectations.get("steps")
    if steps is not None:
        path = run.path
        for index, (want, got) in enumerate(zip(steps, path, strict=False)):
            if want != got:
                where = f"after {name(path[index - 1])}" if index else "at the start"
                return f"Expected {name(want)} {where}, but the run went to {name(got)}."
        if len(path) < len(steps):
            return f"Expected the run to go on to {name(steps[len(path)])}, but {_stop(run)}."
        if len(path) > len(steps):
            last = f"after {name(steps[-1])}" if steps else "before any step"
            return f"Expected the call to end {last}, but the run went on to {name(path[len(steps)])}."
    if "ends_at" in expectations and expectations["ends_at"] != run.ends_at:
        want = expectations["ends_at"]
        wanted = f"the call to end at {name(want)}" if want is not None else "the run not to end"
        return f"Expected {wanted}, but {_stop(run)}."
    reason = expectations.get("end_reason")
    if reason is not None and (run.end is None or run.end["reason"] != reason):
        return f'Expected the call to end with "{reason}", but {_stop(run)}.'
    for variable, want in sorted((expectations.get("variables") or {}).items()):
        got = run.variables.get(variable)
        if got is None:
            return f'Expected {{{{{variable}}}}} to be "{want}", but it was never set.'
        if got != want:
            return f'Expected {{{{{variable}}}}} to be "{want}", but it is "{got}".'
    return None


def _stop(run: Run) -> str:
    if run.waiting is not None:
        what = "keys from the caller" if run.waiting["kind"] == "digits" else "the outcome of a request"
        return f"the run waits for {what} at {run.program.name(run.waiting['step'])} and the test gives none"
    if run.end is not None:
        reason = run.end["reason"]
        words = "" if reason == "completed" else f' ("{reason}")'
        return f"the call ended at {run.program.name(run.end['step'])}{words}"
    return "the run did not finish"


def check_scenario(
    program: Program | Any,
    scenario: Mapping[str, Any],
    *,
    limits: Limits | None = None,
    contact: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Run one saved scenario and compare: ``{"name", "passed", "difference", "run": {...}}``."""
    try:
        expectations = check_expectations(scenario.get("expectations"))
        run, _ = run_scenario(program, scenario.get("inputs"), contact=contact, limits=limits)
    except InputError as exc:
        return {
            "name": scenario.get("name", ""),
            "passed": False,
            "difference": f"This test cannot run: {exc}",
            "run": None,
        }
    difference = first_difference(expectations, run)
    return {
        "name": scenario.get("name", ""),
        "passed": difference is None,
        "difference": difference,
        "run": {
            "status": run.status,
            "path": list(run.path),
            "ends_at": run.ends_at,
            "end": run.end,
            "variables": dict(run.variables),
            "edges": [{"step": sid, "key": key, "to": to} for sid, key, to in run.edges],
        },
    }
