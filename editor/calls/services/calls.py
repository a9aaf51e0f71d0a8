"""Calls: launch, place (the body of the ``place_call`` task), reap, call again.

See docs/architecture.md, "Calls and campaigns".

Exactly-once rules kept here:

* a Call row is created inside the caller's transaction and its task is enqueued only when that
  transaction commits (``transaction.on_commit``): a rollback sends nothing;
* ``call_place`` claims the row ``queued → sending`` with one conditional UPDATE and does nothing
  when it lost the claim, so a message delivered twice posts once;
* only outcomes that Samespace certainly did not process go back to ``queued`` (with a later
  ``not_before``), with the same idempotency key; an outcome that may have placed the call is
  ``unknown`` and stays so until a person chooses "call again" (a new Call, a new key);
* the reaper turns rows stuck in ``sending`` (a worker died mid-POST) into ``unknown`` and
  re-enqueues due ``queued`` rows whose message never ran.
"""

from __future__ import annotations

import json
import logging
import random
import re
from datetime import datetime, timedelta
from typing import Any

from celery import Task, current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from editor.calls import crypto, hooks, samespace
from editor.calls.errors import CallInProgress, DialsOtherNumber, LaunchRefused
from editor.calls.hooks import SendLater
from editor.calls.models import AttemptOutcome, Call, CallAttempt, CallStatus, Credential
from editor.common.errors import InvalidFields
from editor.flowcore import (
    PHONE_NUMBER_RE,
    contact_variables_used,
    dials_other,
    is_valid,
    launch_refusal,
    validate,
)
from editor.flows.models import Flow, FlowVersion

logger = logging.getLogger(__name__)


VARIABLE_NAME_RE = re.compile(r"^[A-Za-z0-9_]{1,64}$")
MAX_VARIABLES = 100
MAX_VARIABLE_LENGTH = 1000
REAP_MARGIN = timedelta(seconds=5)
REAP_BATCH = 500


def _setting(name: str, default: float) -> float:
    return getattr(settings, name, default)


# --- launching ------------------------------------------------------------------------------------


def normalise_number(raw: Any) -> str:
    """``+1 (555) 010-0100`` → ``+15550100100``; raises InvalidFields when it is not a phone number."""
    text = re.sub(r"[\s().\-]", "", raw) if isinstance(raw, str) else ""
    if not PHONE_NUMBER_RE.fullmatch(text):
        raise InvalidFields({"number": ["Enter a phone number: 2 to 15 digits, optionally starting with +."]})
    return text


def _clean_variables(variables: Any) -> dict[str, str]:
    if variables in (None, ""):
        return {}
    if not isinstance(variables, dict):
        raise InvalidFields({"variables": ['Send the contact variables as an object, e.g. {"name": "Ada"}.']})
    if len(variables) > MAX_VARIABLES:
        raise InvalidFields({"variables": [f"At most {MAX_VARIABLES} contact variables."]})
    cleaned: dict[str, str] = {}
    for key, value in variables.items():
        if not isinstance(key, str) or not VARIABLE_NAME_RE.match(key):
            raise InvalidFields({"variables": [f"{key!r} is not a variable name (letters, digits and _)."]})
        if isinstance(value, dict | list):
            raise InvalidFields({"variables": [f"The value of {key} must be text or a number."]})
        text = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
        if len(text) > MAX_VARIABLE_LENGTH:
            raise InvalidFields({"variables": [f"The value of {key} is too long."]})
        cleaned[key] = text
    return cleaned


# Task names stay as they were when all tasks lived in one module: django-celery-beat's stored
# schedules and messages already in the broker name them.
PLACE_CALL_TASK = "editor.tasks.place_call"
REAP_CALLS_TASK = "editor.tasks.reap_calls"


def _place_call_task() -> Task:
    # Looked up by name in the Celery app rather than imported: editor/calls/tasks.py imports this
    # module, and an import back would be a cycle. A web process has not run Celery's autodiscovery
    # of the apps' tasks.py (workers do it at start), so the first lookup there runs it.
    if PLACE_CALL_TASK not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[PLACE_CALL_TASK]


