"""The words of every diagnostic: written for someone who draws flows, not for a developer.

A step is named by its layout label when it has one ('step "Ask for account"'), else by its id
("step 5"), else by its place in the flow ("the 3rd step").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from .blocks import BLOCKS, BlockSpec, FieldSpec, NextStepSpec, kind_of, show
from .parse import id_text

_CALL = BLOCKS["call"].title
_DIGITS = BLOCKS["digits"].title
EMPTY_FLOW = f"This flow has no steps yet. Start it with a {_CALL} step."
_TYPES = ", ".join(BLOCKS)
_PLAIN_ID_RE = re.compile(r"[A-Za-z0-9_-]+")
_LABEL_LIMIT = 60


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st."""
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def layout_label(layout: Any, step_id: str) -> str | None:
    """The label the editor shows for a step, when it has a usable one."""
    if not isinstance(layout, Mapping):
        return None
    entry = layout.get(step_id)
    if not isinstance(entry, Mapping):
        return None
    label = entry.get("label")
    if not isinstance(label, str):
        return None
    label = " ".join(label.split())
    if not label:
        return None
    return label if len(label) <= _LABEL_LIMIT else label[: _LABEL_LIMIT - 1] + "…"


def label_for(layout: Any, step_id: Any, *, capital: bool | None = None) -> str:
    """'Step 5', or 'step "Ask for account"' when the step has a label (see ``step_label``)."""
    sid = str(step_id)
    label = layout_label(layout, sid)
    if label is not None:
        word = "Step" if capital else "step"
        return f'{word} "{label}"'
    word = "step" if capital is False else "Step"
    return f"{word} {_show_id(sid)}"


def _show_id(sid: str) -> str:
    return sid if _PLAIN_ID_RE.fullmatch(sid) else show(sid)


def _type_title(step: Any) -> str | None:
    if isinstance(step, dict):
        kind = step.get("type")
        spec = BLOCKS.get(kind) if isinstance(kind, str) else None
        if spec is not None:
            return spec.title
    return None


def _field_words(field: str, step: Any) -> str:
    """'its text', 'its web address', or 'the field "headers.token"'."""
    spec = BLOCKS.get(step.get("type")) if isinstance(step, dict) and isinstance(step.get("type"), str) else None
    if spec is not None:
        for known in spec.fields:
            if known.name == field:
                return f"its {known.label}"
    return f'the field "{field}"'


