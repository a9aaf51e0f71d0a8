"""Errors of calls (codes listed in docs/api-contract.md)."""

from __future__ import annotations

from editor.common.errors import ServiceError


class LaunchRefused(ServiceError):
    """A call cannot be launched as asked (no published version, missing contact variables...)."""

    code = "launch_refused"


class DialsOtherNumber(LaunchRefused):
    """The version's Call step dials another number than the one given (a fixed number), or, for a
    campaign, not each contact's number (editor/flowcore/dialling.py). ``extra.dials``: what it dials."""

    code = "dials_other_number"


class CallInProgress(ServiceError):
    status_code = 409
    code = "call_in_progress"
