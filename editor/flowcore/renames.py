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
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from itertools import compress, repeat
from operator import add, and_, eq, is_not, itemgetter, le, ne, not_
from typing import Any

from .parse import Extracted, extract, id_text
from .stepindex import StepIndex

_IGNORED = frozenset({"id", "next_step"})


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


def _layout_keys(ids: list[str], layout: Mapping[str, Any]) -> tuple[list[str], list[Any]]:
    """The ids that have a layout entry, and a key for each: the entry's place and label (equal for
    equal entries; entries that differ elsewhere, or whose steps differ in type, may share one)."""
    entries = list(map(layout.get, ids))
    placed = list(map(isinstance, entries, repeat(dict)))
    ids, entries = list(compress(ids, placed)), list(compress(entries, placed))
    return ids, list(zip(*(map(dict.get, entries, repeat(name)) for name in ("x", "y", "label")), strict=True))


def _layout_pairs(
    gone: list[str], added: list[str], old: StepIndex, new: StepIndex, old_layout: Mapping[str, Any],
    new_layout: Mapping[str, Any],
) -> set[tuple[str, str]] | Iterable[tuple[str, str]]:  # fmt: skip
    """The pairs worth scoring among steps with the same layout entry (the scoring checks their types)."""
    old_ids, old_keys = _layout_keys(gone, old_layout)
    new_ids, new_keys = _layout_keys(added, new_layout)
    try:
        old_one, new_one = dict(zip(old_keys, old_ids, strict=True)), dict(zip(new_keys, new_ids, strict=True))
    except TypeError:  # a value that is not hashable: stand-ins
        old_keys = [tuple(map(_frozen, key)) for key in old_keys]
        new_keys = [tuple(map(_frozen, key)) for key in new_keys]
        old_one, new_one = dict(zip(old_keys, old_ids, strict=True)), dict(zip(new_keys, new_ids, strict=True))
    if len(old_one) == len(old_ids) and len(new_one) == len(new_ids):  # no two entries alike on a side
        partners = list(map(new_one.get, old_one))
        return compress(zip(old_one.values(), partners, strict=True), map(is_not, partners, repeat(None)))
    old_groups: defaultdict[Any, list[str]] = defaultdict(list)
    new_groups: defaultdict[Any, list[str]] = defaultdict(list)
    for groups, keys, ids in ((old_groups, old_keys, old_ids), (new_groups, new_keys, new_ids)):
        for key, sid in zip(keys, ids, strict=True):
            groups[key].append(sid)
    pairs: set[tuple[str, str]] = set()
    for key in old_groups.keys() & new_groups.keys():
        olds, news = old_groups[key], new_groups[key]
        if len(olds) <= 2 or len(news) <= 2:
            pairs.update((a, b) for a in olds for b in news)
            continue
        # many look-alikes: by body and whole entry, two of each side per id are enough
        by_body: dict[Any, tuple[list[str], list[str]]] = {}
        for side, ids, index, layout in ((0, olds, old, old_layout), (1, news, new, new_layout)):
            for sid in ids:
                body = (_frozen(_body(index.steps[index.first[sid]])), _frozen(layout[sid]))
                by_body.setdefault(body, ([], []))[side].append(sid)
        for body_olds, body_news in by_body.values():
            for a in body_olds:
                pairs.update((a, b) for b in body_news[:2])
            for b in body_news:
                pairs.update((a, b) for a in body_olds[:2])
    return pairs


def _votes(was_steps: list[Any], now_steps: list[Any], gone: AbstractSet[str], added: AbstractSet[str]) -> set[Any]:
    """``(old id, new id)`` for each reference of a kept step that went from a gone id to an added one."""
    was_targets = list(map(dict.get, was_steps, repeat("next_step")))  # kept steps: objects with ids
    now_targets = list(map(dict.get, now_steps, repeat("next_step")))
    voted = {
        (was, now)
        for was, now in zip(was_targets, now_targets, strict=True)
        if type(was) is str and type(now) is str and was != now and was in gone and now in added
    }
    for place, (was_target, now_target) in enumerate(zip(was_targets, now_targets, strict=True)):
        if was_target == now_target or (type(was_target) is str and type(now_target) is str):
            continue  # no reference moved, or counted above
        if type(was_target) is dict and type(now_target) is dict:
            votes, odd = [], False
            for key, target in was_target.items():  # text references (and keys, as JSON has them): as _targets
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
        was, now = _targets(was_steps[place]), _targets(now_steps[place])
        for key, target in was.items():
            moved = now.get(key)
            if moved is not None and moved != target and target in gone and moved in added:
                voted.add((target, moved))
    return voted


def detect_renames(before: Any, after: Any) -> dict[str, str]:
    """``{old id: new id}`` for the steps ``after`` renamed, when that is unambiguous."""
    old, new = extract(before), extract(after)
    if not isinstance(old, Extracted) or not isinstance(new, Extracted):
        return {}
    return match_renames(StepIndex(old.steps), StepIndex(new.steps), old.layout, new.layout)


