"""The campaign dispatcher: the beat tick, send slots, and the last checks before a campaign call
is posted (docs/architecture.md, "Calls and campaigns").

Each tick (``campaigns_tick``, every CAMPAIGN_TICK_SECONDS from beat, safe to run concurrently):

1. records the outcome of finished calls on their contacts (``reconcile``): accepted and unknown
   are final; a failed call is retried through ``next_attempt_at`` (never a Celery ETA) until the
   campaign's max attempts; a 401 does not use up an attempt (the campaign is paused instead);
2. starts scheduled campaigns whose start time came, completes those past their end time;
3. for each running campaign: pauses it if its credential is gone or refused, or if its flow version's
   Call step dials anything but each contact's number (a campaign made before campaigns refused such
   versions: editor/flowcore/dialling.py), closes waiting
   contacts that joined the do-not-call list, completes it when every contact is final, and
   otherwise claims due contacts whose local calling window is open with
   ``select_for_update(skip_locked=True)``, creates their Call rows and enqueues ``place_call``
   on commit.

Pacing holds across any number of workers because it lives in the database: a paced campaign's
calls get send slots from one cursor row (``CampaignPacing``), spaced 60/calls_per_minute seconds
apart, and each call is posted at its slot (``not_before`` and the Celery ETA of a few seconds at
most). ``campaign_precheck`` checks the slot again when sending: a call whose slot is more than half
a spacing old (its message was late: busy workers, a restart, a re-delivery) takes a fresh slot,
and waits for it when it is at most CAMPAIGN_MAX_SLOT_WAIT seconds away or goes back to
``queued`` until then. So every post happens within half a spacing after its own
slot, and no window of W seconds holds more than W/spacing + 1 posts (the other half spacing
absorbs the few milliseconds between the check and the request reaching Samespace).
"""

from __future__ import annotations

import json
import logging
import math
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.utils import timezone as dj_timezone
from django.utils.dateparse import parse_datetime, parse_time

from editor.calls import samespace
from editor.calls.hooks import SendLater
from editor.calls.models import Call, CallStatus
from editor.calls.services.calls import enqueue_calls
from editor.campaigns import clock
from editor.campaigns.models import (
    Campaign,
    CampaignCall,
    CampaignContact,
    CampaignPacing,
    CampaignStatus,
    ContactStatus,
    DoNotCall,
)
from editor.campaigns.services.campaigns import (
    CampaignStateError,
    campaign_transition,
    credential_refused_reason,
    pause_for_credential,
)
from editor.campaigns.window import UTC as UTC_ZONE
from editor.campaigns.window import window_open
from editor.campaigns.window import zone as tz_of
from editor.flowcore import campaign_stop_reason, contact_variables_used, validate

logger = logging.getLogger(__name__)
S = CampaignStatus
C = ContactStatus
SLOT_EPSILON = timedelta(milliseconds=20)  # a slot this close is "now"
STOPPED = "Paused so that no call goes out. "  # before campaign_stop_reason's why and how to fix it
UNKNOWN_NOTE = ("Samespace may have placed this call (no clear answer), so it is not retried automatically. "
                "Check, then use “call again” on the call's page if needed.")


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def on_dnc(team_field: str = "campaign__team_id") -> Exists:
    return Exists(DoNotCall.objects.filter(team_id=OuterRef(team_field), number=OuterRef("number")))


# --- the tick ------------------------------------------------------------------------------------


def campaigns_tick() -> dict[str, int]:
    now = clock.now()
    stats = {"reconciled": reconcile(now=now), "dispatched": 0}
    due_start = Q(starts_at__isnull=True) | Q(starts_at__lte=now)
    for campaign in Campaign.objects.filter(status=S.SCHEDULED).filter(due_start):
        _try(campaign, S.RUNNING, "", (S.SCHEDULED,))
    for campaign in Campaign.objects.filter(status__in=(S.SCHEDULED, S.PAUSED), ends_at__lte=now):
        _try(campaign, S.COMPLETED, "The end time was reached.", (S.SCHEDULED, S.PAUSED))
    running = Campaign.objects.filter(status=S.RUNNING).select_related("credential", "flow_version")
    for campaign in running:
        stats["dispatched"] += dispatch_campaign(campaign, now=now)
    return stats


