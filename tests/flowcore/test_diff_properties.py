"""Property tests of the flow diff on random flows, broken ones included (repeated, missing and
non-text ids, dangling and malformed next_step, non-object steps and layout entries, 1 / 1.0 / true),
and of the near-linear rename detection against the quadratic rule it replaced."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editor.flowcore.diff import diff_documents, is_empty, same_value
from editor.flowcore.diff_apply import apply_diff, mirror_diff
from editor.flowcore.renames import _body, _steps, _targets, detect_renames

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ids = st.one_of(st.sampled_from(["0", "1", "2", "3", "a", "b", "c", 1, 2, 7]), st.none(), st.booleans())
scalars = st.one_of(st.none(), st.booleans(), st.sampled_from([0, 1, 1.0, 2, "1", "", "x"]), st.text(max_size=4))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.sampled_from(["a", "b", "x"]), inner, max_size=3), max_leaves=6)  # fmt: skip
references = st.one_of(ids, st.sampled_from(["99", ""]))
next_steps = st.one_of(
    references,
    st.dictionaries(st.sampled_from(["*", "1", "2", "success", "fail"]), st.one_of(references, st.none()), max_size=3),
    values,
)
fields = {
    "type": st.sampled_from(["call", "play", "digits", "http", "connect", "sms", 3]),
    "text": st.one_of(st.sampled_from(["Hello", "Bye", "{{x}}"]), scalars),
    "count": st.sampled_from([1, 1.0, True, "1", 4]),
    "url": st.sampled_from(["https://a.example", "ftp://x"]),
    "next_step": next_steps,
    "extra": values,
}


@st.composite
def steps(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 12)) == 0:
        return draw(values)  # not an object
    step: dict[str, Any] = {}
    if draw(st.integers(0, 9)) > 0:
        step["id"] = draw(ids)
    for name, strategy in fields.items():
        if draw(st.booleans()):
            step[name] = draw(strategy)
    return step


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    step_list = draw(st.lists(steps(), max_size=10))
    layout_keys = st.sampled_from(["0", "1", "2", "a", "b", "c", "z"])
    entry = st.one_of(
        st.fixed_dictionaries(
            {"x": st.integers(0, 3), "y": st.integers(0, 3)},
            optional={"label": st.one_of(st.sampled_from(["Greet", "Ask"]), scalars), "note": st.text(max_size=3)},
        ),
        scalars,
    )
    layout = draw(st.dictionaries(layout_keys, entry, max_size=5))
    record = draw(st.one_of(st.booleans(), st.none()))
    doc_settings: dict[str, Any] = {} if record is None else {"record": record}
    if draw(st.booleans()):
        doc_settings["other"] = draw(values)
    return {"steps": step_list, "layout": layout, "settings": doc_settings}


@st.composite
def edited(draw: st.DrawFn, document: dict[str, Any]) -> dict[str, Any]:
    """``document`` after a few editor-like changes: renames (references and layout follow), field
    edits, moves, new labels, added, removed and reordered steps."""
    doc = copy.deepcopy(document)
    for _ in range(draw(st.integers(0, 5))):
        step_list, layout = doc["steps"], doc["layout"]
        action = draw(st.sampled_from(["rename", "edit", "move", "label", "add", "remove", "reorder", "setting"]))
        index = draw(st.integers(0, max(len(step_list) - 1, 0)))
        step = step_list[index] if step_list else None
        if action == "rename" and isinstance(step, dict) and isinstance(step.get("id"), str):
            old_id, new_id = step["id"], draw(st.sampled_from(["n1", "n2", "c", "q"]))
            step["id"] = new_id
            for other in step_list:
                if isinstance(other, dict) and other.get("next_step") == old_id:
                    other["next_step"] = new_id
                elif isinstance(other, dict) and isinstance(other.get("next_step"), dict):
                    other["next_step"] = {k: new_id if v == old_id else v for k, v in other["next_step"].items()}
            if old_id in layout and new_id not in layout:
                layout[new_id] = layout.pop(old_id)
        elif action == "edit" and isinstance(step, dict):
            name = draw(st.sampled_from(list(fields)))
            step[name] = draw(fields[name])
        elif action == "move" and layout:
            key = draw(st.sampled_from(sorted(layout)))
            if isinstance(layout[key], dict):
                layout[key] = {**layout[key], "x": draw(st.integers(10, 20))}
        elif action == "label" and layout:
            key = draw(st.sampled_from(sorted(layout)))
            if isinstance(layout[key], dict):
                layout[key] = {**layout[key], "label": draw(st.text(max_size=3))}
        elif action == "add":
            step_list.insert(draw(st.integers(0, len(step_list))), draw(steps()))
        elif action == "remove" and step_list:
            step_list.pop(index)
        elif action == "reorder" and step_list:
            step_list.insert(draw(st.integers(0, len(step_list) - 1)), step_list.pop(index))
        elif action == "setting":
            doc["settings"]["record"] = draw(st.booleans())
    return doc


@st.composite
def pairs(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    before = draw(documents())
    after = draw(edited(before)) if draw(st.integers(0, 3)) else draw(documents())
    return before, after


def without_positions(document: dict[str, Any]) -> dict[str, Any]:
    layout = {
        key: {k: v for k, v in entry.items() if k not in ("x", "y")} if isinstance(entry, dict) else entry
        for key, entry in document["layout"].items()
    }
    return {**document, "layout": layout}


def canonical(diff: dict[str, Any]) -> Any:
    """The diff with its lists sorted, to compare two diffs whatever order they list things in."""

    def fields(changes: list[dict[str, Any]]) -> list[Any]:
        return sorted(repr(sorted(change.items(), key=repr)) for change in changes)

    def entries(items: list[dict[str, Any]]) -> list[Any]:
        return sorted(repr(sorted(({**e, "fields": fields(e["fields"])} if "fields" in e else e).items(),
                                  key=repr)) for e in items)  # fmt: skip

    return {
        **diff,
        "steps": entries(diff["steps"]),
        "layout": entries(diff["layout"]),
        "settings": fields(diff["settings"]),
    }


@SETTINGS
@given(documents())
def test_a_flow_against_itself_or_its_copy_has_no_changes(document: dict[str, Any]) -> None:
    for other in (document, copy.deepcopy(document)):
        diff = diff_documents(document, other)
        assert is_empty(diff) and diff["start"] is None
        assert diff["summary"] == {"added": 0, "removed": 0, "changed": 0, "renamed": 0, "steps": 0}


@SETTINGS
@given(pairs())
def test_applying_the_diff_gives_the_other_flow(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    before, after = pair
    snapshot = copy.deepcopy(before)
    result = apply_diff(before, diff_documents(before, after))
    assert same_value(without_positions(result), without_positions(after))
    assert same_value(before, snapshot)  # neither diffing nor applying changes the input


@SETTINGS
@given(pairs())
def test_the_diff_back_mirrors_the_diff_there(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    before, after = pair
    there, back = diff_documents(before, after), diff_documents(after, before)
    assert canonical(mirror_diff(there)) == canonical(back)
    assert same_value(without_positions(apply_diff(after, mirror_diff(there))), without_positions(before))


@SETTINGS
@given(pairs())
def test_only_moving_steps_is_no_change(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    before, _ = pair
    moved = copy.deepcopy(before)
    for entry in moved["layout"].values():
        if isinstance(entry, dict):
            entry["x"] = entry.get("x", 0) + 100
    assert is_empty(diff_documents(before, moved))


def quadratic_renames(before: Any, after: Any) -> dict[str, str]:
    """The rule of editor/flowcore/renames.py as it was first written: every pair scored."""
    old, old_layout = _steps(before)
    new, new_layout = _steps(after)
    gone = [sid for sid in old if sid not in new]
    added = [sid for sid in new if sid not in old]
    votes: dict[tuple[str, str], int] = {}
    for sid in old.keys() & new.keys():
        was, now = _targets(old[sid][1]), _targets(new[sid][1])
        for key, target in was.items():
            moved = now.get(key)
            if moved is not None and moved != target and target in gone and moved in added:
                votes[(target, moved)] = votes.get((target, moved), 0) + 1
    scores: dict[tuple[str, str], int] = {}
    for a in gone:
        for b in added:
            (pa, sa), (pb, sb) = old[a], new[b]
            if sa.get("type") != sb.get("type"):
                continue
            score = (_body(sa) == _body(sb)) + (pa == pb) + (votes.get((a, b), 0) > 0)
            ea, eb = old_layout.get(a), new_layout.get(b)
            score += isinstance(ea, dict) and ea == eb
            if score >= 2:
                scores[(a, b)] = score
    return {
        a: b
        for (a, b), score in scores.items()
        if all(s < score for (x, y), s in scores.items() if (x == a) != (y == b))
    }


@SETTINGS
@given(pairs())
def test_rename_detection_agrees_with_scoring_every_pair(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    before, after = pair
    assert detect_renames(before, after) == quadratic_renames(before, after)
    assert detect_renames(after, before) == {b: a for a, b in detect_renames(before, after).items()}


def test_look_alike_renamed_steps_are_paired_only_by_a_third_clue() -> None:
    """Look-alike steps (same body, same layout entry) pair up only where something else tells them
    apart; scoring stays linear in their number (scoring every pair would take 9 million here)."""
    n = 3000
    olds = [{"id": f"o{i}", "type": "play", "text": "Hi"} for i in range(n)]
    news = [{"id": f"n{i}", "type": "play", "text": "Hi"} for i in range(n)]
    kept = [{"id": f"k{i}", "type": "play", "text": f"Hello {i}"} for i in range(n)]
    layout = {"x": 0, "y": 0}
    before = {"steps": olds, "layout": {step["id"]: layout for step in olds}}
    after = {"steps": news, "layout": {step["id"]: layout for step in news}}
    assert detect_renames(before, after) == {f"o{i}": f"n{i}" for i in range(n)}  # same place in the list
    before["steps"] = kept + olds  # no longer at the same places: all equally likely, none chosen
    after["steps"] = news + kept
    assert detect_renames(before, after) == {}


@st.composite
def plain_pairs(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """Well-formed flows (every step an object with an id of its own, as the editor saves them), which
    the diff reads through its bulk paths (editor/flowcore/stepindex.py), and an edit of each."""
    names = draw(st.lists(st.sampled_from([str(i) for i in range(12)] + ["a", "b", "c"]), unique=True, max_size=12))
    step_list = []
    for sid in names:
        step = draw(steps())
        step = step if isinstance(step, dict) else {}
        step["id"] = sid
        if draw(st.booleans()):
            step["next_step"] = draw(st.one_of(st.sampled_from(names or ["0"]), next_steps))
        step_list.append(step)
    layout = {sid: {"x": draw(st.integers(0, 2)), "y": 0, "label": draw(st.sampled_from(["A", "B", 1, True]))}
              for sid in names if draw(st.booleans())}  # fmt: skip
    before = {"steps": step_list, "layout": layout, "settings": {}}
    after = copy.deepcopy(before)
    renamed = {sid: "r" + sid for sid in names if draw(st.integers(0, 2)) == 0}  # many renames, as the bench makes
    for step in after["steps"]:
        target = step.get("next_step")
        if isinstance(target, str):
            step["next_step"] = renamed.get(target, target)
        elif isinstance(target, dict):
            step["next_step"] = {k: renamed.get(v, v) if isinstance(v, str) else v for k, v in target.items()}
        if step["id"] in renamed:
            step["id"] = renamed[step["id"]]
            if step["id"][1:] in after["layout"]:
                after["layout"][step["id"]] = after["layout"].pop(step["id"][1:])
    return before, draw(edited(after))


@SETTINGS
@given(plain_pairs())
def test_the_diff_of_well_formed_flows_applies_and_mirrors(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    before, after = pair
    assert is_empty(diff_documents(before, copy.deepcopy(before)))
    there, back = diff_documents(before, after), diff_documents(after, before)
    assert same_value(without_positions(apply_diff(before, there)), without_positions(after))
    assert canonical(mirror_diff(there)) == canonical(back)
    assert detect_renames(before, after) == quadratic_renames(before, after)
