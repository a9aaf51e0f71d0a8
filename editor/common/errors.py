"""Errors the services raise for people to act on. Each has a stable ``code`` that the API sends
(docs/api-contract.md lists them) and HTML pages show as a message or beside the field."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A problem a user can act on. Carries an HTTP-ish status and extra data for the API."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class PermissionDenied(ServiceError):
    status_code = 403
    code = "permission_denied"


class InvalidFields(ServiceError):
    """Field-level problems, shaped like the API's validation errors (``extra.fields``)."""

    code = "validation_failed"

    def __init__(self, fields: dict[str, list[str]], *, message: str | None = None) -> None:
        if message is None:
            name, problems = next(iter(fields.items()))
            if len(fields) == 1:
                message = f"{name}: {problems[0]}"
            else:
                message = f"{len(fields)} fields need attention: {', '.join(fields)}."
        super().__init__(message, extra={"fields": fields})
