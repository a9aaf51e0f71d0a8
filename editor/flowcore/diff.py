"""What changed between two flow documents: steps added, removed and changed, field by field.

``diff_documents(before, after)`` answers a plain JSON object (its shape is described for the API in
editor/flows/api/diff.py)::

    {"steps":    [entry, ...],        # in the order of ``after``, then the removed steps
     "layout":   [entry, ...],        # labels and notes; canvas positions are not changes
     "settings": [field change, ...],
     "start":    {"old": id, "new": id} or None,
     "order":    {"old": [key, ...], "new": [key, ...]} or None,
     "summary":  {"added", "removed", "changed", "renamed", "steps"}}

A step is known by its key ``(id, nth)``: its id as text (None when it has none, or it is not an
object) and how many earlier steps have the same id, so broken flows with repeated or missing ids
still diff exactly. A step entry is ``{"change": "added" | "removed", "id", "nth", "position",
"step"}`` (``position`` is its index on its own side) or ``{"change": "changed", "id", "nth",
["new_id",] "fields": [...]}``. A field change is ``{"field", ["branch",] ["old",] ["new"]}``: a
missing ``old`` or ``new`` means the field was absent on that side; ``branch`` names one way out of a
branching ``next_step`` ("success", "1", "*"); ``field`` None replaces a whole step (or layout entry)
that is not an object. Renamed steps are found by editor/flowcore/renames.py and carry ``new_id`` and
a change of their ``id`` field; a reference that only followed a rename is not a change (``RefRule``).

The order of the steps counts only through the start (the first step) for a call, but the diff keeps
it exactly: ``order`` lists the steps present on both sides when their relative order differs, so
``apply_diff`` (editor/flowcore/diff_apply.py) rebuilds ``after`` from ``before``. Layout entries lose
only their canvas position (``x``, ``y``) there: a step that only moved is not a change.

Linear passes over both documents; values are compared by JSON type and value (``1``, ``1.0`` and
``true`` differ), with a C-level fast path for the steps that did not change.
"""

from __future__ import annotations

import gc
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain, compress, repeat
from operator import and_, eq, is_, ne, not_
from typing import Any

from .diff_refs import MISSING as _MISSING
from .diff_refs import RefRule
from .jsonequal import equal_pairs, exact, exact_entries, same_value
from .parse import Extracted, extract
from .renames import match_renames
from .stepindex import StepIndex, StepKey, step_keys

__all__ = ["RefRule", "StepKey", "diff_documents", "field_changes", "is_empty", "parts", "same_value",
           "step_keys", "summary_line"]  # fmt: skip

POSITION_KEYS = frozenset({"x", "y"})


def parts(document: Any) -> Extracted:
    found = extract(document)
    if not isinstance(found, Extracted):
        raise ValueError(found["message"])
    return found


def _change(field: str | None, old: Any, new: Any, branch: str | None = None) -> dict[str, Any]:
    change: dict[str, Any] = {"field": field}
    if branch is not None:
        change["branch"] = branch
    if old is not _MISSING:
        change["old"] = old
    if new is not _MISSING:
        change["new"] = new
    return change


_PLAIN = RefRule({})


