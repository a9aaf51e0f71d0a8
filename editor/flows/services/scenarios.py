"""Writes and runs of flow tests: scenarios, the simulator's runs, coverage, generation, publish checks.

The flow core does the work (``editor.flowcore.interpret`` / ``scenario`` / ``coverage`` / ``paths``);
this module keeps scenarios in the database, sends requests for real through editor/flows/safehttp.py and
turns what goes wrong into ``ServiceError``s with plain messages.

Renamed step ids: the editor saves whole documents, so ``flow_update`` hands the document before and
after each save to ``scenarios_follow_renames``, which detects renames (``flowcore.renames``) and
rewrites the scenarios that name them, in the same request.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from editor.common.errors import InvalidFields, PermissionDenied, ServiceError
from editor.flowcore.coverage import coverage
from editor.flowcore.interpret import FlowNotRunnable, HttpResult, InputError, Limits, Program
from editor.flowcore.paths import generate
from editor.flowcore.renames import detect_renames, rename_in_scenario
from editor.flowcore.scenario import (
    check_expectations,
    check_scenario,
    expectations_of,
    normalise_inputs,
    run_scenario,
    saved_inputs,
)
from editor.flows import safehttp
from editor.flows.models import Flow, FlowScenario, FlowTestSettings

MAX_SCENARIOS_PER_FLOW = 1000
SIMULATOR_LIMITS = Limits(max_seconds=10.0)  # steps: 3 x the flow's steps, at least 1000
TEST_LIMITS = Limits(max_seconds=2.0)


class ScenariosFailed(ServiceError):
    """Publishing refused: a flow test fails and the flow's settings make failures block publishing."""

    code = "scenarios_failed"

    def __init__(self, *, report: dict[str, Any]) -> None:
        failed = report["failed"]
        verb = "fails" if failed == 1 else "fail"
        first = next(result for result in report["results"] if not result["passed"])
        super().__init__(
            f"{failed} of {report['total']} flow tests {verb}, so this flow is not published. "
            f"“{first['name']}”: {first['difference']} Fix the flow or the tests, or let failures be a warning "
            "in the flow's test settings.",
            extra={"tests": report},
        )


class CannotRun(ServiceError):
    code = "cannot_run"


def _program(document: Any) -> Program:
    try:
        return Program(document)
    except FlowNotRunnable as exc:
        raise CannotRun(str(exc)) from exc


# -- the simulator -------------------------------------------------------------------------------


def really_send(method: str, url: str) -> HttpResult:
    """Send an http step's request through the safe sender; every problem becomes a ``fail``."""
    try:
        answer = safehttp.send(method, url)
    except safehttp.Refused as exc:
        return HttpResult("fail", error=f"Not sent: {exc}", sent=True)
    except safehttp.SendFailed as exc:
        return HttpResult("fail", error=str(exc), sent=True)
    outcome = "success" if 200 <= answer.status < 300 else "fail"
    return HttpResult(outcome, status=answer.status, sent=True, final_url=answer.url, body=answer.body or None)


def simulate(*, document: Any, inputs: Any, contact: Mapping[str, Any] | None = None, may_send: bool) -> dict:
    """One stateless simulator turn: run ``document`` with the inputs so far; say what it waits for.

    ``"send"`` (at most one per turn) really sends that request; the answer comes back recorded in
    ``inputs`` so the next turn replays it without sending again.
    """
    program = _program(document)
    try:
        given = normalise_inputs(inputs)
    except InputError as exc:
        raise InvalidFields({"inputs": [str(exc)]}) from exc
    sends = sum(1 for values in given["http"].values() for value in values if value == "send")
    if sends and not may_send:
        raise PermissionDenied("Viewers cannot send requests for real. Pretend a success or a failure instead.")
    if sends > 1:
        raise InvalidFields({"inputs": ['Send one request at a time: only one "send" per turn.']})
    try:
        run, used = run_scenario(program, given, http=really_send, contact=contact, limits=SIMULATOR_LIMITS)
    except InputError as exc:
        raise InvalidFields({"inputs": [str(exc)]}) from exc
    result = run.result()
    result["inputs"] = used
    result["scenario"] = {"inputs": saved_inputs(used), "expectations": expectations_of(run)}
    return result


# -- saved scenarios -----------------------------------------------------------------------------


def _checked(inputs: Any, expectations: Any) -> tuple[dict, dict]:
    problems: dict[str, list[str]] = {}
    checked_inputs: dict = {}
    checked_expectations: dict = {}
    try:
        checked_inputs = dict(normalise_inputs(inputs, allow_send=False))
    except InputError as exc:
        problems["inputs"] = [str(exc)]
    try:
        checked_expectations = check_expectations(expectations)
    except InputError as exc:
        problems["expectations"] = [str(exc)]
    if problems:
        raise InvalidFields(problems)
    return checked_inputs, checked_expectations


def _room_for(flow: Flow, count: int) -> None:
    if FlowScenario.objects.filter(flow=flow).count() + count > MAX_SCENARIOS_PER_FLOW:
        raise ServiceError(f"A flow can have at most {MAX_SCENARIOS_PER_FLOW} tests. Delete some first.")


def scenario_create(
    *,
    flow: Flow,
    user: AbstractBaseUser | None,
    name: str,
    inputs: Any,
    expectations: Any,
    generated: bool = False,
) -> FlowScenario:
    checked_inputs, checked_expectations = _checked(inputs, expectations)
    _room_for(flow, 1)
    return FlowScenario.objects.create(
        flow=flow,
        name=name,
        inputs=checked_inputs,
        expectations=checked_expectations,
        generated=generated,
        created_by=user,
    )