def enqueue_call(call_id: int, *, eta: datetime | None = None) -> None:
    """Publish ``place_call(call_id)``. Only the id travels: never the token or the payload.

    A publish that fails (broker down) is logged, not raised: the row is committed as ``queued``
    and the reaper enqueues it again.
    """
    try:
        _place_call_task().apply_async(args=[call_id], eta=eta)
    except Exception:  # noqa: BLE001 - any broker failure; the reaper recovers the row
        logger.exception("Could not enqueue call %s; the reaper will enqueue it again.", call_id)


def enqueue_calls(queued: list[tuple[int, datetime]], *, now: datetime) -> None:
    """Publish a batch of ``place_call`` messages over one producer (a pool checkout per message
    costs more than the message); each waits for its ``not_before`` when that is later than ``now``.
    A failure is logged, not raised: the rows are committed as ``queued`` and the reaper publishes
    them again."""
    task = _place_call_task()
    try:
        with task.app.producer_or_acquire() as producer:
            for call_id, not_before in queued:
                task.apply_async(args=[call_id], eta=not_before if not_before > now else None, producer=producer)
    except Exception:  # noqa: BLE001 - any broker failure; the reaper recovers the rows
        logger.exception("Could not enqueue %s call(s); the reaper will enqueue them again.", len(queued))


def call_create(
    *,
    version: FlowVersion,
    credential: Credential,
    number: str,
    variables: dict[str, Any] | None = None,
    user: AbstractBaseUser | None = None,
    not_before: datetime | None = None,
    retry_of: Call | None = None,
) -> Call:
    """Create a queued Call and enqueue it when the surrounding transaction commits."""
    number = normalise_number(number)
    contact = _clean_variables(variables)
    contact.pop("number", None)  # the launch number is {{contact.number}}
    flow = version.flow
    if credential.team_id != flow.team_id:
        raise InvalidFields({"credential": ["No such credential in this flow's team."]})
    missing = sorted(contact_variables_used(version.document) - set(contact) - {"number"})
    if missing:
        names = ", ".join(missing)
        raise LaunchRefused(
            f"This flow uses contact variables that have no value: {names}. Give them under \"variables\".",
            extra={"missing_variables": missing, "fields": {"variables": [f"Missing: {names}."]}},
        )
    dialled = dials_other(version.document, number, contact)
    if dialled is not None:
        # A fixed number in the Call step is what the canvas shows and what Samespace would dial:
        # never swap in another number behind the person's back (editor/flowcore/dialling.py).
        message = launch_refusal(version.document, number, dialled)
        raise DialsOtherNumber(message, extra={"dials": dialled, "number": number, "fields": {"number": [message]}})
    payload = samespace.build_payload(
        document=version.document, cloud_id=credential.cloud_id, number=number, variables=contact
    )
    diagnostics = [d for d in validate(payload) if d["severity"] == "error"]
    if not is_valid(diagnostics):
        raise LaunchRefused(
            "With these values the flow is not valid: " + diagnostics[0]["message"],
            extra={"diagnostics": diagnostics},
        )
    events_key, events_secret = None, ""
    if credential.send_events:
        if not settings.PUBLIC_BASE_URL:
            raise LaunchRefused("This credential asks for call events, but PUBLIC_BASE_URL is not set.")
        events_key, events_secret = samespace.new_events_token()
        payload["publish"] = samespace.publish_block(samespace.REDACTED)
    now = timezone.now()
    due = max(not_before or now, now)
    # One INSERT; the message goes out when the caller's transaction commits (at once in autocommit).
    call = Call.objects.create(
        team_id=flow.team_id,
        flow_version=version,
        credential=credential,
        number=number,
        variables=contact,
        not_before=due,
        message_due_at=due,
        request_payload=payload,
        created_by=user if user is not None and user.is_authenticated else None,
        retry_of=retry_of,
        events_key=events_key,
        events_secret=events_secret,
    )
    call_id = call.pk
    transaction.on_commit(lambda: enqueue_call(call_id, eta=due if due > now else None))
    return call