def _try(campaign: Campaign, to: str, reason: str, only_from: tuple[str, ...]) -> bool:
    try:
        campaign_transition(campaign=campaign, to=to, reason=reason, only_from=only_from)
        return True
    except CampaignStateError:
        return False  # a person or another tick changed it first


def reconcile(*, now: datetime) -> int:
    """Move contacts whose last call finished to what that outcome means (a few UPDATEs per tick)."""
    calling = CampaignContact.objects.filter(status=C.CALLING)
    if not calling.exists():  # the common idle case: one indexed query instead of seven UPDATEs
        return 0
    done = 0
    done += calling.filter(last_call__status=CallStatus.ACCEPTED).update(status=C.ACCEPTED, note="", finished_at=now)
    done += calling.filter(last_call__status=CallStatus.UNKNOWN).update(
        status=C.UNKNOWN, note=UNKNOWN_NOTE, finished_at=now)
    failed = calling.filter(last_call__status=CallStatus.FAILED)
    done += failed.filter(last_call__response_status=401).update(
        status=C.PENDING, attempts=F("attempts") - 1,
        note="Samespace refused the credential (401); this attempt does not count.")
    done += failed.filter(attempts__gte=F("campaign__max_attempts")).update(
        status=C.FAILED, finished_at=now, note="Failed on every attempt.")
    retry = failed.exclude(last_call__response_status=401).filter(attempts__lt=F("campaign__max_attempts"))
    for campaign_id, delay in retry.values_list("campaign_id", "campaign__retry_delay_seconds").distinct():
        done += retry.filter(campaign_id=campaign_id).update(
            status=C.PENDING, next_attempt_at=now + timedelta(seconds=delay),
            note="The last attempt failed; it will be tried again.")
    # Not sent (its own check put it back, or the call row was deleted): the attempt does not count.
    done += calling.filter(Q(last_call__status=CallStatus.SKIPPED) | Q(last_call__isnull=True)).update(
        status=C.PENDING, attempts=F("attempts") - 1)
    return done


def _open_zones(campaign: Campaign, zones: list[str], now: datetime) -> list[str]:
    """The contact zones ('' = the campaign's zone) whose calling window is open now."""
    return [z for z in zones if window_open(now, z or campaign.timezone, campaign.window_start, campaign.window_end,
                                            campaign.weekdays)]


def dispatch_campaign(campaign: Campaign, *, now: datetime) -> int:
    """One tick's work for one running campaign; returns how many calls it queued."""
    if campaign.ends_at and now >= campaign.ends_at:
        _try(campaign, S.COMPLETED, "The end time was reached.", (S.RUNNING,))
        return 0
    credential = campaign.credential
    if credential is None:
        _try(campaign, S.PAUSED, "The campaign's credential was deleted. Choose another one, then resume.",
             (S.RUNNING,))
        return 0
    if credential.rejected_at is not None:
        pause_for_credential(credential, credential_refused_reason(credential))
        return 0
    stop = campaign_stop_reason(campaign.flow_version.document)
    if stop:  # what is dialled is what is shown: never one fixed number once per contact
        _try(campaign, S.PAUSED, STOPPED + stop, (S.RUNNING,))
        return 0
    contacts = CampaignContact.objects.filter(campaign_id=campaign.pk)
    contacts.filter(status=C.PENDING).filter(on_dnc()).update(
        status=C.DO_NOT_CALL, note="On the do-not-call list: not called.", finished_at=now)
    counts = dict(contacts.filter(status__in=(C.PENDING, C.CALLING)).values_list("status").annotate(n=Count("id"))
                  .order_by())
    pending, calling = counts.get(C.PENDING, 0), counts.get(C.CALLING, 0)
    if not pending and not calling:
        _try(campaign, S.COMPLETED, "Every contact was called.", (S.RUNNING,))
        return 0
    zones = _open_zones(campaign, sorted(set(campaign.zones or []) | {""}), now)
    room = int(_setting("CAMPAIGN_MAX_IN_FLIGHT", 1000)) - calling
    want = min(int(_setting("CAMPAIGN_BATCH", 500)), room, pending)
    if not zones or want <= 0:
        return 0
    return _claim_and_queue(campaign, zones=zones, want=want, now=now)


