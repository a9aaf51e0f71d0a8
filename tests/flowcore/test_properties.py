"""Property tests on random flows, broken ones included: random ids, dangling references, wrong
types, junk values, non-object steps and random nesting; plus a brute-force model of the graph checks."""

from __future__ import annotations

import copy
from collections import deque
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editor.flowcore import CODES, contact_variables_used, export_payload, parse, render_contact_variables, validate
from editor.flowcore.blocks import BLOCKS

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ids = st.sampled_from(["0", "1", "2", "3", "a", " b", 0, 1, 2, 3, 7])
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 20),
    st.floats(allow_nan=True),
    st.text(max_size=6),
)
texts = st.one_of(
    st.sampled_from(
        ["Hello", "{{x}}", "{{ y }}", "a{{x}}b{{z}}", "{{contact.name}}", "{{contact}}", "{{x.y}}", "{{", " "]
    ),
    st.text(max_size=10),
)
values = st.recursive(st.one_of(scalars, texts), lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.text(max_size=3), inner, max_size=3), max_leaves=10)  # fmt: skip
references = st.one_of(ids, st.sampled_from(["99", "x9", 99, "", " "]), scalars)
branch_keys = st.sampled_from(["*", "1", "2", "#", "success", "fail", "zz", ""])
next_steps = st.one_of(
    st.none(),
    references,
    st.dictionaries(branch_keys, st.one_of(references, st.none()), max_size=4),
    values,
)
phones = st.one_of(st.sampled_from(["5263", "+14155550100", "{{contact.number}}", "12X", "1", "+"]), scalars)
urls = st.one_of(st.sampled_from(["https://a.example/{{x}}", "ftp://x", "http://", "https://a b"]), scalars)
field_values = {
    "number": phones,
    "caller_id": phones,
    "text": st.one_of(texts, scalars),
    "url": urls,
    "count": st.one_of(st.sampled_from([1, 4, 0, True, 4.0, "4"]), scalars),
    "variable": st.one_of(st.sampled_from(["x", "y", "z", "contact", "bad name"]), scalars),
    "method": st.one_of(st.sampled_from(["GET", "post", "FETCH"]), scalars),
    "next_step": next_steps,
    "extra": values,
}
types = st.one_of(st.sampled_from([*BLOCKS, "sms", "Play", ""]), scalars)


@st.composite
def steps(draw: st.DrawFn) -> Any:
    step: dict[str, Any] = {}
    if draw(st.integers(0, 9)) > 0:
        step["id"] = draw(st.one_of(ids, ids, ids, scalars))
    if draw(st.integers(0, 9)) > 0:
        step["type"] = draw(types)
    for name, strategy in field_values.items():
        if draw(st.booleans()):
            step[name] = draw(strategy)
    keys = list(step)
    order = draw(st.permutations(keys))
    return {key: step[key] for key in order}


step_lists = st.lists(st.one_of(steps(), steps(), steps(), values), max_size=12)
layouts = st.dictionaries(st.sampled_from(["0", "1", "a", "x"]), st.one_of(
    st.fixed_dictionaries({"label": st.one_of(st.text(max_size=8), scalars)}), scalars), max_size=3)  # fmt: skip
payloads = st.one_of(
    step_lists,
    st.builds(lambda s, r: {"cloud_id": "c", "auth_token": "t", "record": r, "flow": s}, step_lists, scalars),
    st.builds(lambda s, layout: {"steps": s, "layout": layout, "settings": {"record": False}}, step_lists, layouts),
    values,
)


def reference_ids(flow: list[Any]) -> set[str]:
    """Ids that exist: any object step whose id is text (not blank) or a whole number."""
    found = set()
    for step in flow:
        if isinstance(step, dict):
            raw = step.get("id")
            if isinstance(raw, str) and raw.strip():
                found.add(raw)
            elif isinstance(raw, int) and not isinstance(raw, bool):
                found.add(str(raw))
    return found


