"""Writing flows out: the Samespace payload, contact variables filled in, and step labels."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .messages import label_for
from .parse import Extracted, extract, parse
from .templates import (
    REFERENCE_FIELDS,
    contact_fields,
    iter_strings,
    render_contact_text,
    transform_strings,
)


def export_payload(
    document: Any,
    *,
    cloud_id: str = "",
    auth_token: str = "",
    record: bool | None = None,
) -> dict[str, Any]:
    """The Samespace ``POST /call/flow`` payload for a flow (any accepted form).

    Ids and the ids named in ``next_step`` are written as strings; the layout (labels, positions) is
    left out; unknown step fields are kept unchanged. ``record`` None means the flow's own setting.
    The flow is not validated here: check ``validate`` first. Raises ValueError for a payload that
    is none of the accepted forms.
    """
    result = parse(document)
    if result.document is None:
        raise ValueError(result.diagnostics[0]["message"])
    if record is None:
        record = bool(result.document["settings"].get("record", False))
    return {"cloud_id": cloud_id, "auth_token": auth_token, "record": record, "flow": result.document["steps"]}


def _steps_of(document: Any) -> list[Any]:
    found = extract(document)
    if not isinstance(found, Extracted):
        raise ValueError(found["message"])
    return found.steps


def render_contact_variables(document: Any, contact: Mapping[str, Any]) -> Any:
    """A new flow of the same form with every ``{{contact.x}}`` in the steps replaced by ``str(contact[x])``.

    A field the contact lacks (or holds None) becomes an empty string: ``contact_variables_used`` tells
    the caller which fields a flow needs, to check before launching. Run-time ``{{x}}`` placeholders are
    left for Samespace, and ids (``id``, ``next_step``) are never rendered. The input is not changed.
    Raises ValueError for a payload that is none of the accepted forms.
    """
    _steps_of(document)  # rejects what is not a flow

    def render(text: str) -> str:
        return render_contact_text(text, contact)

    def render_step(step: Any) -> Any:
        if not isinstance(step, dict):
            return transform_strings(step)
        return {
            key: transform_strings(value) if key in REFERENCE_FIELDS else transform_strings(value, render)
            for key, value in step.items()
        }

    if isinstance(document, list):
        return [render_step(step) for step in document]
    key = "steps" if "steps" in document else "flow"
    rendered = {name: transform_strings(value) for name, value in document.items() if name != key}
    rendered[key] = [render_step(step) for step in document[key]]
    return {name: rendered[name] for name in document}  # keep the key order of the input


def contact_variables_used(document: Any) -> set[str]:
    """The names x of every ``{{contact.x}}`` in the steps of a flow (any accepted form).

    Raises ValueError for a payload that is none of the accepted forms.
    """
    used: set[str] = set()
    for step in _steps_of(document):
        if not isinstance(step, dict):
            continue
        for key, value in step.items():
            if key in REFERENCE_FIELDS:
                continue
            for _, text in iter_strings(value, str(key)):
                used.update(contact_fields(text))
    return used


def step_label(document: Any, step_id: Any, *, capital: bool | None = None) -> str:
    """How messages name a step: "Step 5", or 'step "Ask for account"' when the layout gives it a label.

    ``capital`` True or False forces the first letter's case for either form (None: as above).
    Works for any accepted form; only the FlowStudio document carries labels.
    """
    layout = document.get("layout") if isinstance(document, Mapping) else None
    return label_for(layout, step_id, capital=capital)
