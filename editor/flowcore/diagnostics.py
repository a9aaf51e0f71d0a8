"""The diagnostic shape shared by parse and validate (docs/api-contract.md, "Diagnostic")."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, TypedDict

Severity = Literal["error", "warning"]


class Diagnostic(TypedDict):
    severity: Severity
    code: str
    step: str | None  # the step id as a string, None when the problem is not about one step (or it has no id)
    field: str | None  # dotted path inside the step: "url", "next_step.success"
    message: str  # one or two plain sentences for a non-developer


ERROR_CODES = frozenset(
    {
        "invalid_payload",
        "empty_flow",
        "missing_id",
        "duplicate_id",
        "unknown_type",
        "missing_field",
        "invalid_value",
        "bad_start",
        "dangling_next_step",
        "undefined_variable",
        "infinite_loop",
    }
)
WARNING_CODES = frozenset({"unreachable_step"})
CODES = ERROR_CODES | WARNING_CODES


def diagnostic(code: str, step: str | None, field: str | None, message: str) -> Diagnostic:
    severity: Severity = "warning" if code in WARNING_CODES else "error"
    return {"severity": severity, "code": code, "step": step, "field": field, "message": message}


def is_valid(diagnostics: Iterable[Diagnostic] | Iterable[dict[str, object]]) -> bool:
    """True when no diagnostic is an error (warnings do not stop a flow from being published)."""
    return not any(d.get("severity") == "error" for d in diagnostics)
