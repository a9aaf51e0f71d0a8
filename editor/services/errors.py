from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A problem a user can act on. Carries an HTTP-ish status and extra data for the API."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class InvalidDocument(ServiceError):
    code = "invalid_document"


class StaleRevision(ServiceError):
    status_code = 409
    code = "stale_revision"

    def __init__(self, *, current_revision: int) -> None:
        super().__init__(
            "Someone saved this flow after you opened it. Reload to see their changes, "
            "or keep a copy of yours.",
            extra={"current_revision": current_revision},
        )
        self.current_revision = current_revision


class FlowHasErrors(ServiceError):
    code = "flow_has_errors"

    def __init__(self, *, diagnostics: list[dict[str, Any]]) -> None:
        errors = [d for d in diagnostics if d.get("severity") == "error"]
        noun = "problem" if len(errors) == 1 else "problems"
        super().__init__(
            f"This flow has {len(errors)} {noun} to fix before it can be published.",
            extra={"diagnostics": diagnostics},
        )


class PermissionDenied(ServiceError):
    status_code = 403
    code = "permission_denied"


class InvalidFields(ServiceError):
    """Field-level problems, shaped like the API's validation errors (``extra.fields``)."""

    code = "invalid"

    def __init__(self, fields: dict[str, list[str]], *, message: str | None = None) -> None:
        if message is None:
            name, problems = next(iter(fields.items()))
            if len(fields) == 1:
                message = f"{name}: {problems[0]}"
            else:
                message = f"{len(fields)} fields need attention: {', '.join(fields)}."
        super().__init__(message, extra={"fields": fields})


class LaunchRefused(ServiceError):
    """A call cannot be launched as asked (no published version, missing contact variables...)."""

    code = "launch_refused"


class CallInProgress(ServiceError):
    status_code = 409
    code = "call_in_progress"
