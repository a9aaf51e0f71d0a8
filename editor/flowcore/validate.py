"""``validate``: every check behind the diagnostic codes of ``diagnostics.py``, in a few linear passes.

1. ids: missing, unusable or duplicate ids, and the map from id (as a string) to its first step;
2. each step on its own: type, required fields, formats, the shape of ``next_step`` and the ids it
   names, and the run-time variables it uses and sets;
3. the graph: which steps the start reaches, loops without a way out, and variables that are not set
   on every path (see ``graph.py``).

A step with an id problem is still checked on its own, but no other step can go to it, so it gets no
"unreachable" warning on top of its error.
"""

from __future__ import annotations

from typing import Any

from . import messages as say
from .blocks import BLOCKS, BlockSpec, NextStepSpec, check_variable
from .diagnostics import Diagnostic, diagnostic
from .graph import depth_first, must_reach_with, trapped_groups
from .parse import Extracted, extract, id_text
from .templates import RUNTIME_RE, iter_strings, path_text

_NO_TARGETS: tuple[int, ...] = ()
# (position, code, field, message, step id): position -1 for problems about the whole flow.
_Found = tuple[int, str, str | None, str, str | None]


def validate(payload: Any) -> list[Diagnostic]:
    """Check a flow in any accepted form; diagnostics sorted by step order, then code, then field."""
    found = extract(payload)
    if not isinstance(found, Extracted):
        return [found]
    if not found.steps:
        return [diagnostic("empty_flow", None, None, say.EMPTY_FLOW)]
    return _Validation(found).run()


