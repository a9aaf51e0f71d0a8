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

import marshal
from typing import Any

from .parse import Extracted, extract, id_text
from .renames import detect_renames

StepKey = tuple[str | None, int]
POSITION_KEYS = frozenset({"x", "y"})
_MISSING = object()


def same_value(a: Any, b: Any) -> bool:
    """JSON equality: like ``==`` but ``1``, ``1.0`` and ``true`` are different values."""
    pending = [(a, b)]
    while pending:
        x, y = pending.pop()
        if x is y:
            continue
        if type(x) is not type(y):
            return False
        if isinstance(x, dict):
            if x.keys() != y.keys():
                return False
            pending.extend((x[key], y[key]) for key in x)
        elif isinstance(x, list):
            if len(x) != len(y):
                return False
            pending.extend(zip(x, y, strict=True))
        elif x != y:
            return False
    return True


def _quick_same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    if a != b:
        return False
    try:  # equal by ==; the same bytes also mean the same JSON types (marshal format 2 keeps no references)
        if marshal.dumps(a, 2) == marshal.dumps(b, 2):
            return True
    except ValueError:
        pass
    return same_value(a, b)


def step_keys(steps: list[Any]) -> list[StepKey]:
    """The key ``(id, nth)`` of each item of a step list, in order."""
    seen: dict[str | None, int] = {}
    keys: list[StepKey] = []
    for step in steps:
        sid = step.get("id") if isinstance(step, dict) else None
        if type(sid) is not str:
            sid = id_text(sid)
        nth = seen.get(sid, 0)
        seen[sid] = nth + 1
        keys.append((sid, nth))
    return keys


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


class RefRule:
    """When a step reference is unchanged: the same value, or the old id of a renamed step become its new id.

    Both sides must be text for a rename to be followed (an id written ``3`` that became ``"thanks"`` is a
    change), and a reference to a new id that was not renamed from the old one is a change. The rule is
    the same read from either side, so a diff and the diff back mirror each other.
    """

    def __init__(self, renames: dict[str, str]) -> None:
        self.renames = renames
        self.back = {new: old for old, new in renames.items()}
        self.names = renames.keys() | self.back.keys()

    def same(self, old: Any, new: Any) -> bool:
        if isinstance(old, str) and old in self.renames:
            return isinstance(new, str) and new == self.renames[old]
        if isinstance(new, str) and new in self.back:
            return False
        return same_value(old, new)

    def follow(self, step: Any) -> Any:
        """The step with its text references to renamed steps following them (as ``same`` allows)."""
        if not self.renames or not isinstance(step, dict) or "next_step" not in step:
            return step
        target, renames = step["next_step"], self.renames
        if isinstance(target, dict):
            moved: Any = {key: renames.get(ref, ref) if isinstance(ref, str) else ref for key, ref in target.items()}
        else:
            moved = renames.get(target, target) if isinstance(target, str) else target
        return {**step, "next_step": moved}

    def names_new(self, step: Any) -> bool:
        """Whether a step (of the old side) refers to an id that only a rename brought."""
        target = step.get("next_step") if isinstance(step, dict) else None
        refs = target.values() if isinstance(target, dict) else (target,)
        return any(isinstance(ref, str) and ref in self.back for ref in refs)

    def touches(self, step: Any) -> bool:
        """Whether a step names an id the renames involve (its references then need the rule)."""
        if not self.renames or not isinstance(step, dict):
            return False
        target = step.get("next_step")
        if isinstance(target, str):
            return target in self.names
        if not isinstance(target, dict):
            return False
        try:
            return not self.names.isdisjoint(target.values())
        except TypeError:  # a branch that is not a plain value: look at each one
            return any(isinstance(ref, str) and ref in self.names for ref in target.values())


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


def _wire(key: StepKey) -> list[Any]:
    return [key[0], key[1]]