def _claim_and_queue(campaign: Campaign, *, zones: list[str], want: int, now: datetime) -> int:
    spacing = 60.0 / campaign.calls_per_minute if campaign.calls_per_minute else 0.0
    tick = _setting("CAMPAIGN_TICK_SECONDS", 5.0)
    with transaction.atomic():
        # One tick at a time per campaign; another tick holding it simply skips this campaign.
        pacing = CampaignPacing.objects.select_for_update(skip_locked=True).filter(pk=campaign.pk).first()
        if pacing is None:
            if CampaignPacing.objects.filter(pk=campaign.pk).exists():
                return 0
            pacing = CampaignPacing.objects.create(campaign=campaign)
        real = clock.real_now()
        first = max(pacing.next_slot_at or real, real)
        if spacing:
            horizon = real + timedelta(seconds=max(2 * tick, 2.0))
            want = min(want, max(0, math.floor((horizon - first).total_seconds() / spacing)))
            if want <= 0:
                return 0
        due = (CampaignContact.objects.filter(campaign_id=campaign.pk, status=C.PENDING, timezone__in=zones)
               .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
               .exclude(on_dnc("campaign__team_id")))
        rows = list(due.select_for_update(skip_locked=True, of=("self",)).order_by("id")
                    .only("id", "number", "variables", "attempts")[:want])
        if not rows:
            return 0
        calls, claimed, refused = _build_calls(campaign, rows, first=first, spacing=spacing, real=real)
        Call.objects.bulk_create(calls)
        links = [CampaignCall(call_id=call.pk, contact_id=contact.pk)
                 for call, contact in zip(calls, claimed, strict=True)]
        CampaignCall.objects.bulk_create(links)
        # One UPDATE for the batch: each contact's last call is its newest Call (just created).
        newest = CampaignCall.objects.filter(contact_id=OuterRef("pk")).order_by("-call_id").values("call_id")[:1]
        CampaignContact.objects.filter(pk__in=[c.pk for c in claimed]).update(
            status=C.CALLING, attempts=F("attempts") + 1, last_call_id=Subquery(newest), next_attempt_at=None,
            note="")
        for contact, message in refused:
            CampaignContact.objects.filter(pk=contact.pk).update(status=C.FAILED, note=message[:300], finished_at=now)
        if spacing:
            pacing.next_slot_at = first + timedelta(seconds=spacing * len(calls))
            pacing.save(update_fields=["next_slot_at"])
        queued = [(call.pk, call.not_before) for call in calls]
        transaction.on_commit(lambda: _enqueue_all(queued, real))
    return len(calls)


def _build_calls(campaign: Campaign, rows: list[CampaignContact], *, first: datetime, spacing: float,
                 real: datetime) -> tuple[list[Call], list[CampaignContact], list[tuple[CampaignContact, str]]]:
    credential = campaign.credential
    assert credential is not None
    document = campaign.flow_version.document
    check = bool(contact_variables_used(document) - {"number"})  # contact values may break a field
    calls: list[Call] = []
    claimed: list[CampaignContact] = []
    refused: list[tuple[CampaignContact, str]] = []
    for contact in rows:
        payload = samespace.build_payload(document=document, cloud_id=credential.cloud_id, number=contact.number,
                                          variables=contact.variables)
        if check:
            errors = [d for d in validate(payload) if d["severity"] == "error"]
            if errors:
                refused.append((contact, "With this contact's values the flow is not valid: " + errors[0]["message"]))
                continue
        not_before = first + timedelta(seconds=spacing * len(calls)) if spacing else real
        calls.append(Call(team_id=campaign.team_id, flow_version_id=campaign.flow_version_id,
                          credential_id=credential.pk, number=contact.number, variables=contact.variables,
                          not_before=not_before, message_due_at=not_before, request_payload=payload,
                          precheck=PRECHECK))
        claimed.append(contact)
    return calls, claimed, refused


