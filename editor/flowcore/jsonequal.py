"""Equality of JSON values as JSON (``1``, ``1.0`` and ``true`` differ), in bulk for the flow diff
(editor/flowcore/diff.py): ``==`` on pairs, then one marshal of each side's equal pairs.

Marshal format 4 is the fastest but marks objects met more than once (and any object that something
else also holds), so its bytes are only equal for two sides that share their objects alike: two
documents read from JSON, or copies of one another. When the bytes differ, the pairs are looked at
one by one, which is exact but slow.
"""

from __future__ import annotations

import marshal
from itertools import chain, compress, repeat
from operator import and_, eq, not_
from typing import Any

__all__ = ["BLOCK", "equal_pairs", "exact", "exact_entries", "same_value"]

_PLACED = frozenset({"x", "y", "label"})  # the keys of an editor's layout entry
_TEXT_OR_NONE = frozenset({str, type(None)})


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


def exact(same: list[bool], olds: list[Any], news: list[Any], version: int = 4) -> None:
    """Clear the flags of the pairs equal by ``==`` but not as JSON (``1``, ``1.0``, ``true``).

    One marshal of each side's equal values (C-level): equal bytes mean equal JSON types and values.
    Format 4 is the fastest but marks objects met more than once, so it is used where both sides share
    their objects alike (two documents read from JSON, or copies of one another); format 2 marks
    nothing. When the bytes differ, the pairs are looked at one by one.
    """
    try:
        if marshal.dumps(list(compress(olds, same)), version) == marshal.dumps(list(compress(news, same)), version):
            return
    except ValueError:
        pass
    for place in list(compress(range(len(same)), same)):
        if not _quick_same(olds[place], news[place]):
            same[place] = False


BLOCK = 256  # pairs compared together: their steps stay in the processor's cache between passes


def equal_pairs(olds: list[Any], news: list[Any]) -> list[bool]:
    """Whether each pair is equal as JSON: ``==``, then ``exact`` of the pairs found equal, a block of
    pairs at a time, so that marshal reads steps that ``==`` has just read (two documents of 10,000
    steps do not fit in the cache: read whole, each pass over them reads them from memory again)."""
    same: list[bool] = []
    for start in range(0, len(olds), BLOCK):
        olds_block, news_block = olds[start : start + BLOCK], news[start : start + BLOCK]
        block = list(map(eq, olds_block, news_block))
        exact(block, olds_block, news_block)
        same += block
    return same


def exact_entries(same: list[bool], olds: list[Any], news: list[Any]) -> None:
    """``exact`` for layout entries, whose canvas positions are not compared.

    A pair equal by ``==`` has the same keys, and a label equal to a text is a text: so when the old
    side's entries have no key but ``x``, ``y`` and ``label`` and their labels are text (or absent),
    every pair equal by ``==`` is equal as JSON whatever the types of ``x`` and ``y``. That is read in
    two C-level passes over the old side; otherwise only the entries that are not like that are
    marshalled.
    """
    try:
        label_types = set(map(type, map(dict.get, olds, repeat("label"))))
        if label_types <= _TEXT_OR_NONE and set(chain.from_iterable(olds)) <= _PLACED:
            return
        labels = map(dict.get, olds, repeat("label"))
        plain = list(map(and_, map(_PLACED.issuperset, olds), map(_TEXT_OR_NONE.__contains__, map(type, labels))))
    except TypeError:  # an entry that is not an object
        exact(same, olds, news)
        return
    odd = list(compress(range(len(same)), map(and_, same, map(not_, plain))))
    if odd:
        checked = [True] * len(odd)
        exact(checked, [olds[place] for place in odd], [news[place] for place in odd])
        for place, ok in zip(odd, checked, strict=True):
            same[place] = ok
