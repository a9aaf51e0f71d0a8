"""Campaigns: create, change, delete, and every status change (docs/architecture.md, "Calls and campaigns").

``campaign_transition`` is the only code that changes ``Campaign.status``: one conditional UPDATE
whose ``WHERE status IN (...)`` lists the states the target may be reached from, so two people (or
a person and the dispatcher) acting at once cannot both win, and a refused change says why.

    draft → scheduled → running ⇄ paused → completed | cancelled

(``scheduled`` and ``paused`` may also end; a paused campaign whose start is still ahead resumes
to ``scheduled``.) The dispatcher (services/dispatch.py) starts, pauses (401) and
completes campaigns through it too.
"""

from __future__ import annotations

import logging
from datetime import datetime, time
from typing import Any

import phonenumbers
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce

from editor.accounts.models import Team
from editor.calls.errors import DialsOtherNumber
from editor.calls.models import Credential
from editor.campaigns import clock
from editor.campaigns.models import (
    CAMPAIGN_FINAL,
    Campaign,
    CampaignContact,
    CampaignPacing,
    CampaignStatus,
    ContactStatus,
    ImportStatus,
)
from editor.campaigns.window import is_zone
from editor.common.errors import InvalidFields, ServiceError
from editor.flowcore import campaign_refusal, campaign_stop_reason, contact_variables_used, dialling
from editor.flows.models import FlowVersion

logger = logging.getLogger(__name__)

S = CampaignStatus
# target → the states it may be reached from
ALLOWED_FROM: dict[str, tuple[str, ...]] = {
    S.SCHEDULED: (S.DRAFT, S.PAUSED),
    S.RUNNING: (S.SCHEDULED, S.PAUSED),
    S.PAUSED: (S.SCHEDULED, S.RUNNING),
    S.COMPLETED: (S.SCHEDULED, S.RUNNING, S.PAUSED),
    S.CANCELLED: (S.DRAFT, S.SCHEDULED, S.RUNNING, S.PAUSED),
}
VERBS = {S.SCHEDULED: "started", S.RUNNING: "started or resumed", S.PAUSED: "paused", S.COMPLETED: "completed",
         S.CANCELLED: "cancelled"}
EDITABLE_FIELDS = ("name", "flow_version", "credential", "timezone", "starts_at", "ends_at", "window_start",
                   "window_end", "weekdays", "calls_per_minute", "max_attempts", "retry_delay_seconds",
                   "default_region")
EDITABLE_WHEN_NOT_DRAFT = frozenset({
    "name", "timezone", "starts_at", "ends_at", "window_start", "window_end", "weekdays", "calls_per_minute",
    "max_attempts", "retry_delay_seconds",
})
MAX_CALLS_PER_MINUTE = 6000
MAX_ATTEMPTS = 10
MAX_RETRY_DELAY = 30 * 24 * 3600


class CampaignStateError(ServiceError):
    status_code = 409
    code = "campaign_state"


class CampaignNotReady(ServiceError):
    code = "campaign_not_ready"


# --- fields -------------------------------------------------------------------------------------


