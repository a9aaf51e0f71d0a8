"""The error responses of the flow endpoints in the OpenAPI schema (the body: editor/common/api/schema.py)."""

from __future__ import annotations

from editor.common.api.schema import error_responses

ERRORS = error_responses({
    400: "The request is not valid (field errors under extra.fields).",
    401: "Not signed in and no valid token.",
    403: "Your role in the team does not allow this.",
    404: "No such flow in your teams.",
    409: "Stale revision: extra.current_revision is the current one.",
    413: "The body is larger than API_MAX_JSON_BYTES.",
})


def errors(*codes: int) -> dict:
    return {code: ERRORS[code] for code in (401, *codes)}