def as_id(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def expected_dangling(flow: list[Any]) -> set[tuple[str | None, str]]:
    existing = reference_ids(flow)
    expected = set()
    for step in flow:
        if not isinstance(step, dict):
            continue
        sid = as_id(step.get("id"))
        sid = sid if sid is not None and sid.strip() else None
        target = step.get("next_step")
        if isinstance(target, dict):
            for key, raw in target.items():
                ref = as_id(raw)
                if ref is not None and ref not in existing:
                    expected.add((sid, f"next_step.{key}"))
        else:
            ref = as_id(target)
            if ref is not None and ref not in existing:
                expected.add((sid, "next_step"))
    return expected


def flow_of(payload: Any) -> list[Any] | None:
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict):
        inner = payload.get("steps", payload.get("flow"))
        return inner if isinstance(inner, list) else None
    return None


@SETTINGS
@given(payloads)
def test_it_never_raises_and_is_deterministic(payload: Any) -> None:
    before = copy.deepcopy(payload)
    result = validate(payload)
    assert validate(copy.deepcopy(payload)) == result
    assert validate(payload) == result
    assert repr(payload) == repr(before)  # not mutated (repr: NaN != NaN)
    for diagnostic in result:
        assert set(diagnostic) == {"severity", "code", "step", "field", "message"}
        assert diagnostic["code"] in CODES
        assert diagnostic["severity"] == ("warning" if diagnostic["code"] == "unreachable_step" else "error")
        assert diagnostic["step"] is None or isinstance(diagnostic["step"], str)
        assert diagnostic["field"] is None or isinstance(diagnostic["field"], str)
        assert isinstance(diagnostic["message"], str) and diagnostic["message"].strip()
    codes = [d["code"] for d in result]
    if "invalid_payload" in codes or "empty_flow" in codes:
        assert len(result) == 1


@SETTINGS
@given(payloads)
def test_it_reports_every_reference_to_a_missing_step(payload: Any) -> None:
    result = validate(payload)
    flow = flow_of(payload)
    if flow is None or not flow or result[0]["code"] == "invalid_payload":
        return
    reported = {(d["step"], d["field"]) for d in result if d["code"] == "dangling_next_step"}
    assert reported == expected_dangling(flow)


@SETTINGS
@given(payloads)
def test_it_gives_the_same_diagnostics_after_parse_and_export(payload: Any) -> None:
    result = validate(payload)
    parsed = parse(payload)
    if parsed.document is None:
        assert [d["code"] for d in result] == ["invalid_payload"] == [d["code"] for d in parsed.diagnostics]
        return
    assert validate(parsed.document) == result
    exported = export_payload(parsed.document)
    assert parse(exported).document["steps"] == parsed.document["steps"]  # type: ignore[index]
    assert validate(exported) == validate(parsed.document["steps"])
    rendered = render_contact_variables(payload, {"name": "Ada"})
    assert isinstance(contact_variables_used(rendered), set)
    assert "name" not in contact_variables_used(rendered)


# -- a brute-force model of the graph checks on well-formed flows ---------------------------------


