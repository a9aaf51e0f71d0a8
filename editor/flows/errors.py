"""Errors of flows and their versions (codes listed in docs/api-contract.md)."""

from __future__ import annotations

from typing import Any

from editor.common.errors import ServiceError


class InvalidDocument(ServiceError):
    code = "invalid_document"


class FlowConflict(ServiceError):
    """A write the flow's current state refuses (409); the API tells the current revision."""

    status_code = 409
    message = ""

    def __init__(self, *, current_revision: int) -> None:
        super().__init__(self.message, extra={"current_revision": current_revision})
        self.current_revision = current_revision


class StaleRevision(FlowConflict):
    code = "revision_conflict"
    message = "Someone saved this flow after you opened it. Reload to see their changes, or keep a copy of yours."


class FlowHasErrors(ServiceError):
    code = "flow_has_errors"

    def __init__(self, *, diagnostics: list[dict[str, Any]]) -> None:
        errors = [d for d in diagnostics if d.get("severity") == "error"]
        noun = "problem" if len(errors) == 1 else "problems"
        super().__init__(
            f"This flow has {len(errors)} {noun} to fix before it can be published.",
            extra={"diagnostics": diagnostics},
        )


class FlowArchived(FlowConflict):
    """Archived flows keep their history for the calls placed from them; they are read-only."""

    code = "flow_archived"
    message = ("This flow is archived because calls or campaigns use it, so it cannot be changed. "
               "Duplicate it to keep working on a copy.")


class VersionNotFound(ServiceError):
    status_code = 404
    code = "not_found"

    def __init__(self, *, number: int | None, message: str = "") -> None:
        if message:
            pass
        elif number is None:
            message = "This flow has no published version yet, so there is nothing to compare the draft with."
        else:
            message = f"This flow has no version {number}."
        super().__init__(message, extra={"version": number})