def _changed_kept(
    old: StepIndex, new: StepIndex, kept: int, same_places: list[bool] | None
) -> tuple[list[Any], list[Any]]:
    """The steps (old side, new side) that kept their id but changed: the ones whose references vote."""
    if same_places is not None and old.plain and new.plain:
        ids_same = list(map(eq, old.ids, new.ids))
        if ids_same.count(True) == kept:  # every kept step is at its place: read them by place
            voters = list(map(and_, ids_same, map(not_, same_places)))
            return list(compress(old.steps, voters)), list(compress(new.steps, voters))
    old_first, new_first = old.first, new.first
    ids = list(old_first.keys() & new_first.keys())
    was_steps = list(map(old.steps.__getitem__, map(old_first.__getitem__, ids)))
    now_steps = list(map(new.steps.__getitem__, map(new_first.__getitem__, ids)))
    changed = list(map(ne, was_steps, now_steps))
    return list(compress(was_steps, changed)), list(compress(now_steps, changed))


def _alone_renames(
    pairs: list[tuple[str, str]],
    old: StepIndex,
    new: StepIndex,
    old_layout: Mapping[str, Any],
    new_layout: Mapping[str, Any],
    voted: set[Any],
) -> dict[str, str]:
    """The renames among pairs that have no rival: same type and two clues (C-level passes; the
    bodies are compared only for the pairs that have one clue besides them)."""
    if not pairs:
        return {}
    olds_of, news_of = zip(*pairs, strict=True)
    places_a = list(map(old.first.__getitem__, olds_of))
    places_b = list(map(new.first.__getitem__, news_of))
    steps_a = list(map(old.steps.__getitem__, places_a))
    steps_b = list(map(new.steps.__getitem__, places_b))
    typed = list(map(eq, map(dict.get, steps_a, repeat("type")), map(dict.get, steps_b, repeat("type"))))
    entries_a = list(map(old_layout.get, olds_of))
    same_entry = map(and_, map(isinstance, entries_a, repeat(dict)), map(eq, entries_a, map(new_layout.get, news_of)))
    clues = list(map(add, map(add, map(eq, places_a, places_b), map(voted.__contains__, pairs)), same_entry))
    renames = dict(compress(pairs, map(and_, typed, map(le, repeat(2), clues))))
    for place in compress(range(len(pairs)), map(and_, typed, map(eq, clues, repeat(1)))):
        if _same_body(steps_a[place], steps_b[place]):
            renames[olds_of[place]] = news_of[place]
    return renames


def match_renames(
    old: StepIndex,
    new: StepIndex,
    old_layout: Mapping[str, Any],
    new_layout: Mapping[str, Any],
    same_places: list[bool] | None = None,
) -> dict[str, str]:
    """``detect_renames`` on step lists already indexed (diff.py shares its index, and ``same_places``:
    whether the steps at each place are equal, when both lists have the same length).

    Near-linear: a pair needs two clues and an unchanged body is only one, so every pair worth scoring
    shares its place in the list, a reference, or its layout entry (grouped by kind and layout entry,
    then by body). A group of several same-looking steps only needs two members per id scored: any of
    them is a rival that keeps the others from winning on those two clues alone. Scoring more pairs
    than that never changes the answer, so small groups are scored whole without looking at bodies.
    """
    old_first, new_first = old.first, new.first
    gone_list = list(compress(old_first, map(not_, map(new_first.__contains__, old_first))))  # in their order
    added_list = list(compress(new_first, map(not_, map(old_first.__contains__, new_first))))
    if not gone_list or not added_list:
        return {}
    gone, added = set(gone_list), set(added_list)
    old_steps, new_steps = old.steps, new.steps
    voted = _votes(*_changed_kept(old, new, len(old_first) - len(gone), same_places), gone, added)
    at_position = dict(zip(map(new_first.__getitem__, added_list), added_list, strict=True))
    partners = list(map(at_position.get, map(old_first.__getitem__, gone_list)))
    candidates = set(voted)
    candidates.update(compress(zip(gone_list, partners, strict=True), partners))
    candidates.update(_layout_pairs(gone_list, added_list, old, new, old_layout, new_layout))

    # A pair that shares neither id with another candidate has no rival: two clues make it a rename,
    # whatever its exact score (read in bulk). The others are scored in full and compared with their rivals.
    pairs = list(candidates)
    olds_of, news_of = list(map(itemgetter(0), pairs)), list(map(itemgetter(1), pairs))
    per_old, per_new = Counter(olds_of), Counter(news_of)
    alone = list(map(and_, map(eq, map(per_old.__getitem__, olds_of), repeat(1)),
                     map(eq, map(per_new.__getitem__, news_of), repeat(1))))  # fmt: skip
    renames = _alone_renames(list(compress(pairs, alone)), old, new, old_layout, new_layout, voted)
    scores: dict[tuple[str, str], int] = {}
    for a, b in compress(pairs, map(not_, alone)):
        position_a, position_b = old_first[a], new_first[b]
        step_a, step_b = old_steps[position_a], new_steps[position_b]
        if step_a.get("type") != step_b.get("type"):
            continue
        score = (position_a == position_b) + ((a, b) in voted) + _same_body(step_a, step_b)
        entry_a = old_layout.get(a)
        score += isinstance(entry_a, dict) and entry_a == new_layout.get(b)
        if score >= 2:
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
