"""The ``{{…}}`` placeholders: finding them, checking them and filling them in.

Two kinds exist:

* ``{{name}}`` is a run-time variable that a digits step sets and Samespace fills in during the call;
* ``{{contact.field}}`` is a contact variable that FlowStudio fills in at launch from the contact row.

Spaces just inside the braces are tolerated (``{{ name }}``). Anything else between double braces
(``{{a.b}}``, ``{{ }}``) is not a placeholder FlowStudio knows, so it is left alone and not checked.

Every walk over nested values here uses an explicit stack: step fields may nest arbitrarily deep and a
validator must not die on a deep value (no recursion anywhere in the flow core).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

NAME_PATTERN = r"[A-Za-z_][A-Za-z0-9_]*"
CONTACT_FIELD_PATTERN = r"[A-Za-z0-9_]+"
# The reserved prefix of contact variables; a digits step may not use it as its variable name.
CONTACT = "contact"

# {{name}}: a run-time variable. It does not match {{contact.x}} (the "." stops the name).
RUNTIME_RE = re.compile(r"\{\{\s*(" + NAME_PATTERN + r")\s*\}\}")
# {{contact.field}}: a contact variable.
CONTACT_RE = re.compile(r"\{\{\s*contact\.(" + CONTACT_FIELD_PATTERN + r")\s*\}\}")
# Either kind, for checks that only need "is there a placeholder here".
PLACEHOLDER_PATTERN = r"\{\{\s*(?:" + NAME_PATTERN + r"|contact\." + CONTACT_FIELD_PATTERN + r")\s*\}\}"
PLACEHOLDER_RE = re.compile(PLACEHOLDER_PATTERN)

# Step fields that hold ids, not text: never scanned for variables and never rendered.
REFERENCE_FIELDS = frozenset({"id", "next_step"})

_Container = dict[Any, Any] | list[Any]


def contact_fields(text: str) -> list[str]:
    """Names x of the ``{{contact.x}}`` used in ``text``, in order, with repeats."""
    return CONTACT_RE.findall(text) if "{{" in text else []


# A dotted path built lazily: (parent, segment), or a plain string at the top. Building every path as
# a string would cost time quadratic in the nesting depth; only the paths of strings that matter
# are ever joined (``path_text``).
Path = tuple[Any, str] | str


def path_text(path: Path) -> str:
    """The dotted form of a lazy path, without recursion."""
    parts: list[str] = []
    while isinstance(path, tuple):
        path, segment = path
        parts.append(segment)
    parts.append(path)
    parts.reverse()
    return ".".join(parts)


def iter_strings(value: Any, path: Path) -> Iterator[tuple[Path, str]]:
    """Yield ``(lazy path, string)`` for every string inside ``value``, depth first, without recursion.

    List items get their index as the path segment (``headers.0``); join a path with ``path_text``.
    A container met twice (shared or cyclic references, which JSON cannot produce but Python callers
    can) is walked once.
    """
    stack: list[tuple[Path, Any]] = [(path, value)]
    seen: set[int] = set()
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            yield where, item
            continue
        if isinstance(item, dict):
            pairs: Iterator[tuple[Any, Any]] = iter(item.items())
        elif isinstance(item, list):
            pairs = enumerate(item)
        else:
            continue
        if id(item) in seen:
            continue
        seen.add(id(item))
        children = [((where, str(key)), child) for key, child in pairs]
        children.reverse()  # so that the stack yields them in document order
        stack.extend(children)


def transform_strings(value: Any, change: Callable[[str], str] | None = None) -> Any:
    """A deep copy of a JSON-like ``value`` with ``change`` applied to every string in it.

    Dicts and lists are copied (iteratively, any depth); other values are shared, as they are
    immutable in JSON. Like ``copy.deepcopy``, shared and cyclic containers stay shared and cyclic.
    """
    if isinstance(value, str):
        return change(value) if change is not None else value
    if not isinstance(value, dict | list):
        return value
    copies: dict[int, _Container] = {}

    def fresh(item: Any) -> Any:
        """The copy of ``item`` (a new empty container is queued for filling), or the changed leaf."""
        if isinstance(item, str):
            return change(item) if change is not None else item
        if not isinstance(item, dict | list):
            return item
        known = copies.get(id(item))
        if known is not None:
            return known
        made: _Container = {} if isinstance(item, dict) else []
        copies[id(item)] = made
        stack.append((item, made))
        return made

    stack: list[tuple[_Container, _Container]] = []
    root = fresh(value)
    while stack:
        source, target = stack.pop()
        if isinstance(source, dict):
            assert isinstance(target, dict)
            for key, child in source.items():
                target[key] = fresh(child)
        else:
            assert isinstance(target, list)
            target.extend([fresh(child) for child in source])
    return root


def render_contact_text(text: str, contact: Mapping[str, Any]) -> str:
    """``text`` with each ``{{contact.x}}`` replaced by ``str(contact[x])``; missing or None give ""."""
    if "{{" not in text:
        return text

    def value_of(match: re.Match[str]) -> str:
        found = contact.get(match.group(1))
        return "" if found is None else str(found)

    return CONTACT_RE.sub(value_of, text)
