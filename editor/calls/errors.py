"""Errors of calls (codes listed in docs/api-contract.md)."""

from __future__ import annotations

from editor.common.errors import ServiceError


class LaunchRefused(ServiceError):
    """A call cannot be launched as asked (no published version, missing contact variables...)."""

    code = "launch_refused"


class CallInProgress(ServiceError):
    status_code = 409
    code = "call_in_progress"