def diff_documents(before: Any, after: Any) -> dict[str, Any]:
    """The difference from ``before`` to ``after`` (any accepted form; ValueError when one is not a flow)."""
    old, new = parts(before), parts(after)
    old_keys, new_keys = step_keys(old.steps), step_keys(new.steps)
    new_index = {key: index for index, key in enumerate(new_keys)}
    renames = detect_renames(before, after)
    refs = RefRule(renames)

    matched: dict[StepKey, tuple[StepKey, int]] = {}  # new key -> (old key, old index)
    removed: list[dict[str, Any]] = []
    for index, key in enumerate(old_keys):
        target = (renames[key[0]], 0) if key[1] == 0 and key[0] in renames else key
        if target in new_index:
            matched[target] = (key, index)
        else:
            removed.append({"change": "removed", "id": key[0], "nth": key[1], "position": index,
                            "step": old.steps[index]})  # fmt: skip

    entries: list[dict[str, Any]] = []
    kept_new: list[StepKey] = []
    for index, key in enumerate(new_keys):
        step = new.steps[index]
        if key not in matched:
            entries.append({"change": "added", "id": key[0], "nth": key[1], "position": index, "step": step})
            continue
        kept_new.append(key)
        old_key, old_index = matched[key]
        before_step = old.steps[old_index]
        touched = refs.touches(step)
        if not touched and _quick_same(before_step, step):
            continue
        if touched and _quick_same(refs.follow(before_step), step) and not refs.names_new(before_step):
            continue  # its references only followed renames
        fields = field_changes(before_step, step, refs=refs)
        if fields:
            entry: dict[str, Any] = {"change": "changed", "id": old_key[0], "nth": old_key[1]}
            if old_key != key:
                entry["new_id"] = key[0]
            entry["fields"] = fields
            entries.append(entry)
    entries.extend(removed)

    kept_old = [old_keys[index] for index in sorted(matched[key][1] for key in kept_new)]
    order = None
    if [matched[key][0] for key in kept_new] != kept_old:
        order = {"old": [_wire(key) for key in kept_old], "new": [_wire(key) for key in kept_new]}

    start = None
    if old_keys or new_keys:
        was = old_keys[0] if old_keys else None
        now = new_keys[0] if new_keys else None
        if was is None or now is None or matched.get(now, (None,))[0] != was:
            start = {"old": was[0] if was else None, "new": now[0] if now else None}

    layout = _layout_changes(old.layout, new.layout, renames)
    settings = field_changes(old.settings, new.settings)
    result = {"steps": entries, "layout": layout, "settings": settings, "start": start, "order": order}
    result["summary"] = _summary(result, matched)
    return result


def _layout_changes(old: dict[str, Any], new: dict[str, Any], renames: dict[str, str]) -> list[dict[str, Any]]:
    # A renamed step's entry follows it unless another entry already holds either id (orphan entries).
    moves = {a: b for a, b in renames.items() if a in old and b in new and b not in old and a not in new}
    changes: list[dict[str, Any]] = []
    matched: set[str] = set()
    for key, entry in old.items():
        target = moves.get(key, key)
        other = new.get(target, _MISSING)
        if other is _MISSING:
            changes.append({"change": "removed", "id": key, "entry": entry})
            continue
        matched.add(target)
        if target == key and _quick_same(entry, other):
            continue
        fields = field_changes(entry, other, ignore=POSITION_KEYS)
        if fields or target != key:
            change: dict[str, Any] = {"change": "changed", "id": key}
            if target != key:
                change["new_id"] = target
            change["fields"] = fields
            changes.append(change)
    changes.extend({"change": "added", "id": key, "entry": entry} for key, entry in new.items() if key not in matched)
    return changes


def _summary(diff: dict[str, Any], matched: dict[StepKey, Any]) -> dict[str, int]:
    """Counts of steps: added, removed, changed (fields, label or note), renamed; ``steps`` counts each once."""
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
        if any(field["field"] != "id" for field in entry["fields"]):
            edited.add(key)
    for entry in diff["layout"]:  # a new label or note changes how a kept step reads
        key = (entry.get("new_id", entry["id"]), 0)
        if entry["change"] == "changed" and entry["fields"] and key in matched:
            edited.add(key)
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