def _enqueue_all(queued: list[tuple[int, datetime]], real: datetime) -> None:
    enqueue_calls(queued, now=real)


# The name campaign calls carry in ``Call.precheck``: calls runs ``campaign_precheck`` for them
# (connected by editor/campaigns/services/hooks.py).
PRECHECK = "campaign"


# --- send slots -----------------------------------------------------------------------------------


def take_slot(campaign_id: int, *, spacing: float) -> datetime:
    """Reserve the campaign's next send slot (now, or later when the pace is ahead)."""
    with transaction.atomic():
        pacing = CampaignPacing.objects.select_for_update().filter(pk=campaign_id).first()
        if pacing is None:
            pacing, _ = CampaignPacing.objects.get_or_create(campaign_id=campaign_id)
        real = clock.real_now()
        slot = max(pacing.next_slot_at or real, real)
        pacing.next_slot_at = slot + timedelta(seconds=spacing)
        pacing.save(update_fields=["next_slot_at"])
    return slot


# --- the last checks before posting (call_precheck) ------------------------------------------------


def campaign_precheck(call: Call) -> str | SendLater | None:
    """Right before a campaign call is posted: campaign state, end time, what the version dials,
    credential, do-not-call, the callee's calling window and the send slot. Returns why it must not be sent (→ skipped,
    and the contact is updated), a SendLater (→ back to queued until its new slot), or None.

    A call whose slot went stale takes a fresh one; when that is only a moment away the worker
    waits for it (then checks everything again: the campaign may have been paused meanwhile),
    otherwise the call goes back to the queue until then.
    """
    checked = _check(call)
    if isinstance(checked, str):
        return checked
    if not checked.calls_per_minute:
        return None
    spacing = 60.0 / checked.calls_per_minute
    if (clock.real_now() - call.not_before).total_seconds() <= spacing / 2:
        return None  # on time for its own slot
    slot = take_slot(checked.campaign_id, spacing=spacing)
    wait = (slot - clock.real_now()).total_seconds()
    if wait > _setting("CAMPAIGN_MAX_SLOT_WAIT", 3.0):
        return SendLater(not_before=slot)
    if wait > SLOT_EPSILON.total_seconds():
        time.sleep(wait)
        checked = _check(call)
        if isinstance(checked, str):
            return checked
    return None


# The last checks run before every campaign POST, so they read with one plain SQL statement (the ORM
# spent ten times its CPU compiling the same query for each call). Default table names; parameters only.
CHECK_SQL = """
SELECT cc.id, cc.timezone, c.id, c.status, c.status_reason, c.ends_at, c.timezone, c.window_start, c.window_end,
       c.weekdays, c.calls_per_minute,
       EXISTS (SELECT 1 FROM campaigns_donotcall d WHERE d.team_id = c.team_id AND d.number = cc.number),
       {first_step}
FROM campaigns_campaigncall link
JOIN campaigns_campaigncontact cc ON cc.id = link.contact_id
JOIN campaigns_campaign c ON c.id = cc.campaign_id
JOIN flows_flowversion v ON v.id = c.flow_version_id
WHERE link.call_id = %s
"""
# The version's first step (its Call step) alone, not its whole document: JSON is read differently by each database.
FIRST_STEP = {"postgresql": "v.document -> 'steps' -> 0", "sqlite": "json_extract(v.document, '$.steps[0]')"}
CHECK_COLUMNS = ("id", "timezone", "campaign_id", "campaign__status", "campaign__status_reason", "campaign__ends_at",
                 "campaign__timezone", "campaign__window_start", "campaign__window_end", "campaign__weekdays",
                 "campaign__calls_per_minute", "dnc", "first_step")


@dataclass(frozen=True)
class Facts:
    """What the last checks read (ids and the pace; no model instances)."""

    contact_id: int
    campaign_id: int
    calls_per_minute: int