def scenario_update(
    *,
    scenario: FlowScenario,
    name: str | None = None,
    inputs: Any = None,
    expectations: Any = None,
    generated: bool | None = None,
) -> FlowScenario:
    checked_inputs, checked_expectations = _checked(
        scenario.inputs if inputs is None else inputs,
        scenario.expectations if expectations is None else expectations,
    )
    scenario.inputs, scenario.expectations = checked_inputs, checked_expectations
    if name is not None:
        scenario.name = name
    if generated is not None:
        scenario.generated = generated
    scenario.save()
    return scenario


def scenario_delete(*, scenario: FlowScenario) -> None:
    scenario.delete()


def scenarios_follow_renames(*, flow: Flow, before: Any, after: Any) -> dict[str, str]:
    """Rewrite the flow's scenarios for the step ids this save renamed; returns ``{old: new}``."""
    renames = detect_renames(before, after)
    if not renames:
        return {}
    with transaction.atomic():
        for scenario in FlowScenario.objects.select_for_update().filter(flow=flow):
            changed = rename_in_scenario(scenario.as_scenario(), renames)
            if changed is not None:
                scenario.inputs, scenario.expectations = changed["inputs"], changed["expectations"]
                scenario.save(update_fields=["inputs", "expectations", "updated_at"])
    return renames


# -- running, coverage, generation ---------------------------------------------------------------


def scenarios_run(*, flow: Flow, document: Any = None) -> dict[str, Any]:
    """Run every scenario of the flow against its draft (or ``document``)."""
    document = flow.document if document is None else document
    scenarios = list(FlowScenario.objects.filter(flow=flow).order_by("generated", "name", "id"))
    try:
        program: Program | None = Program(document)
        cannot = ""
    except FlowNotRunnable as exc:
        program, cannot = None, str(exc)
    results = []
    for scenario in scenarios:
        if program is None:
            result = {"name": scenario.name, "passed": False, "difference": cannot, "run": None}
        else:
            result = check_scenario(program, scenario.as_scenario(), limits=TEST_LIMITS)
        results.append({"id": scenario.pk, "generated": scenario.generated, **result})
    passed = sum(1 for result in results if result["passed"])
    return {
        "total": len(results),
        "passed": passed,
        "failed": len(results) - passed,
        "blocks_publish": flow_test_settings(flow=flow).scenario_failures_block_publish,
        "results": results,
    }


def scenarios_coverage(*, flow: Flow, report: dict[str, Any] | None = None) -> dict[str, Any]:
    """Which branches of the draft the scenarios take (from ``report`` when already run)."""
    report = report or scenarios_run(flow=flow)
    program = _program(flow.document)
    runs = [{"name": r["name"], **r["run"]} for r in report["results"] if r["run"] is not None]
    found = coverage(program, runs)
    found["scenarios"] = report["total"]
    return found


def scenarios_generate(*, flow: Flow, user: AbstractBaseUser | None, max_paths: int = 200) -> dict[str, Any]:
    """Save one scenario per distinct path from the start (``generated``, for review), skipping known paths."""
    found = generate(_program(flow.document), max_paths=max_paths)
    known = {
        _path_key(scenario.expectations) for scenario in FlowScenario.objects.filter(flow=flow).only("expectations")
    }
    fresh = [s for s in found["scenarios"] if _path_key(s["expectations"]) not in known]
    for number, scenario in enumerate(fresh, start=1):  # "Path 1: …" with no gaps where known paths were skipped
        scenario["name"] = re.sub(r"^Path \d+:", f"Path {number}:", scenario["name"])
    _room_for(flow, len(fresh))
    created = FlowScenario.objects.bulk_create(
        FlowScenario(
            flow=flow,
            name=s["name"],
            inputs=s["inputs"],
            expectations=s["expectations"],
            generated=True,
            created_by=user,
        )
        for s in fresh
    )
    return {"created": created, "skipped": len(found["scenarios"]) - len(fresh), "truncated": found["truncated"]}


def _path_key(expectations: Any) -> tuple:
    if not isinstance(expectations, Mapping):
        return ()
    return (tuple(expectations.get("steps") or ()), expectations.get("ends_at"))


# -- settings and publishing ---------------------------------------------------------------------


def flow_test_settings(*, flow: Flow) -> FlowTestSettings:
    """The flow's test settings (defaults when it has none saved; nothing is written)."""
    found = FlowTestSettings.objects.filter(flow=flow).first()
    return found or FlowTestSettings(flow=flow)


def flow_test_settings_update(*, flow: Flow, scenario_failures_block_publish: bool) -> FlowTestSettings:
    found, _ = FlowTestSettings.objects.update_or_create(
        flow=flow, defaults={"scenario_failures_block_publish": scenario_failures_block_publish}
    )
    return found


def scenarios_publish_check(*, flow: Flow) -> dict[str, Any] | None:
    """Run the tests before publishing. None when the flow has no tests.

    Raises ScenariosFailed when one fails and failures block publishing; otherwise the report says
    ``warning`` (failures allowed by the flow's settings).
    """
    if not FlowScenario.objects.filter(flow=flow).exists():
        return None
    report = scenarios_run(flow=flow)
    if report["failed"] and report["blocks_publish"]:
        raise ScenariosFailed(report=report)
    report["warning"] = bool(report["failed"])
    return report
