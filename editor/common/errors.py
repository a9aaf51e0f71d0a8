"""Errors the services raise for people to act on. Each has a stable ``code`` that the API sends
(docs/api-contract.md lists them); HTML pages show them beside the fields they name, or above the
form (``add_service_error()`` in editor/common/forms.py)."""

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
    """Field-level problems, shaped like the API's validation errors (``extra.fields``).

    The default message is in plain words, without the internal field names (people read it on
    pages and in the API's ``message``): the problems themselves, joined. The names stay in
    ``extra.fields`` for programs and for forms (editor/common/forms.py puts each beside its field).
    """

    code = "validation_failed"

    def __init__(self, fields: dict[str, list[str]], *, message: str | None = None) -> None:
        if message is None:
            message = plain_message(fields)
        super().__init__(message, extra={"fields": fields})


def plain_message(fields: dict[str, list[str]]) -> str:
    """``{"number": ["Enter a phone number."], "variables": ["Missing: name"]}`` →
    ``"Enter a phone number. Missing: name."``: every problem once, each ending as a sentence."""
    sentences: list[str] = []
    for problems in fields.values():
        for problem in [problems] if isinstance(problems, str) else problems:
            text = str(problem).strip()
            if text and text[-1] not in ".!?":
                text += "."
            if text and text not in sentences:
                sentences.append(text)
    return " ".join(sentences) or "Some of the values need attention."