def _clean(team: Team, data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Check and normalise campaign fields; raise InvalidFields listing every problem."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}

    def bad(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    for key, value in data.items():
        if key == "name":
            name = (value or "").strip() if isinstance(value, str) else ""
            if not name:
                bad(key, "Give the campaign a name.")
            elif len(name) > 200:
                bad(key, "At most 200 characters.")
            out[key] = name
        elif key == "flow_version":
            if not isinstance(value, FlowVersion) or value.flow.team_id != team.pk:
                bad(key, "Choose a published version of one of this team's flows.")
            out[key] = value
        elif key == "credential":
            if value is not None and (not isinstance(value, Credential) or value.team_id != team.pk):
                bad(key, "Choose one of this team's Samespace credentials.")
            out[key] = value
        elif key == "timezone":
            if not isinstance(value, str) or not is_zone(value):
                bad(key, "Use a time zone name such as Europe/Paris or America/New_York.")
            out[key] = value
        elif key in ("starts_at", "ends_at"):
            if value is not None and not (isinstance(value, datetime) and value.tzinfo is not None):
                bad(key, "Give a date and time with its time zone.")
            out[key] = value
        elif key in ("window_start", "window_end"):
            if not isinstance(value, time):
                bad(key, "Give a time of day such as 09:00.")
            out[key] = value.replace(second=0, microsecond=0, tzinfo=None) if isinstance(value, time) else value
        elif key == "weekdays":
            days = value if isinstance(value, list | tuple) else []
            if not days or not all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 6 for d in days):
                bad(key, "Choose at least one weekday (0 = Monday … 6 = Sunday).")
            else:
                out[key] = sorted(set(days))
        elif key == "calls_per_minute":
            if not _int_between(value, 0, MAX_CALLS_PER_MINUTE):
                bad(key, f"A whole number from 0 (no limit) to {MAX_CALLS_PER_MINUTE}.")
            out[key] = value
        elif key == "max_attempts":
            if not _int_between(value, 1, MAX_ATTEMPTS):
                bad(key, f"A whole number from 1 to {MAX_ATTEMPTS}.")
            out[key] = value
        elif key == "retry_delay_seconds":
            if not _int_between(value, 0, MAX_RETRY_DELAY):
                bad(key, "Between 0 seconds and 30 days.")
            out[key] = value
        elif key == "default_region":
            region = value.upper() if isinstance(value, str) else ""
            if region not in phonenumbers.SUPPORTED_REGIONS:
                bad(key, "A two-letter country code such as US, GB or FR.")
            out[key] = region
        else:
            bad(key, "Unknown field.")
    if not partial:
        for required in ("name", "flow_version"):
            if required not in data:
                bad(required, "This field is required.")
    if errors:
        raise InvalidFields(errors)
    return out


def check_fields(team: Team, fields: dict[str, Any]) -> dict[str, Any]:
    """The field checks of create and update, for forms that want them before saving."""
    return _clean(team, fields, partial=True)


def _int_between(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _check_dialling(version: FlowVersion | None) -> None:
    """A campaign calls each contact's number: refuse a version whose Call step dials anything else
    (a fixed number would ring one phone once per contact; editor/flowcore/dialling.py)."""
    problem = campaign_refusal(version.document) if version is not None else None
    if problem:
        raise DialsOtherNumber(problem, extra={"dials": dialling(version.document).number,
                                               "fields": {"flow_version": [problem]}})


def _check_dates(campaign: Campaign) -> None:
    if campaign.starts_at and campaign.ends_at and campaign.ends_at <= campaign.starts_at:
        raise InvalidFields({"ends_at": ["The end must come after the start."]})


@transaction.atomic
def campaign_create(*, team: Team, user: AbstractBaseUser | None, **fields: Any) -> Campaign:
    """A draft campaign. Fields as on the model; ``name`` and ``flow_version`` are required."""
    cleaned = _clean(team, fields, partial=False)
    _check_dialling(cleaned["flow_version"])
    campaign = Campaign(team=team, created_by=user if user is not None and user.is_authenticated else None,
                        status_changed_at=clock.now(), **cleaned)
    _check_dates(campaign)
    campaign.save()
    CampaignPacing.objects.create(campaign=campaign)
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, **fields: Any) -> Campaign:
    """Change fields. Only a draft may change its flow version, credential and region."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.is_final:
        raise CampaignStateError(f"This campaign is {campaign.get_status_display().lower()}: it can no longer change.")
    if campaign.status != S.DRAFT:
        frozen = sorted(set(fields) - EDITABLE_WHEN_NOT_DRAFT)
        if frozen:
            raise CampaignStateError(
                f"Only a draft campaign can change {', '.join(frozen)}. Pause it to change its schedule or pace.",
                extra={"fields": {name: ["Only in a draft campaign."] for name in frozen}},
            )
    cleaned = _clean(campaign.team, fields, partial=True)
    _check_dialling(cleaned.get("flow_version"))
    for key, value in cleaned.items():
        setattr(campaign, key, value)
    _check_dates(campaign)
    campaign.save()
    return campaign


def campaign_delete(*, campaign: Campaign) -> None:
    """Delete a campaign that is not in progress (its calls keep their history)."""
    if campaign.status in (S.SCHEDULED, S.RUNNING, S.PAUSED):
        raise CampaignStateError("Cancel the campaign before deleting it.")
    campaign.delete()


# --- status -------------------------------------------------------------------------------------


def campaign_transition(*, campaign: Campaign, to: str, reason: str = "",
                        only_from: tuple[str, ...] | None = None) -> Campaign:
    """Move ``campaign`` to ``to`` if its current state allows it; the one place statuses change.

    ``only_from`` narrows the allowed origins (the dispatcher pausing only a *running* campaign).
    Leaving for ``cancelled`` or ``completed`` closes the contacts still waiting. Raises
    CampaignStateError when the change is not allowed from the current state.
    """
    allowed = ALLOWED_FROM.get(to, ())
    if only_from is not None:
        allowed = tuple(s for s in allowed if s in only_from)
    now = clock.now()
    changes: dict[str, Any] = {"status": to, "status_reason": reason[:2000], "status_changed_at": now,
                               "updated_at": now}
    if to == S.RUNNING:
        changes["started_at"] = Coalesce(F("started_at"), now)
    if to in CAMPAIGN_FINAL:
        changes["finished_at"] = now
    with transaction.atomic():
        changed = Campaign.objects.filter(pk=campaign.pk, status__in=allowed).update(**changes)
        if not changed:
            current = Campaign.objects.filter(pk=campaign.pk).values_list("status", flat=True).first()
            label = S(current).label.lower() if current else "deleted"
            raise CampaignStateError(f"This campaign is {label}: it cannot be {VERBS.get(to, to)}.",
                                     extra={"status": current})
        waiting = CampaignContact.objects.filter(campaign_id=campaign.pk, status=ContactStatus.PENDING)
        if to == S.CANCELLED:
            waiting.update(status=ContactStatus.CANCELLED, note="The campaign was cancelled.", finished_at=now)
        elif to == S.COMPLETED:
            waiting.update(status=ContactStatus.NOT_CALLED, note=reason[:300] or "The campaign ended.",
                           finished_at=now)
    logger.info("Campaign %s is now %s. %s", campaign.pk, to, reason)
    campaign.refresh_from_db()
    return campaign


def missing_variables(campaign: Campaign) -> list[str]:
    """Contact variables the flow uses that no imported CSV column provides."""
    used = contact_variables_used(campaign.flow_version.document) - {"number"}
    return sorted(used - set(campaign.columns or []))


def start_problems(campaign: Campaign) -> list[str]:
    """Why this campaign cannot start yet, in plain words (empty: ready)."""
    problems = []
    if campaign.credential is None:
        problems.append("Choose a Samespace credential.")
    elif campaign.credential.rejected_at is not None:
        problems.append(f"Samespace refused the token of the credential “{campaign.credential.name}”. "
                        "Update it on the credentials page first.")
    if campaign.imports.filter(status__in=(ImportStatus.QUEUED, ImportStatus.RUNNING)).exists():
        problems.append("Contacts are still being imported: start the campaign when the import is done.")
    elif not campaign.contacts.filter(status=ContactStatus.PENDING).exists():
        problems.append("Upload contacts: there is nobody to call yet.")
    dials = campaign_refusal(campaign.flow_version.document)
    if dials:  # a draft made before campaigns refused such versions
        problems.append(dials)
    missing = missing_variables(campaign)
    if missing:
        names = ", ".join("{{contact." + name + "}}" for name in missing)
        which = "it" if len(missing) == 1 else "them"
        problems.append(f"The flow uses {names}, but no uploaded column provides {which}. Add the column to the CSV.")
    if not campaign.weekdays:
        problems.append("Choose at least one weekday.")
    if campaign.ends_at and campaign.ends_at <= clock.now():
        problems.append("The end time has already passed.")
    return problems


def campaign_start(*, campaign: Campaign) -> Campaign:
    """draft → scheduled, and on to running at once when the start time has come."""
    campaign.refresh_from_db()  # the checks read columns an import may just have changed
    if campaign.status != S.DRAFT:
        raise CampaignStateError(f"This campaign is {campaign.get_status_display().lower()}: it was already started.")
    problems = start_problems(campaign)
    if problems:
        raise CampaignNotReady(problems[0], extra={"problems": problems,
                                                   "missing_variables": missing_variables(campaign)})
    campaign = campaign_transition(campaign=campaign, to=S.SCHEDULED, only_from=(S.DRAFT,))
    return _run_if_due(campaign)


def _run_if_due(campaign: Campaign) -> Campaign:
    if campaign.status == S.SCHEDULED and (campaign.starts_at is None or campaign.starts_at <= clock.now()):
        try:
            return campaign_transition(campaign=campaign, to=S.RUNNING, only_from=(S.SCHEDULED,))
        except CampaignStateError:
            campaign.refresh_from_db()  # the dispatcher got there first
    return campaign


def campaign_pause(*, campaign: Campaign, reason: str = "Paused by a person.") -> Campaign:
    return campaign_transition(campaign=campaign, to=S.PAUSED, reason=reason)


def campaign_resume(*, campaign: Campaign) -> Campaign:
    if campaign.status != S.PAUSED:
        raise CampaignStateError(f"This campaign is {campaign.get_status_display().lower()}: only a paused "
                                 "campaign can resume.")
    credential = campaign.credential
    if credential is None:
        raise CampaignNotReady("The campaign's credential was deleted. Choose another one first.")
    credential.refresh_from_db(fields=["rejected_at"])
    if credential.rejected_at is not None:
        raise CampaignNotReady(f"Samespace still refuses the token of “{credential.name}” (401). Update the token "
                               "on the credentials page, then resume.")
    stop = campaign_stop_reason(campaign.flow_version.document)
    if stop:  # resuming would only be paused again by the dispatcher (services/dispatch.py)
        raise CampaignNotReady(stop)
    target = S.SCHEDULED if campaign.starts_at and campaign.starts_at > clock.now() else S.RUNNING
    return campaign_transition(campaign=campaign, to=target, only_from=(S.PAUSED,))


def campaign_cancel(*, campaign: Campaign, reason: str = "Cancelled by a person.") -> Campaign:
    return campaign_transition(campaign=campaign, to=S.CANCELLED, reason=reason)


def pause_for_credential(credential: Credential, reason: str) -> list[int]:
    """Pause every scheduled or running campaign using ``credential``; returns their ids."""
    paused = []
    open_states = (S.SCHEDULED, S.RUNNING)
    for campaign in Campaign.objects.filter(credential_id=credential.pk, status__in=open_states):
        try:
            campaign_transition(campaign=campaign, to=S.PAUSED, reason=reason, only_from=open_states)
            paused.append(campaign.pk)
        except CampaignStateError:
            pass  # someone else changed it first
    return paused


def credential_refused_reason(credential: Credential) -> str:
    return (f"Samespace refused the auth token of the credential “{credential.name}” (401 Unauthorized). "
            "Update the token on the credentials page, then resume.")


def on_credential_rejected(sender: Any, credential: Credential, **kwargs: Any) -> None:
    pause_for_credential(credential, credential_refused_reason(credential))


# --- reads used by pages and the API --------------------------------------------------------------


def contact_counts(campaign: Campaign) -> dict[str, int]:
    from django.db.models import Count

    rows = campaign.contacts.values("status").annotate(n=Count("id")).order_by()
    counts = {status: 0 for status in ContactStatus.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def open_campaigns_q() -> Q:
    return Q(status__in=(S.SCHEDULED, S.RUNNING, S.PAUSED))
