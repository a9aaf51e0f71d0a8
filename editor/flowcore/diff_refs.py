"""Which step references only followed a rename (``RefRule``), for the flow diff
(editor/flowcore/diff.py) and applying one (editor/flowcore/diff_apply.py)."""

from __future__ import annotations

from collections import deque
from collections.abc import Set as AbstractSet
from itertools import compress, repeat
from operator import and_, eq, is_not, itemgetter
from typing import Any

from .jsonequal import BLOCK, exact, same_value

__all__ = ["MISSING", "RefRule"]

MISSING = object()  # a field absent on one side


def _naming(steps: list[Any], names: AbstractSet[str]) -> list[bool]:
    """Whether each step's ``next_step`` names one of ``names`` (TypeError or AttributeError when a step
    is not an object or a branch is not hashable: the caller then looks at each step on its own)."""
    targets = [step.get("next_step") for step in steps]
    return [
        target in names if type(target) is str else type(target) is dict and not names.isdisjoint(target.values())
        for target in targets
    ]


def _shared(mine: str, theirs: Any) -> Any:
    return theirs if mine == theirs else mine


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

    def followed(self, steps: list[Any], news: list[Any], renamed: list[bool]) -> list[Any]:
        """``follow`` of each step, with the id of its pair in ``news`` where ``renamed``.

        A reference that then reads as in ``news`` takes that side's object, so that both sides share
        their objects alike and one marshal of each compares them (``exact``).
        """
        renames, result = self.renames, []
        for step, now, rename in zip(steps, news, renamed, strict=True):
            if isinstance(step, dict):
                target = step.get("next_step", MISSING)
                now_target = now.get("next_step") if isinstance(now, dict) else None
                if type(target) is str:
                    moved = renames.get(target, target)
                    step = {**step, "next_step": now_target if moved == now_target else moved}
                elif type(target) is dict:
                    now_target = now_target if type(now_target) is dict else {}
                    moved = {key: _shared(renames.get(ref, ref), now_target.get(key)) if isinstance(ref, str) else ref
                             for key, ref in target.items()}  # fmt: skip
                    step = {**step, "next_step": moved}
                elif target is not MISSING:
                    step = self.follow(step)
                if rename:
                    step = {**step, "id": now["id"]}
            result.append(step)
        return result

    def settled(self, old: Any, new: Any) -> bool:
        """Whether a ``next_step`` (either may be missing) reads as ``new`` once its text references
        follow the renames, value for value as JSON, naming no id that only a rename brought (a step
        that does is looked at field by field, ``names_new``)."""
        if type(old) is str:
            return old not in self.back and self.renames.get(old, old) == new
        if type(old) is dict:
            if type(new) is not dict or old.keys() != new.keys():
                return False
            back, renames = self.back, self.renames
            for key, ref in old.items():
                if type(ref) is str:
                    if ref in back or renames.get(ref, ref) != new[key]:
                        return False
                elif not same_value(ref, new[key]):
                    return False
            return True
        if old is MISSING or new is MISSING:
            return old is new
        return same_value(old, new)

    def unchanged(self, olds: list[dict[str, Any]], news: list[dict[str, Any]], renamed: list[bool]) -> list[bool]:
        """For pairs of objects that have ids: whether each old step, given the new one's id where
        ``renamed`` and its references following the renames, is the new step, value for value as JSON
        (``followed``, ``naming_new`` and ``exact`` of it in fewer passes), a block at a time (``equal_pairs``).

        The old step's copy takes the new one's id and ``next_step`` (when those are ``settled``) and is
        compared with a copy of the new one: both copies then share their objects alike, which
        ``exact``'s one marshal per side needs (a copy shares every value with its original).
        """
        renames, back, settled_one = self.renames, self.back, self.settled
        same: list[bool] = []
        for start in range(0, len(olds), BLOCK):
            olds_block, news_block = olds[start : start + BLOCK], news[start : start + BLOCK]
            olds_next = list(map(dict.get, olds_block, repeat("next_step"), repeat(MISSING)))
            news_next = list(map(dict.get, news_block, repeat("next_step"), repeat(MISSING)))
            settled = [
                old not in back and renames.get(old, old) == new if type(old) is str else settled_one(old, new)
                for old, new in zip(olds_next, news_next, strict=True)
            ]  # the usual text reference read here, the others by ``settled``
            probes, copies = list(map(dict.copy, olds_block)), list(map(dict.copy, news_block))
            renamed_block = renamed[start : start + BLOCK]
            new_ids = map(itemgetter("id"), compress(news_block, renamed_block))
            deque(map(dict.__setitem__, compress(probes, renamed_block), repeat("id"), new_ids), 0)
            linked = list(map(and_, settled, map(is_not, olds_next, repeat(MISSING))))
            deque(map(dict.__setitem__, compress(probes, linked), repeat("next_step"), compress(news_next, linked)), 0)
            block = list(map(and_, settled, map(eq, probes, copies)))
            exact(block, probes, copies)
            same += block
        return same

    def naming_new(self, steps: list[Any]) -> list[bool]:
        """``names_new`` of each step, in one pass over their references when they are plain."""
        try:
            return _naming(steps, self.back.keys())
        except (AttributeError, TypeError):
            return [self.names_new(step) for step in steps]

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

    def touching(self, steps: list[Any]) -> list[bool]:
        """``touches`` of each step, in one pass over their references when they are plain."""
        try:
            return _naming(steps, self.names)
        except (AttributeError, TypeError):  # a step that is not an object, or an odd reference
            return [self.touches(step) for step in steps]