def and_list(items: Sequence[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


class Namer:
    """Builds the messages, naming steps the way the editor shows them."""

    def __init__(self, steps: Sequence[Any], layout: Any) -> None:
        self.steps = steps
        self.layout = layout

    def name(self, position: int, *, capital: bool = True) -> str:
        step = self.steps[position]
        sid = id_text(step.get("id")) if isinstance(step, dict) else None
        if sid is None or not sid.strip():
            return f"{'The' if capital else 'the'} {ordinal(position + 1)} step"
        return label_for(self.layout, sid, capital=capital)

    def target(self, sid: str) -> str:
        return f"step {_show_id(sid)}"

    # ids and types

    def not_a_step(self, position: int, value: Any) -> str:
        return (
            f"The {ordinal(position + 1)} item in the flow is not a step: it is {kind_of(value)}. "
            "Remove it or replace it with a step."
        )

    def unusable_id(self, position: int, raw: Any) -> str:
        return (
            f"The {ordinal(position + 1)} step has the id {show(raw)}, which cannot be used as an id. "
            "Use text or a whole number."
        )

    def missing_id(self, position: int, step: Any) -> str:
        title = _type_title(step)
        what = f"The {ordinal(position + 1)} step" + (f" (a {title} step)" if title else "")
        return f"{what} has no id, so no other step can go to it. Give it an id."

    def duplicate_id(self, position: int, earlier: int, sid: str) -> str:
        return (
            f"The {ordinal(position + 1)} step has the id {show(sid)}, which the {ordinal(earlier + 1)} step "
            "already uses. Give every step its own id."
        )

    def missing_type(self, position: int) -> str:
        return f"{self.name(position)} has no type. Choose one of: {_TYPES}."

    def unknown_type(self, position: int, kind: Any) -> str:
        hint = ""
        if isinstance(kind, str) and kind.strip().lower() in BLOCKS:
            hint = f' Did you mean "{kind.strip().lower()}"?'
        return (
            f"{self.name(position)} has the type {show(kind)}, which FlowStudio does not know. "
            f"Use one of: {_TYPES}.{hint}"
        )

    def bad_start(self, step: Any) -> str:
        lead = f"The flow must start with a {_CALL} step"
        if not isinstance(step, dict):
            return f"{lead}, but the first item in the flow is not a step."
        title = _type_title(step)
        what = f"a {title} step" if title else f"not a {_CALL} step"
        first = self.name(0, capital=False)
        return f"{lead}, but it starts with {first}, which is {what}. Move a {_CALL} step to the front."

    # fields

    def missing_field(self, position: int, field: FieldSpec) -> str:
        return f"{self.name(position)} {field.missing}."

    def missing_one_of(self, position: int, text: str) -> str:
        return f"{self.name(position)} {text}."

    def invalid(self, position: int, field: FieldSpec, value: Any, reason: str) -> str:
        return f"{self.name(position)} has the {field.label} {show(value)}, which {reason}."

    # next steps

    def missing_next_step(self, position: int, shape: NextStepSpec) -> str:
        return f"{self.name(position)} {shape.missing}."

    def needs_branches(self, position: int, spec: BlockSpec | None, shape: NextStepSpec) -> str:
        title = spec.title if spec is not None else "this"
        return (
            f"{self.name(position)} goes on to a single step, but a {title} step needs a branch for each "
            f"outcome ({shape.allowed_keys})."
        )

    def needs_single(self, position: int, spec: BlockSpec | None) -> str:
        title = spec.title if spec is not None else "this"
        return (
            f"{self.name(position)} has branches as its next step, but a {title} step goes on to one step only. "
            "Choose the step to go to next."
        )

    def bad_branch(self, position: int, key: Any, spec: BlockSpec | None, shape: NextStepSpec | None) -> str:
        title = spec.title if spec is not None else "this"
        allowed = shape.allowed_keys if shape is not None else ""
        return (
            f"{self.name(position)} has a branch for {show(str(key))}, but a {title} step only has branches "
            f"for {allowed}."
        )

    def not_an_id(self, position: int, value: Any, phrase: str) -> str:
        return (
            f"{self.name(position)} goes to {show(value)} {phrase}, which is not a step id. "
            "Choose a step to go to, or leave it empty to end the call there."
        )

    def dangling(self, position: int, sid: str, phrase: str) -> str:
        if not sid.strip():
            return f"{self.name(position)} goes to a step with a blank id {phrase}. Choose the step to go to."
        target = self.target(sid)
        return f"{self.name(position)} goes to {target} {phrase}, but there is no {target}."

    # the graph

    def unreachable(self, position: int) -> str:
        return (
            f"No path from the start of the call reaches {self.name(position, capital=False)}, so it will "
            "never run. Connect a step to it, or delete it."
        )

    def infinite_loop(self, group: Sequence[int]) -> str:
        if len(group) == 1:
            return (
                f"{self.name(group[0])} goes back to itself with no way out, so the call would never end. "
                "Give it a way out, for example a branch that ends the call."
            )
        named = group if len(group) <= 5 else group[:4]  # name them all, or four and "N other steps"
        shown = [self.name(named[0])] + [self.name(p, capital=False) for p in named[1:]]
        if len(named) < len(group):
            shown.append(f"{len(group) - len(named)} other steps")
        return (
            f"{and_list(shown)} keep sending the call to each other with no way out, so the call would never "
            "end. Give one of them a way out, for example a branch that ends the call."
        )

    def undefined(self, position: int, field: str, name: str, *, somewhere: bool) -> str:
        where = _field_words(field, self.steps[position])
        lead = f"{self.name(position)} uses {{{{{name}}}}} in {where}"
        if name == "contact":
            return (
                f"{lead}, which names no contact field. Write the field after a dot, for example {{{{contact.name}}}}."
            )
        if somewhere:
            return (
                f"{lead}, but the call can reach this step without passing a step that collects {name}. "
                f"Make every way to this step go through a {_DIGITS} step that stores {name}."
            )
        return (
            f"{lead}, but no step collects {name}. Add a {_DIGITS} step that stores {name} before it, "
            f"or, for a contact field, write {{{{contact.{name}}}}}."
        )