def call_launch(
    *,
    flow: Flow,
    user: AbstractBaseUser | None,
    number: str,
    credential: Credential,
    variables: dict[str, Any] | None = None,
    version_number: int | None = None,
) -> Call:
    """Launch one call of a published version of ``flow`` (the latest unless a number is given)."""
    versions = flow.versions.select_related("flow")
    version = versions.filter(number=version_number).first() if version_number else versions.order_by("-number").first()
    if version is None:
        if version_number:
            raise InvalidFields({"version": [f"This flow has no version {version_number}."]})
        raise LaunchRefused(
            "This flow has no published version yet. Publish it, then launch.",
            extra={"code": "no_published_version"},
        )
    return call_create(version=version, credential=credential, number=number, variables=variables, user=user)


def call_again(*, call: Call, user: AbstractBaseUser | None) -> Call:
    """A person decided to place this call again: a NEW Call with a new idempotency key.

    Used after ``unknown`` (Samespace may or may not have placed the first one), and after
    ``failed`` or ``skipped``. Never automatic.
    """
    if not call.is_final:
        raise CallInProgress("This call is still being placed. Wait for its outcome before calling again.")
    if call.credential is None:
        raise LaunchRefused("The credential of this call was deleted. Launch it again with another credential.")
    return call_create(
        version=call.flow_version,
        credential=call.credential,
        number=call.number,
        variables=call.variables,
        user=user,
        retry_of=call,
    )


# --- placing (the body of the place_call task) --------------------------------------------------------


def call_precheck(call: Call) -> str | SendLater | None:
    """Last checks right before the POST, from the apps built on calls (``editor/calls/hooks.py``).

    Returns why the call must not be sent (→ ``skipped``), a SendLater, or None.
    """
    return hooks.run_precheck(call)


def _send_later(call: Call, not_before: datetime) -> None:
    """Back to ``queued`` until ``not_before``; the claim did not post, so it is not an attempt."""
    with transaction.atomic():
        moved = Call.objects.filter(pk=call.pk, status=CallStatus.SENDING, attempt_count=call.attempt_count).update(
            status=CallStatus.QUEUED, not_before=not_before, message_due_at=not_before, claimed_at=None,
            attempt_count=F("attempt_count") - 1, updated_at=timezone.now(),
        )
        if moved:
            transaction.on_commit(lambda: enqueue_call(call.pk, eta=not_before))


def retry_delay(*, attempt: int, retry_after: float | None) -> float:
    """Seconds before the next attempt: exponential backoff with jitter, never before Retry-After."""
    base = _setting("SAMESPACE_BACKOFF_BASE", 1.0)
    cap = _setting("SAMESPACE_BACKOFF_MAX", 300.0)
    step = min(cap, base * (2 ** max(0, attempt - 1)))
    delay = step / 2 + random.uniform(0, step / 2)  # noqa: S311 - jitter, not security
    if retry_after is not None:
        wait = min(retry_after, _setting("SAMESPACE_RETRY_AFTER_MAX", 3600.0))
        delay = max(delay, wait + random.uniform(0, min(1.0, wait * 0.1)))  # noqa: S311
    return delay


def _finish(call: Call, status: str, *, error: str = "", now: datetime | None = None) -> None:
    now = now or timezone.now()
    Call.objects.filter(pk=call.pk, status=CallStatus.SENDING).update(
        status=status, error=error, finished_at=now, updated_at=now
    )


