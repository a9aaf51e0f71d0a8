"""Finding the step ids a save renamed, so that saved scenarios can follow them.

The editor saves whole documents, so a rename shows up as an id that disappeared and another that
appeared. ``detect_renames(before, after)`` pairs them when the evidence is unambiguous. An old id
``a`` and a new id ``b`` (``a`` gone, ``b`` new) are paired when the step with id ``b`` is the same
kind of step as ``a`` and at least one of these holds:

* its fields (all but ``id`` and ``next_step``) are unchanged;
* it sits at the same place in the step list;
* its layout entry (position, label) is the one ``a`` had;
* steps present in both documents now point at ``b`` where they pointed at ``a`` (same branch key).

Each clue scores a point; a pair needs the same kind and two points, and both ids must have no other
candidate at the best score. Anything ambiguous is left alone: a scenario that names a vanished step
then fails with a clear difference, which is better than a wrong rename. Swapping two ids in one save
is not detected (no id appears or disappears); the editor cannot do that in one edit.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping
from itertools import compress
from operator import itemgetter, ne
from typing import Any

from .parse import Extracted, extract, id_text
from .stepindex import StepIndex

_IGNORED = frozenset({"id", "next_step"})
_TEXT_KEYS = frozenset({str})


def _steps(document: Any) -> tuple[dict[str, tuple[int, dict[str, Any]]], Mapping[str, Any]]:
    found = extract(document)
    if not isinstance(found, Extracted):
        return {}, {}
    steps: dict[str, tuple[int, dict[str, Any]]] = {}
    for position, step in enumerate(found.steps):
        sid = id_text(step.get("id")) if isinstance(step, dict) else None
        if sid is not None:
            steps.setdefault(sid, (position, step))
    return steps, found.layout


def _targets(step: dict[str, Any]) -> dict[str, str]:
    value = step.get("next_step")
    if isinstance(value, dict):
        found = {str(key): id_text(target) for key, target in value.items()}
        return {key: target for key, target in found.items() if target is not None}
    target = id_text(value) if value is not None else None
    return {"next": target} if target is not None else {}


def _body(step: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in step.items() if key not in _IGNORED}


def _frozen(value: Any) -> Any:
    """A hashable stand-in for a JSON value: equal values (by ``==``) give equal stand-ins."""
    if isinstance(value, dict):
        try:  # flat objects, the usual step body or layout entry: no need to look inside the values
            return frozenset(value.items())
        except TypeError:
            return frozenset((key, _frozen(item)) for key, item in value.items())
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    return value


def _same_body(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """``_body(a) == _body(b)``, in C-level steps."""
    x, y = a.copy(), b.copy()
    for key in _IGNORED:
        x.pop(key, None)
        y.pop(key, None)
    return x == y


def _by_layout(
    ids: Collection[str], first: dict[str, int], steps: list[Any], layout: Mapping[str, Any]
) -> dict[Any, list[str]]:
    """The ids that have a layout entry, grouped by their step's type and a few fields of that entry
    (equal entries fall in the same group; a group may also hold entries that differ elsewhere)."""
    placed = [sid for sid in ids if isinstance(layout.get(sid), dict)]
    groups: defaultdict[Any, list[str]] = defaultdict(list)
    try:
        for key, sid in zip([(steps[first[sid]].get("type"), len(entry := layout[sid]), entry.get("x"), entry.get("y"),
                               entry.get("label")) for sid in placed], placed, strict=True):  # fmt: skip
            groups[key].append(sid)
    except TypeError:  # a value that is not hashable: start again with stand-ins
        groups.clear()
        for sid in placed:
            groups[(_frozen(steps[first[sid]].get("type")), _frozen(layout[sid]))].append(sid)
    return groups


def detect_renames(before: Any, after: Any) -> dict[str, str]:
    """``{old id: new id}`` for the steps ``after`` renamed, when that is unambiguous."""
    old, new = extract(before), extract(after)
    if not isinstance(old, Extracted) or not isinstance(new, Extracted):
        return {}
    return match_renames(StepIndex(old.steps), StepIndex(new.steps), old.layout, new.layout)


def match_renames(
    old: StepIndex, new: StepIndex, old_layout: Mapping[str, Any], new_layout: Mapping[str, Any]
) -> dict[str, str]:
    """``detect_renames`` on step lists already indexed (diff.py shares its index).

    Near-linear: a pair needs two clues and an unchanged body is only one, so every pair worth scoring
    shares its place in the list, a reference, or its layout entry (grouped by kind and layout entry,
    then by body). A group of several same-looking steps only needs two members per id scored: any of
    them is a rival that keeps the others from winning on those two clues alone. Scoring more pairs
    than that never changes the answer, so small groups are scored whole without looking at bodies.
    """
    old_first, new_first = old.first, new.first
    gone = old_first.keys() - new_first.keys()
    added = new_first.keys() - old_first.keys()
    if not gone or not added:
        return {}
    old_steps, new_steps = old.steps, new.steps
    voted: set[tuple[str, str]] = set()
    kept = list(old_first.keys() & new_first.keys())  # steps that kept their id; the changed ones vote
    was_steps = list(map(old_steps.__getitem__, map(old_first.__getitem__, kept)))
    now_steps = list(map(new_steps.__getitem__, map(new_first.__getitem__, kept)))
    for was_step, now_step in compress(zip(was_steps, now_steps, strict=True), map(ne, was_steps, now_steps)):
        was_target, now_target = was_step.get("next_step"), now_step.get("next_step")
        if was_target == now_target:
            continue  # no reference moved: no vote
        if type(was_target) is str and type(now_target) is str:
            if was_target in gone and now_target in added:
                voted.add((was_target, now_target))
            continue
        if (
            type(was_target) is dict
            and type(now_target) is dict
            and _TEXT_KEYS >= {*map(type, was_target), *map(type, now_target)}
        ):
            votes, odd = [], False
            for key, target in was_target.items():  # text references, the usual ones: as _targets reads them
                moved = now_target.get(key)
                if moved == target:
                    continue
                if type(target) is str and type(moved) is str:
                    votes.append((target, moved))
                elif type(target) is int or type(moved) is int:
                    odd = True  # a number that _targets reads as an id
                    break
            if not odd:
                voted.update(vote for vote in votes if vote[0] in gone and vote[1] in added)
                continue
        was, now = _targets(was_step), _targets(now_step)
        for key, target in was.items():
            moved = now.get(key)
            if moved is not None and moved != target and target in gone and moved in added:
                voted.add((target, moved))
    at_position = {new_first[b]: b for b in added}
    candidates = set(voted)
    for a in gone:
        b = at_position.get(old_first[a])
        if b is not None:
            candidates.add((a, b))
    old_groups = _by_layout(gone, old_first, old_steps, old_layout)
    new_groups = _by_layout(added, new_first, new_steps, new_layout)
    for key in old_groups.keys() & new_groups.keys():
        olds, news = old_groups[key], new_groups[key]
        if len(olds) == 1 and len(news) == 1:
            candidates.add((olds[0], news[0]))
        elif len(olds) <= 2 or len(news) <= 2:
            candidates.update((a, b) for a in olds for b in news)
        else:  # many look-alikes: by body and whole layout entry, two of each side per id are enough
            by_body: dict[Any, tuple[list[str], list[str]]] = {}
            for side, ids, first, steps, layout in ((0, olds, old_first, old_steps, old_layout),
                                                    (1, news, new_first, new_steps, new_layout)):  # fmt: skip
                for sid in ids:
                    body = (_frozen(_body(steps[first[sid]])), _frozen(layout[sid]))
                    by_body.setdefault(body, ([], []))[side].append(sid)
            for body_olds, body_news in by_body.values():
                for a in body_olds:
                    candidates.update((a, b) for b in body_news[:2])
                for b in body_news:
                    candidates.update((a, b) for a in body_olds[:2])

    # A pair that shares neither id with another candidate has no rival: two clues make it a rename,
    # whatever its exact score. The others are scored in full and compared with their rivals.
    pairs = list(candidates)
    per_old, per_new = Counter(map(itemgetter(0), pairs)), Counter(map(itemgetter(1), pairs))
    renames: dict[str, str] = {}
    scores: dict[tuple[str, str], int] = {}
    for a, b in pairs:
        position_a, position_b = old_first[a], new_first[b]
        step_a, step_b = old_steps[position_a], new_steps[position_b]
        if step_a.get("type") != step_b.get("type"):
            continue
        score = (position_a == position_b) + ((a, b) in voted)
        entry_a = old_layout.get(a)
        score += isinstance(entry_a, dict) and entry_a == new_layout.get(b)
        alone = per_old[a] == 1 and per_new[b] == 1
        if score < 2 or not alone:
            score += _same_body(step_a, step_b)
        if score >= 2:
            if alone:
                renames[a] = b
            else:
                scores[(a, b)] = score
    # The two best (score, partner) of each id: enough to find the best rival of any pair.
    best: dict[tuple[int, str], list[tuple[int, str]]] = {}
    for (a, b), score in scores.items():
        for mine, partner in (((0, a), b), ((1, b), a)):
            top = best.get(mine)
            if top is None:
                best[mine] = [(score, partner)]
            else:
                top.append((score, partner))
                top.sort(reverse=True)
                del top[2:]
    for (a, b), score in scores.items():
        rivals = [s for s, partner in best[(0, a)] if partner != b] + [s for s, partner in best[(1, b)] if partner != a]
        if all(rival < score for rival in rivals):
            renames[a] = b
    return renames


def rename_in_scenario(scenario: Mapping[str, Any], renames: Mapping[str, str]) -> dict[str, Any] | None:
    """The scenario's ``inputs`` and ``expectations`` with renamed ids, or None when it names none of them."""
    inputs = scenario.get("inputs") or {}
    expectations = scenario.get("expectations") or {}
    changed = False

    def new(sid: Any) -> Any:
        nonlocal changed
        if isinstance(sid, str) and sid in renames:
            changed = True
            return renames[sid]
        return sid

    new_inputs = (
        {
            kind: {new(sid): values for sid, values in per_step.items()} if isinstance(per_step, dict) else per_step
            for kind, per_step in inputs.items()
        }
        if isinstance(inputs, dict)
        else inputs
    )
    new_expectations = dict(expectations) if isinstance(expectations, dict) else expectations
    if isinstance(new_expectations, dict):
        if isinstance(new_expectations.get("steps"), list):
            new_expectations["steps"] = [new(sid) for sid in new_expectations["steps"]]
        if "ends_at" in new_expectations:
            new_expectations["ends_at"] = new(new_expectations["ends_at"])
    if not changed:
        return None
    return {"inputs": new_inputs, "expectations": new_expectations}