def _read_facts(call_id: int) -> dict[str, Any] | None:
    with connection.cursor() as cursor:
        cursor.execute(CHECK_SQL.format(first_step=FIRST_STEP[connection.vendor]), [call_id])
        found = cursor.fetchone()
    if found is None:
        return None
    row = dict(zip(CHECK_COLUMNS, found, strict=True))
    # Values as the ORM would give them, on PostgreSQL and on SQLite (which returns text).
    ends_at = row["campaign__ends_at"]
    if isinstance(ends_at, str):
        ends_at = parse_datetime(ends_at)
    if ends_at is not None and dj_timezone.is_naive(ends_at):
        ends_at = dj_timezone.make_aware(ends_at, UTC_ZONE)
    row["campaign__ends_at"] = ends_at
    for key in ("campaign__window_start", "campaign__window_end"):
        if isinstance(row[key], str):
            row[key] = parse_time(row[key])
    for key in ("campaign__weekdays", "first_step"):
        if isinstance(row[key], str):
            row[key] = json.loads(row[key])
    row["dnc"] = bool(row["dnc"])
    return row


def _check(call: Call) -> str | Facts:
    """The facts of a call that may be sent now, or why it must not be (the contact updated)."""
    row = _read_facts(call.pk)
    if row is None:
        return "The campaign contact of this call was deleted: not sent."
    contact = row["id"]
    status = row["campaign__status"]
    now = clock.now()
    if status != S.RUNNING:
        if status == S.CANCELLED:
            _close(contact, call, C.CANCELLED, "The campaign was cancelled.", now)
            return "The campaign was cancelled: not sent."
        if status == S.COMPLETED:
            _close(contact, call, C.NOT_CALLED, row["campaign__status_reason"] or "The campaign ended.", now)
            return "The campaign has ended: not sent."
        _wait(contact, call, "Not called yet: the campaign is paused.")
        return "The campaign is paused: not sent. The contact will be called when it resumes."
    ends_at = row["campaign__ends_at"]
    if ends_at and now >= ends_at:
        _close(contact, call, C.NOT_CALLED, "The campaign's end time came before this call.", now)
        return "The campaign's end time has passed: not sent."
    # A call queued before the tick paused its campaign for what the version dials (campaign_stop_reason).
    stop = campaign_stop_reason({"steps": [row["first_step"]]})
    if stop:
        _try(Campaign(pk=row["campaign_id"]), S.PAUSED, STOPPED + stop, (S.RUNNING,))
        _wait(contact, call, "Not called: the campaign was paused (its Call step dials another number).")
        return "The flow version's Call step does not dial this contact's number, so the campaign was paused: not sent."
    credential = call.credential
    if credential is not None and credential.rejected_at is not None:
        pause_for_credential(credential, credential_refused_reason(credential))
        _wait(contact, call, "Not called yet: the campaign was paused (credential refused).")
        return "Samespace refused this credential's token, so the campaign was paused: not sent."
    if row["dnc"]:
        _close(contact, call, C.DO_NOT_CALL, "On the do-not-call list: not called.", now)
        return "The number is on the do-not-call list: not sent."
    zone = row["timezone"] or row["campaign__timezone"]
    if not window_open(now, zone, row["campaign__window_start"], row["campaign__window_end"],
                       row["campaign__weekdays"]):
        local = now.astimezone(tz_of(zone))
        _wait(contact, call, "Its turn came outside the calling window; it waits for the next window.")
        return f"Outside the calling window ({local:%a %H:%M} in {zone}): not sent; the contact waits for the window."
    return Facts(contact_id=contact, campaign_id=row["campaign_id"], calls_per_minute=row["campaign__calls_per_minute"])


def _mine(contact_id: int, call: Call) -> Any:
    return CampaignContact.objects.filter(pk=contact_id, status=C.CALLING, last_call_id=call.pk)


def _wait(contact: int, call: Call, note: str) -> None:
    """Back to waiting; this call was not placed, so it does not count as an attempt."""
    _mine(contact, call).update(status=C.PENDING, attempts=F("attempts") - 1, note=note)


def _close(contact: int, call: Call, status: str, note: str, now: datetime) -> None:
    _mine(contact, call).update(status=status, note=note[:300], finished_at=now)
