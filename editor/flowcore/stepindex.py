"""Each side's step list read once, for the rename detection (renames.py) and the diff (diff.py).

A step is known by its key ``(id, nth)``: its id as text (None when it has none, or it is not an
object) and how many earlier steps have the same id. ``first`` maps each id to the place of its first
step, the one the rename detection looks at. Most flows are *plain* (every step an object with a text
id of its own): their keys and index are then built by C-level loops, which matters on flows of tens
of thousands of steps (bench/diff.py).
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from .parse import id_text

StepKey = tuple[str | None, int]


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


def _plain_ids(steps: list[Any]) -> list[str] | None:
    """The ids when every step is an object with a text id and no two share one; else None."""
    try:
        ids = list(map(itemgetter("id"), steps))
    except (KeyError, TypeError):  # a step that is not an object, or has no id
        return None
    if set(map(type, ids)) - {str}:
        return None
    return ids


class StepIndex:
    """``steps`` with the key of each: ``ids[i]`` and ``nths[i]``; ``first`` maps an id to the place of its
    first step; ``plain`` as above. ``keys`` builds the ``(id, nth)`` tuples when a caller needs them
    (a plain flow's diff does not: fewer objects for the garbage collector to follow)."""

    __slots__ = ("first", "ids", "nths", "plain", "steps")

    def __init__(self, steps: list[Any]) -> None:
        self.steps = steps
        ids = _plain_ids(steps)
        first = dict(zip(ids, range(len(ids)), strict=True)) if ids is not None else None
        if ids is not None and first is not None and len(first) == len(ids):
            self.plain = True
            self.ids: list[str | None] = ids  # type: ignore[assignment]
            self.nths = [0] * len(ids)
            self.first: dict[str, int] = first
            return
        self.plain = False
        keys = step_keys(steps)
        self.ids = [sid for sid, _ in keys]
        self.nths = [nth for _, nth in keys]
        self.first = {sid: place for place, (sid, nth) in enumerate(keys) if nth == 0 and sid is not None}

    @property
    def keys(self) -> list[StepKey]:
        return list(zip(self.ids, self.nths, strict=True))