class _Validation:
    def __init__(self, found: Extracted) -> None:
        self.steps = found.steps
        self.names = say.Namer(found.steps, found.layout)
        self.problems: list[_Found] = []
        n = len(self.steps)
        self.sids: list[str | None] = [None] * n  # each step's id as a string, when usable
        self.first: dict[str, int] = {}  # id -> position of the first step with it
        self.id_trouble = bytearray(n)  # no usable id of its own: never a target
        self.succ: list[Any] = [_NO_TARGETS] * n
        self.exits = bytearray(n)  # some outcome of the step ends the call
        self.sets: dict[int, str] = {}  # position -> run-time variable the step sets
        self.uses: dict[int, list[tuple[str, str]]] = {}  # position -> [(field, variable)]

    def add(self, position: int, code: str, field: str | None, message: str) -> None:
        sid = self.sids[position] if position >= 0 else None
        self.problems.append((position, code, field, message, sid))

    def run(self) -> list[Diagnostic]:
        self.check_ids()
        self.check_steps()
        self.check_graph()
        self.problems.sort(key=lambda p: (p[0], p[1], p[2] or "", p[3]))
        return [diagnostic(code, sid, field, message) for _, code, field, message, sid in self.problems]

    # -- pass 1 ---------------------------------------------------------------------------------

    def check_ids(self) -> None:
        steps = self.steps
        try:
            ids = [step["id"] for step in steps]
            # str.strip raises on anything but text and gives "" for a blank id.
            usual = all(map(str.strip, ids))
        except (TypeError, KeyError):
            usual = False
        if usual:
            # The usual case, settled by C-level passes: every id is non-blank text.
            first = dict(zip(ids, range(len(ids)), strict=True))
            if len(first) == len(ids):  # no duplicates
                self.sids = ids
                self.first = first
                return
        self.sids = [None] * len(steps)
        self.first = {}
        self.check_ids_one_by_one()

    def check_ids_one_by_one(self) -> None:
        sids, first, trouble, names = self.sids, self.first, self.id_trouble, self.names
        for position, step in enumerate(self.steps):
            if not isinstance(step, dict):
                trouble[position] = 1
                self.add(position, "invalid_value", None, names.not_a_step(position, step))
                continue
            raw = step.get("id")
            sid = raw if type(raw) is str else id_text(raw)
            if sid is None and raw is not None:
                trouble[position] = 1
                self.add(position, "invalid_value", "id", names.unusable_id(position, raw))
                continue
            if sid is None or sid == "" or sid.isspace():
                trouble[position] = 1
                self.add(position, "missing_id", "id", names.missing_id(position, step))
                continue
            sids[position] = sid
            earlier = first.setdefault(sid, position)
            if earlier != position:
                trouble[position] = 1
                self.add(position, "duplicate_id", "id", names.duplicate_id(position, earlier, sid))

    # -- pass 2 ---------------------------------------------------------------------------------

    def check_steps(self) -> None:
        """Each step on its own. The common cases are written out inline: this loop is the hot path."""
        blocks, first, succ, exits, add = BLOCKS, self.first, self.succ, self.exits, self.add
        for position, step in enumerate(self.steps):
            if type(step) is not dict and not isinstance(step, dict):
                exits[position] = 1
                continue
            kind = step.get("type")
            spec = blocks.get(kind) if type(kind) is str else None
            if spec is None:
                self.check_type(position, kind)
                self.check_next_step(position, step, None)
            else:
                get = step.get
                given = 0  # bits of the one_of groups that have a field given
                for name, accept, check, required, group, field in spec.checks:
                    value = get(name)
                    if type(value) is str:
                        if accept is not None and accept(value):
                            given |= group
                            continue
                        if not value or value.isspace():
                            value = None
                    if value is None:
                        if required:
                            add(position, "missing_field", name, self.names.missing_field(position, field))
                        continue
                    given |= group
                    reason = check(value)
                    if reason is not None:
                        add(position, "invalid_value", name, self.names.invalid(position, field, value, reason))
                if given != spec.groups:
                    self.check_one_of(position, given, spec)
                target = get("next_step")
                shape = spec.next_step
                branches = shape.branches
                if type(target) is str and branches is None:
                    found = first.get(target)  # the usual single next step
                    if found is None:
                        message = self.names.dangling(position, target, "next")
                        add(position, "dangling_next_step", "next_step", message)
                    else:
                        succ[position] = (found,)
                elif type(target) is dict and branches is not None and target:
                    # The usual branches: allowed keys, each naming an existing step or null.
                    targets = []
                    ends = False
                    for key, raw in target.items():
                        if raw is None:
                            ends = True
                            if key in branches:
                                continue
                            break
                        found = first.get(raw) if type(raw) is str else None
                        if found is None or key not in branches:
                            break
                        targets.append(found)
                    else:
                        succ[position] = targets
                        if not ends:  # no branch is null: does some set of keys cover every outcome?
                            keys = target.keys()
                            for cover in shape.covering:
                                if keys >= cover:
                                    break
                            else:
                                ends = True
                        exits[position] = ends
                        target = None  # settled
                    if target is not None:
                        self.check_next_step(position, step, spec)
                else:
                    self.check_next_step(position, step, spec)
                if spec.sets_variable is not None:
                    name = get(spec.sets_variable)
                    if type(name) is str and check_variable(name) is None:
                        self.sets[position] = name
            for key, value in step.items():
                if type(value) is str:
                    if "{{" in value and key != "id" and key != "next_step":
                        self.collect_variables(position, key, value)
                elif isinstance(value, dict | list) and key != "next_step" and key != "id":
                    self.collect_variables(position, key, value)

    def check_type(self, position: int, kind: Any) -> None:
        if kind is None or kind == "":
            self.add(position, "missing_field", "type", self.names.missing_type(position))
        else:
            self.add(position, "unknown_type", "type", self.names.unknown_type(position, kind))

    def check_one_of(self, position: int, given: int, spec: BlockSpec) -> None:
        for index, (group, text) in enumerate(zip(spec.one_of, spec.one_of_missing, strict=True)):
            if not given & (1 << index):
                self.add(position, "missing_field", group[0], self.names.missing_one_of(position, text))

    def check_next_step(self, position: int, step: dict[str, Any], spec: BlockSpec | None) -> None:
        shape = spec.next_step if spec is not None else None
        value = step.get("next_step")
        names = self.names
        if value is None or (isinstance(value, dict) and not value and shape is not None and shape.required):
            if shape is not None and shape.required:
                self.add(position, "missing_field", "next_step", names.missing_next_step(position, shape))
            self.exits[position] = 1
            return
        if not isinstance(value, dict):
            target = value if type(value) is str else id_text(value)
            if shape is not None and shape.branches is not None:
                self.add(position, "invalid_value", "next_step", names.needs_branches(position, spec, shape))
            if target is None:
                self.add(position, "invalid_value", "next_step", names.not_an_id(position, value, "next"))
                self.exits[position] = 1
                return
            found = self.first.get(target)
            if found is None:
                self.add(position, "dangling_next_step", "next_step", names.dangling(position, target, "next"))
            else:
                self.succ[position] = (found,)
            if shape is None or shape.branches is not None:
                self.exits[position] = 1  # unknown type or wrong shape: what Samespace does is unknown
            return
        wrong_shape = shape is not None and shape.branches is None
        if wrong_shape:
            self.add(position, "invalid_value", "next_step", names.needs_single(position, spec))
        allowed = shape.branches if shape is not None else None
        targets: list[int] = []
        covered: set[Any] = set()
        ends = wrong_shape or shape is None
        first = self.first
        for key, raw in value.items():
            if allowed is not None and key not in allowed:
                message = names.bad_branch(position, key, spec, shape)
                self.add(position, "invalid_value", f"next_step.{key}", message)
            if raw is None:
                ends = True  # a null branch ends the call on that outcome
                continue
            target = raw if type(raw) is str else id_text(raw)
            if target is None:
                message = names.not_an_id(position, raw, _phrase(shape, key, value))
                self.add(position, "invalid_value", f"next_step.{key}", message)
                ends = True
                continue
            covered.add(key)
            found = first.get(target)
            if found is None:
                message = names.dangling(position, target, _phrase(shape, key, value))
                self.add(position, "dangling_next_step", f"next_step.{key}", message)
            elif found not in targets:
                targets.append(found)
        if shape is not None and not ends:
            ends = not any(cover <= covered for cover in shape.covering)
        self.exits[position] = ends
        self.succ[position] = targets

    def collect_variables(self, position: int, key: Any, value: Any) -> None:
        """Note the run-time variables used in one field of a step (``value`` may be nested)."""
        pairs: Any = ((str(key), value),) if type(value) is str else iter_strings(value, str(key))
        used = self.uses.get(position)
        for path, text in pairs:
            if "{{" not in text:
                continue
            names = RUNTIME_RE.findall(text)
            if not names:
                continue
            field = path_text(path)
            if used is None:
                used = self.uses[position] = []
            for name in names:
                if (field, name) not in used:
                    used.append((field, name))

    # -- pass 3 ---------------------------------------------------------------------------------

    def check_graph(self) -> None:
        steps, names = self.steps, self.names
        first = steps[0]
        if not isinstance(first, dict) or first.get("type") != "call":
            self.add(0, "bad_start", "type", names.bad_start(first))
        seen, post, cycle = depth_first(self.succ, 0)
        for position in range(len(steps)):
            if not seen[position] and not self.id_trouble[position]:
                self.add(position, "unreachable_step", None, names.unreachable(position))
        if cycle:
            for group in trapped_groups(post, self.succ, self.exits):
                self.add(group[0], "infinite_loop", "next_step", names.infinite_loop(group))
        if self.uses:
            self.check_variables(seen, post)

    def check_variables(self, seen: bytearray, post: list[int]) -> None:
        uses = {position: used for position, used in self.uses.items() if seen[position]}
        if not uses:
            return
        wanted = {name for used in uses.values() for _, name in used}
        bits: dict[str, int] = {}
        gen: dict[int, int] = {}
        for position, name in self.sets.items():
            if seen[position] and name in wanted:
                bit = bits.setdefault(name, 1 << len(bits))
                gen[position] = bit
        available: list[int] = []
        if bits:
            universe = (1 << len(bits)) - 1
            available = must_reach_with(post[::-1], self.succ, gen, 0, universe)
        set_anywhere = set(self.sets.values())
        for position, used in uses.items():
            for field, name in used:
                bit = bits.get(name)
                if bit is not None and available[position] & bit:
                    continue
                message = self.names.undefined(position, field, name, somewhere=name in set_anywhere)
                self.add(position, "undefined_variable", field, message)


def _phrase(shape: NextStepSpec | None, key: Any, branches: dict[Any, Any]) -> str:
    return shape.phrase(str(key), branches) if shape is not None else f'on "{key}"'