def field_changes(
    old: Any, new: Any, *, ignore: frozenset[str] = frozenset(), refs: RefRule = _PLAIN
) -> list[dict[str, Any]]:
    """Field changes from one object to another; a whole-value change when either is not an object.

    ``next_step`` (its branches one by one) is compared with ``refs``, so references that only followed
    a rename are not changes.
    """
    if not isinstance(old, dict) or not isinstance(new, dict):
        return [] if same_value(old, new) else [_change(None, old, new)]
    changes: list[dict[str, Any]] = []
    for key, value in old.items():
        if key in ignore:
            continue
        other = new.get(key, _MISSING)
        if other is _MISSING:
            changes.append(_change(key, value, _MISSING))
        elif key == "next_step" and isinstance(value, dict) and isinstance(other, dict):
            for branch in {**value, **other}:
                was, now = value.get(branch, _MISSING), other.get(branch, _MISSING)
                if was is _MISSING or now is _MISSING or not refs.same(was, now):
                    changes.append(_change(key, was, now, branch=branch))
        elif refs.same(value, other) if key == "next_step" else same_value(value, other):
            continue
        else:
            changes.append(_change(key, value, other))
    changes.extend(_change(key, _MISSING, value) for key, value in new.items() if key not in old and key not in ignore)
    return changes


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while diffing: the diff makes no reference cycles, but the tens of
    thousands of tuples, lists and entries it keeps for a moment on a big flow set off collections that
    walk both documents again and again (a third of the time on 10,000 steps, bench/README.md). Only
    the call that paused it starts it again, so nested or concurrent calls leave it as they found it."""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def diff_documents(before: Any, after: Any) -> dict[str, Any]:
    """The difference from ``before`` to ``after`` (any accepted form; ValueError when one is not a flow)."""
    with _collector_paused():
        return _diff(before, after)


def _diff(before: Any, after: Any) -> dict[str, Any]:
    old, new = parts(before), parts(after)
    old_index, new_index = StepIndex(old.steps), StepIndex(new.steps)
    same_places = equal_pairs(old.steps, new.steps) if len(old.steps) == len(new.steps) else None
    renames = match_renames(old_index, new_index, old.layout, new.layout, same_places)
    pairs = _Pairs(old_index, new_index, renames)
    entries = _step_entries(pairs, old_index, new_index, RefRule(renames), same_places)

    order = None
    kept_old = pairs.olds if pairs.aligned else sorted(pairs.olds)
    if not pairs.aligned and pairs.olds != kept_old:
        order = {"old": [[old_index.ids[i], old_index.nths[i]] for i in kept_old],
                 "new": [[new_index.ids[j], new_index.nths[j]] for j in pairs.news]}  # fmt: skip
    start = None
    if old.steps or new.steps:
        if not old.steps or not new.steps or pairs.old_of(0) != 0:
            start = {"old": old_index.ids[0] if old.steps else None,
                     "new": new_index.ids[0] if new.steps else None}  # fmt: skip

    layout = _layout_changes(old.layout, new.layout, renames)
    settings = field_changes(old.settings, new.settings)
    result = {"steps": entries, "layout": layout, "settings": settings, "start": start, "order": order}
    result["summary"] = _summary(result, pairs.kept_ids(new_index), pairs.kept_old_ids(old_index), renames)
    return result


class _Pairs:
    """Which step of ``before`` each step of ``after`` is (its key, or the key a rename gave it).

    ``olds[p]`` and ``news[p]`` are the places of the p-th matched pair on each side, in the order of
    ``after``; ``added`` and ``removed`` the places of the others. When every step kept its place (the
    usual save, renames included) this is known from one comparison of the key lists.
    """

    def __init__(self, old: StepIndex, new: StepIndex, renames: dict[str, str]) -> None:
        ids = old.ids
        if renames:  # only the first step of an id can be renamed
            ids = (
                list(map(renames.get, ids, ids))
                if old.plain
                else [renames.get(sid, sid) if nth == 0 else sid for sid, nth in zip(ids, old.nths, strict=True)]
            )  # type: ignore[arg-type]
        self.aligned = ids == new.ids and old.nths == new.nths
        if self.aligned:
            self.olds = self.news = range(len(ids))
            self.added: list[int] = []
            self.removed: list[int] = []
            return
        at = dict(zip(zip(new.ids, new.nths, strict=True), range(len(new.ids)), strict=True))
        where = list(map(at.get, zip(ids, old.nths, strict=True)))
        self.removed = [i for i, j in enumerate(where) if j is None]
        self._old_of: list[int | None] = [None] * len(new.ids)
        for i, j in enumerate(where):
            if j is not None:
                self._old_of[j] = i
        self.news = [j for j, i in enumerate(self._old_of) if i is not None]
        self.olds = [self._old_of[j] for j in self.news]
        self.added = [j for j, i in enumerate(self._old_of) if i is None]

    def old_of(self, place: int) -> int | None:
        return place if self.aligned else self._old_of[place]

    def kept_ids(self, new: StepIndex) -> Collection[str]:
        """The ids of the kept steps of ``after`` that are the first of their id."""
        return self._first_ids(new, self.news)

    def kept_old_ids(self, old: StepIndex) -> Collection[str]:
        """The ids of the kept steps of ``before`` that are the first of their id."""
        return self._first_ids(old, self.olds)  # type: ignore[arg-type]

    def _first_ids(self, index: StepIndex, places: Sequence[int]) -> Collection[str]:
        if self.aligned:
            return index.first.keys()
        return {index.ids[p] for p in places if index.nths[p] == 0}  # type: ignore[misc]


def _step_entries(
    pairs: _Pairs, old: StepIndex, new: StepIndex, refs: RefRule, same_places: list[bool] | None
) -> list[dict[str, Any]]:
    """The step entries: added and changed in the order of ``after``, then the removed.

    The pairs are compared in bulk (C-level ``==``, one marshal per side for the JSON types); a step
    whose references name a renamed id, or that was renamed, is compared again with its references
    (and id) following the renames, in bulk too; only the steps left are compared field by field.
    """
    if pairs.aligned:
        olds, news = old.steps, new.steps
        old_ids, new_ids, old_nths = old.ids, new.ids, old.nths
    else:
        olds = [old.steps[i] for i in pairs.olds]
        news = [new.steps[j] for j in pairs.news]
        old_ids = [old.ids[i] for i in pairs.olds]  # type: ignore[index]
        new_ids = [new.ids[j] for j in pairs.news]
        old_nths = [old.nths[i] for i in pairs.olds]  # type: ignore[index]
    same = list(same_places) if pairs.aligned and same_places is not None else equal_pairs(olds, news)
    fields_at: dict[int, list[dict[str, Any]]] = {}
    if refs.renames:
        renamed = list(map(ne, old_ids, new_ids))
        # The pairs that differ, and those equal as they stand that name an id a rename involves (a
        # change: ``touches``); a renamed pair differs by its id.
        kept = list(compress(range(len(same)), same))
        touched = compress(kept, refs.touching([news[p] for p in kept]))
        again = sorted(chain(compress(range(len(same)), map(not_, same)), touched))
        olds_again, news_again = [olds[p] for p in again], [news[p] for p in again]
        renamed_again = [renamed[p] for p in again]
        if old.plain and new.plain:
            same_again = refs.unchanged(olds_again, news_again, renamed_again)
        else:
            followed = refs.followed(olds_again, news_again, renamed_again)
            same_again = list(map(and_, map(eq, followed, news_again), map(not_, refs.naming_new(olds_again))))
            exact(same_again, followed, news_again)
        for p, ok in zip(again, same_again, strict=True):
            same[p] = ok  # its references (and id) only followed renames
            if ok and renamed[p]:
                fields_at[p] = [_change("id", olds[p]["id"], news[p]["id"])]
    for p in compress(range(len(same)), map(eq, same, repeat(False))):
        fields_at[p] = field_changes(olds[p], news[p], refs=refs)

    at: dict[int, dict[str, Any]] = {}
    for p, fields in fields_at.items():
        if fields:
            entry: dict[str, Any] = {"change": "changed", "id": old_ids[p], "nth": old_nths[p]}
            if old_ids[p] != new_ids[p]:
                entry["new_id"] = new_ids[p]
            entry["fields"] = fields
            at[pairs.news[p]] = entry
    for j in pairs.added:
        at[j] = {"change": "added", "id": new.ids[j], "nth": new.nths[j], "position": j, "step": new.steps[j]}
    entries = [at[j] for j in sorted(at)]
    entries.extend({"change": "removed", "id": old.ids[i], "nth": old.nths[i], "position": i,
                    "step": old.steps[i]} for i in pairs.removed)  # fmt: skip
    return entries


def _layout_changes(old: dict[str, Any], new: dict[str, Any], renames: dict[str, str]) -> list[dict[str, Any]]:
    # A renamed step's entry follows it unless another entry already holds either id (orphan entries).
    moves = {a: b for a, b in renames.items() if a in old and b in new and b not in old and a not in new}
    keys = list(old)
    targets = list(map(moves.get, keys, keys)) if moves else keys
    entries = list(old.values())
    others = list(map(new.get, targets, repeat(_MISSING)))
    same = list(map(eq, entries, others))
    exact_entries(same, entries, others)
    changes: list[dict[str, Any]] = []
    found = len(keys) - others.count(_MISSING)
    quiet = map(and_, same, map(is_, targets, keys))  # unchanged and not moved to another id: nothing to say
    for place in compress(range(len(keys)), map(not_, quiet)):
        key, target, entry, other = keys[place], targets[place], entries[place], others[place]
        if other is _MISSING:
            changes.append({"change": "removed", "id": key, "entry": entry})
            continue
        if same[place]:  # not quiet, so moved to the renamed step's id
            changes.append({"change": "changed", "id": key, "new_id": target, "fields": []})
            continue
        fields = field_changes(entry, other, ignore=POSITION_KEYS)
        if fields or target != key:
            change: dict[str, Any] = {"change": "changed", "id": key}
            if target != key:
                change["new_id"] = target
            change["fields"] = fields
            changes.append(change)
    if found < len(new):
        matched = {target for target, other in zip(targets, others, strict=True) if other is not _MISSING}
        changes.extend(
            {"change": "added", "id": key, "entry": entry} for key, entry in new.items() if key not in matched
        )
    return changes


def _summary(
    diff: dict[str, Any], kept_ids: Collection[str], kept_old_ids: Collection[str], renames: dict[str, str]
) -> dict[str, int]:
    """Counts of steps: added, removed, changed (fields, label or note), renamed; ``steps`` counts each once.

    A changed layout entry changes how a kept step reads when it is that step's entry on either side:
    a renamed step may leave its old entry behind, held by no step afterwards (the diff back then
    finds it on its own new side, and both directions count the step)."""
    counts = {"added": 0, "removed": 0, "changed": 0, "renamed": 0}
    edited: set[Any] = set()
    renamed: set[Any] = set()
    for entry in diff["steps"]:
        if entry["change"] != "changed":
            counts[entry["change"]] += 1
            continue
        key = (entry.get("new_id", entry["id"]), entry["nth"])
        if "new_id" in entry:
            renamed.add(key)
        fields = entry["fields"]
        if len(fields) > 1 or fields[0]["field"] != "id":  # more than its id (a changed entry has fields)
            edited.add(key)
    for entry in diff["layout"]:  # a new label or note changes how a kept step reads
        if entry["change"] != "changed" or not entry["fields"]:
            continue
        sid = entry.get("new_id", entry["id"])
        if sid in kept_ids:
            edited.add((sid, 0))
        elif entry["id"] in kept_old_ids:  # the step's entry before; it is known by its new id
            edited.add((renames.get(entry["id"], entry["id"]), 0))
    counts["changed"], counts["renamed"] = len(edited), len(renamed)
    counts["steps"] = counts["added"] + counts["removed"] + len(edited | renamed)
    return counts


def is_empty(diff: dict[str, Any]) -> bool:
    return not (diff["steps"] or diff["layout"] or diff["settings"] or diff["order"])


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def summary_line(diff: dict[str, Any]) -> str:
    """One line for lists: "+2 steps, 1 changed", or "No changes"."""
    summary = diff["summary"]
    words = []
    if summary["added"]:
        words.append("+" + _plural(summary["added"], "step"))
    if summary["removed"]:
        words.append("-" + _plural(summary["removed"], "step"))
    if summary["changed"]:
        words.append(f"{summary['changed']} changed")
    if summary["renamed"]:
        words.append(f"{summary['renamed']} renamed")
    start = diff["start"]
    if start is not None and start["old"] is not None and start["new"] is not None:
        words.append("new first step")
    if diff["settings"]:
        words.append("settings changed")
    if not words:
        return "No changes" if is_empty(diff) else "Only the layout changed"
    return ", ".join(words)