@st.composite
def graphs(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Well-formed steps with random edges (some to a missing step), variables set and used."""
    size = draw(st.integers(1, 8))
    target = st.one_of(st.none(), st.integers(0, size - 1).map(str), st.just("missing"))
    used = st.sampled_from(["Hi", "{{a}}", "{{b}}", "{{a}} {{b}}"])
    flow: list[dict[str, Any]] = []
    for index in range(size):
        kind = "call" if index == 0 else draw(st.sampled_from(["play", "digits", "http", "connect"]))
        step: dict[str, Any] = {"id": str(index), "type": kind}
        if kind in ("call", "connect"):
            step.update(number="5263", caller_id="5263", note=draw(used))
            nxt = draw(target)
            if nxt is not None:
                step["next_step"] = nxt
        elif kind == "play":
            step.update(text=draw(used), next_step=draw(target))
        elif kind == "digits":
            keys = draw(st.lists(st.sampled_from(["*", "1", "2"]), min_size=1, max_size=3, unique=True))
            step.update(count=1, variable=draw(st.sampled_from(["a", "b"])), prompt=draw(used))
            step["next_step"] = {key: draw(target) for key in keys}
        else:
            keys = draw(st.lists(st.sampled_from(["success", "fail"]), min_size=1, max_size=2, unique=True))
            step.update(url="https://example.com/" + draw(used).replace(" ", ""))
            step["next_step"] = {key: draw(target) for key in keys}
        flow.append(step)
    return flow


def model(flow: list[dict[str, Any]]) -> set[tuple[str, str | None]]:
    """(code, step) of the graph diagnostics, found the slow and obvious way."""
    index = {step["id"]: position for position, step in enumerate(flow)}
    edges: list[list[int]] = []
    exits: list[bool] = []
    for step in flow:
        target = step.get("next_step")
        if isinstance(target, dict):
            outs = [index[t] for t in target.values() if t in index]
            if step["type"] == "digits":
                ends = target.get("*") is None or None in target.values()
            else:
                ends = target.get("success") is None or target.get("fail") is None
        else:
            outs = [index[target]] if target in index else []
            ends = target is None
        edges.append(outs)
        exits.append(ends)

    def reach(start: int, blocked: set[int] = frozenset()) -> set[int]:  # type: ignore[assignment]
        seen, queue = {start}, deque([start])
        while queue:
            node = queue.popleft()
            if node in blocked:
                continue  # reached, but the walk does not go past it
            for nxt in edges[node]:
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        return seen

    reached = reach(0)
    found: set[tuple[str, str | None]] = set()
    for position in range(len(flow)):
        if position not in reached:
            found.add(("unreachable_step", str(position)))
    for name in ("a", "b"):
        setters = {p for p, step in enumerate(flow) if step.get("variable") == name}
        without = reach(0, setters)  # the steps some path reaches without passing a setter first
        for position in reached & without:
            step = flow[position]
            if any(f"{{{{{name}}}}}" in str(value) for key, value in step.items() if key not in ("id", "next_step")):
                found.add(("undefined_variable", str(position)))
    reach_from = {p: reach(p) for p in reached}
    groups = {frozenset(q for q in reach_from[p] if p in reach_from[q]) for p in reached}
    for group in groups:
        closed = all(nxt in group for p in group for nxt in edges[p])
        cycle = len(group) > 1 or any(p in edges[p] for p in group)
        if closed and cycle and not any(exits[p] for p in group):
            found.add(("infinite_loop", str(min(group))))
    return found


@settings(max_examples=400, deadline=None)
@given(graphs())
def test_it_agrees_with_a_brute_force_model(flow: list[dict[str, Any]]) -> None:
    result = validate(flow)
    graph_codes = {"unreachable_step", "undefined_variable", "infinite_loop"}
    assert {(d["code"], d["step"]) for d in result if d["code"] in graph_codes} == model(flow)
    others = {d["code"] for d in result} - graph_codes
    assert others <= {"dangling_next_step"}, result
    assert len([d for d in result if d["code"] == "infinite_loop"]) == len(
        {d["step"] for d in result if d["code"] == "infinite_loop"}
    )


candidate_strings = st.one_of(
    st.text(alphabet="+0123456789{}. xcontacthps:/?#@a-", max_size=24),
    st.text(max_size=12),
    st.sampled_from(["https://a.b/{{x}}", "http://{{contact.host}}/x", "+1{{contact.n}}", "GET", "get", " "]),
)


@settings(max_examples=300, deadline=None)
@given(candidate_strings)
def test_it_only_takes_the_quick_path_for_values_the_full_check_accepts(value: str) -> None:
    for spec in BLOCKS.values():
        for field in spec.fields:
            if field.accept is not None and field.accept(value):
                assert field.check(value) is None, (spec.type, field.name, value)
