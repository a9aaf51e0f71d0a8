"""Reading the three accepted forms and normalising them to the FlowStudio document.

* a Samespace payload ``{"cloud_id", "auth_token", "record", "flow": [...]}``: ``cloud_id``,
  ``auth_token`` and any other top-level key are dropped, ``record`` goes to ``settings.record``;
* a bare step list ``[...]``;
* the FlowStudio document ``{"steps": [...], "layout": {...}, "settings": {...}}``: other top-level
  keys are dropped.

The result is always ``{"steps": [...], "layout": {...}, "settings": {"record": bool, ...}}``, a new
object sharing nothing mutable with the input. Step ids and the ids named in ``next_step`` are
written as strings when they are whole numbers (``1`` becomes ``"1"``): ids are compared as strings
anyway, so ``1`` and ``"1"`` are still reported as duplicates after parsing, and ``validate`` gives the
same diagnostics for the input and for its parsed document. Any other id value (``true``, ``1.5``) is
kept as it is so that the validator can point at it. Unknown step fields are kept unchanged.

JSON text is not parsed here: callers pass the decoded value.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from .blocks import kind_of, show
from .diagnostics import Diagnostic, diagnostic
from .templates import transform_strings

_EXPECTED = (
    'FlowStudio reads a list of steps, a Samespace payload with a "flow" list, '
    'or a FlowStudio document with a "steps" list.'
)


class ParseResult(NamedTuple):
    document: dict[str, Any] | None
    diagnostics: list[Diagnostic]


class Extracted(NamedTuple):
    """The parts of an accepted payload, not copied: the validator reads them in place."""

    steps: list[Any]
    layout: dict[str, Any]
    settings: dict[str, Any]


def _invalid(message: str) -> Diagnostic:
    return diagnostic("invalid_payload", None, None, message)


def extract(payload: Any) -> Extracted | Diagnostic:
    """Recognise the form of ``payload``; return its parts, or an ``invalid_payload`` diagnostic."""
    if isinstance(payload, list):
        return Extracted(payload, {}, {})
    if not isinstance(payload, dict):
        return _invalid(f"This is not a call flow: it is {kind_of(payload)}. {_EXPECTED}")
    if "steps" in payload and "flow" in payload:
        return _invalid(
            'This has both a "steps" list and a "flow" list, so it is unclear which one is the flow. '
            "Keep only one of them."
        )
    if "steps" in payload:
        steps = payload["steps"]
        if not isinstance(steps, list):
            return _invalid(f'The "steps" of this flow should be a list of steps, but it is {kind_of(steps)}.')
        layout = payload.get("layout")
        if layout is None:
            layout = {}
        elif not isinstance(layout, dict):
            return _invalid(f'The "layout" of this flow should be an object, but it is {kind_of(layout)}.')
        settings = payload.get("settings")
        if settings is None:
            settings = {}
        elif not isinstance(settings, dict):
            return _invalid(f'The "settings" of this flow should be an object, but it is {kind_of(settings)}.')
        record = settings.get("record")
        if record is not None and not isinstance(record, bool):
            return _invalid(f'The "record" setting should be true or false, but it is {show(record)}.')
        return Extracted(steps, layout, settings)
    if "flow" in payload:
        steps = payload["flow"]
        if not isinstance(steps, list):
            return _invalid(
                f'The "flow" of this Samespace payload should be a list of steps, but it is {kind_of(steps)}.'
            )
        record = payload.get("record")
        if record is not None and not isinstance(record, bool):
            return _invalid(f'"record" should be true or false, but it is {show(record)}.')
        return Extracted(steps, {}, {} if record is None else {"record": record})
    return _invalid(f'This object has neither a "flow" nor a "steps" list. {_EXPECTED}')


def id_text(value: Any) -> str | None:
    """The string form of an id or id reference, or None when the value cannot be an id."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _normal_ref(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def normalise_step(step: Any) -> Any:
    """A copy of ``step`` with whole-number ids (own id and ``next_step`` targets) written as strings."""
    if not isinstance(step, dict):
        return transform_strings(step)
    result: dict[Any, Any] = {}
    for key, value in step.items():
        if key == "id":
            result[key] = _normal_ref(value)
        elif key == "next_step":
            if isinstance(value, dict):
                result[key] = {
                    branch: _normal_ref(target) if not isinstance(target, dict | list) else transform_strings(target)
                    for branch, target in value.items()
                }
            else:
                result[key] = _normal_ref(transform_strings(value))
        else:
            result[key] = transform_strings(value)
    return result


def parse(payload: Any) -> ParseResult:
    """Normalise any accepted form to the FlowStudio document.

    Returns ``(document, [])``, or ``(None, [invalid_payload])`` when the payload is none of the forms.
    Parsing does not validate the steps: call ``validate`` for that.
    """
    found = extract(payload)
    if not isinstance(found, Extracted):
        return ParseResult(None, [found])
    settings = transform_strings(found.settings)
    settings["record"] = bool(settings.get("record") or False)
    document = {
        "steps": [normalise_step(step) for step in found.steps],
        "layout": transform_strings(found.layout),
        "settings": settings,
    }
    return ParseResult(document, [])