@sensitive_variables("payload", "token")
def call_place(*, call_id: int) -> str:
    """Claim, re-check, post and record one attempt of a call. Returns what happened (for logs).

    Queries on the common path: claim UPDATE, SELECT call + credential, INSERT attempt,
    UPDATE call (4; constant whatever the number of calls).
    """
    now = timezone.now()
    claimed = Call.objects.filter(pk=call_id, status=CallStatus.QUEUED, not_before__lte=now).update(
        status=CallStatus.SENDING, claimed_at=now, attempt_count=F("attempt_count") + 1, updated_at=now
    )
    if claimed != 1:
        logger.info("Call %s not claimed: another worker has it, it is finished, or it is not due.", call_id)
        return "not_claimed"
    call = Call.objects.select_related("credential").get(pk=call_id)

    reason = call_precheck(call)
    if isinstance(reason, SendLater):
        _send_later(call, reason.not_before)
        return "deferred"
    if reason:
        _finish(call, CallStatus.SKIPPED, error=reason)
        return "skipped"
    credential = call.credential
    if credential is None:
        _finish(call, CallStatus.FAILED, error="The credential of this call was deleted before it was sent.")
        return "failed"
    try:
        payload = {**call.request_payload, "cloud_id": credential.cloud_id, "auth_token": credential.reveal_token()}
        if call.events_key:
            token = call.events_key + call.events_secret
            payload["publish"] = samespace.with_events_token(payload.get("publish"), token)
    except crypto.InvalidToken:
        _finish(call, CallStatus.FAILED, error="The credential's token cannot be decrypted with FIELD_ENCRYPTION_KEYS.")
        return "failed"

    started_at = timezone.now()
    try:
        outcome = samespace.post_call(
            base_url=credential.base_url, payload=payload, idempotency_key=str(call.idempotency_key)
        )
    except SoftTimeLimitExceeded as exc:
        outcome = samespace.Outcome(
            samespace.Kind.UNKNOWN, error=f"The worker's time limit cut the request short ({type(exc).__name__})."
        )
    finally:
        del payload  # the only object holding the token
    _record(call, outcome, started_at=started_at)
    logger.info("Call %s attempt %s: %s %s", call.pk, call.attempt_count, outcome.kind, outcome.status_code or "")
    return outcome.kind


def _record(call: Call, outcome: samespace.Outcome, *, started_at: datetime) -> None:
    """Store one attempt, then move the call on. Two autocommit statements, no transaction:

    the attempt row is written first and is the durable record of what Samespace answered; if the
    worker dies before the call row is updated, the reaper finishes the call from that attempt.
    """
    now = timezone.now()
    attempt = call.attempt_count
    max_attempts = int(_setting("SAMESPACE_MAX_ATTEMPTS", 5))
    retrying = outcome.kind == samespace.Kind.RETRY and attempt < max_attempts
    delay = retry_delay(attempt=attempt, retry_after=outcome.retry_after) if retrying else None
    if outcome.kind == samespace.Kind.RETRY:
        attempt_outcome = AttemptOutcome.RETRY if retrying else AttemptOutcome.FAILED
    else:
        attempt_outcome = outcome.kind
    CallAttempt.objects.create(
        call_id=call.pk,
        number=attempt,
        started_at=started_at,
        duration_ms=outcome.duration_ms,
        outcome=attempt_outcome,
        status_code=outcome.status_code,
        body_excerpt=outcome.excerpt,
        error=outcome.error,
        retry_in=delay,
    )
    common = {"response_status": outcome.status_code, "response_body": outcome.body, "updated_at": now}
    if retrying:
        assert delay is not None
        _requeue(call.pk, attempt, not_before=now + timedelta(seconds=delay), error=outcome.error, **common)
        return
    if outcome.kind == samespace.Kind.RETRY:
        status = CallStatus.FAILED
        error = f"Gave up after {attempt} attempts. Last: {outcome.error}"
    else:
        status, error = outcome.kind, outcome.error
    if outcome.auth_rejected and call.credential_id:
        # Marked before the call is finished: whoever sees the call failed also sees why.
        Credential.objects.filter(pk=call.credential_id).update(rejected_at=now)
        credential = call.credential
        transaction.on_commit(lambda: hooks.credential_rejected.send(sender=Credential, credential=credential))
    # A row the reaper already turned to unknown gets the real outcome of this same attempt.
    still_open = [CallStatus.SENDING, CallStatus.UNKNOWN]
    Call.objects.filter(pk=call.pk, attempt_count=attempt, status__in=still_open).update(
        status=status, error=error, samespace_call_id=outcome.samespace_call_id, finished_at=now, **common
    )


def _requeue(call_id: int, attempt: int, *, not_before: datetime, **fields: Any) -> bool:
    """Back to ``queued`` for another attempt with the same idempotency key, not before ``not_before``.

    Short waits ride on a Celery countdown; longer ones wait in the database for the reaper.
    """
    countdown_ok = (not_before - timezone.now()).total_seconds() <= _setting("CALLS_MAX_COUNTDOWN", 60.0)
    moved = Call.objects.filter(pk=call_id, status=CallStatus.SENDING, attempt_count=attempt).update(
        status=CallStatus.QUEUED, not_before=not_before, message_due_at=not_before if countdown_ok else None, **fields
    )
    if moved and countdown_ok:
        transaction.on_commit(lambda: enqueue_call(call_id, eta=not_before))
    return bool(moved)


# --- the reaper ------------------------------------------------------------------------------------


LOST_IN_SENDING = (
    "The worker stopped while sending this call (crash, kill or restart) and no answer was recorded. "
    "Samespace may have placed it: check, then use \"call again\" if needed."
)


def calls_reap(*, now: datetime | None = None) -> dict[str, int]:
    """Turn stuck ``sending`` rows into ``unknown``; re-enqueue due ``queued`` rows whose message was lost.

    Safe to run anywhere and concurrently: every change is a conditional UPDATE, and a duplicate
    message for a row only loses its claim.
    """
    now = now or timezone.now()
    limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) + REAP_MARGIN
    stuck = list(
        Call.objects.filter(status=CallStatus.SENDING, claimed_at__lt=now - limit)
        .values_list("pk", "attempt_count", "claimed_at")[:REAP_BATCH]
    )
    reaped = 0
    for pk, attempt, claimed_at in stuck:
        recorded = CallAttempt.objects.filter(call_id=pk, number=attempt).first()
        if recorded is not None:
            _finish_from_attempt(pk, recorded, now=now)  # the answer was stored, the call row was not
            continue
        with transaction.atomic():
            changed = Call.objects.filter(pk=pk, status=CallStatus.SENDING, attempt_count=attempt).update(
                status=CallStatus.UNKNOWN, error=LOST_IN_SENDING, finished_at=now, updated_at=now
            )
            if changed:
                reaped += 1
                CallAttempt.objects.get_or_create(
                    call_id=pk,
                    number=attempt,
                    defaults={"started_at": claimed_at or now, "outcome": AttemptOutcome.UNKNOWN,
                              "error": "No answer recorded: the worker stopped during this attempt."},
                )
    if reaped:
        logger.warning("Reaper: %s call(s) left in sending by a stopped worker are now unknown.", reaped)

    grace = timedelta(seconds=_setting("CALLS_REQUEUE_AFTER", 120.0))
    due = Call.objects.filter(status=CallStatus.QUEUED, not_before__lte=now).filter(
        Q(message_due_at__isnull=True) | Q(message_due_at__lt=now - grace)
    )
    with transaction.atomic():
        locked = due.select_for_update(skip_locked=True).order_by("not_before")
        ids = list(locked.values_list("pk", flat=True)[:REAP_BATCH])
        if ids:
            Call.objects.filter(pk__in=ids, status=CallStatus.QUEUED).update(message_due_at=now)
            transaction.on_commit(lambda: [enqueue_call(pk) for pk in ids])
    if ids:
        logger.info("Reaper: enqueued %s due queued call(s) again.", len(ids))
    return {"unknown": reaped, "requeued": len(ids)}


def _finish_from_attempt(call_id: int, recorded: CallAttempt, *, now: datetime) -> None:
    """A worker stored an attempt's answer but stopped before updating the call: finish it from there."""
    common = {"response_status": recorded.status_code, "response_body": recorded.body_excerpt, "updated_at": now}
    if recorded.outcome == AttemptOutcome.RETRY:
        wait = timedelta(seconds=recorded.retry_in or 0)
        _requeue(call_id, recorded.number, not_before=max(now, recorded.started_at + wait), error=recorded.error,
                 **common)
        return
    try:
        call_id_found = samespace.find_call_id(json.loads(recorded.body_excerpt)) if recorded.body_excerpt else ""
    except ValueError:
        call_id_found = ""
    Call.objects.filter(pk=call_id, status=CallStatus.SENDING, attempt_count=recorded.number).update(
        status=recorded.outcome, error=recorded.error, samespace_call_id=call_id_found, finished_at=now, **common
    )
    logger.warning("Reaper: call %s finished from its recorded attempt (%s).", call_id, recorded.outcome)
