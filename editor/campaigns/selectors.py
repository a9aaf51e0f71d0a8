"""Reads for campaigns and the do-not-call list, always scoped to the user's teams, and the
progress figures shown on the campaign page and in the API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import OuterRef, QuerySet, Subquery

from editor.accounts.models import Membership
from editor.calls.models import Call
from editor.campaigns import clock
from editor.campaigns.models import Campaign, CampaignContact, CampaignStatus, ContactStatus, DncImport, DoNotCall
from editor.campaigns.services.campaigns import contact_counts, missing_variables, start_problems
from editor.campaigns.window import calling_starts, finished_summary, next_open, pacing_summary
from editor.common import words
from editor.common.csvsafe import SafeCsvWriter
from editor.events.selectors import (
    OUTCOME_CSV_HEADERS,
    outcome_csv_cells,
    outcome_filter,
    outcome_text,
    outcomes_for_calls,
)

OPEN = (ContactStatus.PENDING, ContactStatus.CALLING)


def _role(user: AbstractBaseUser) -> Subquery:
    return Subquery(Membership.objects.filter(team_id=OuterRef("team_id"), user=user).values("role")[:1])


def campaigns_for_user(*, user: AbstractBaseUser) -> QuerySet[Campaign]:
    return (Campaign.objects.filter(team__memberships__user=user).annotate(user_role=_role(user))
            .select_related("team", "flow_version__flow", "credential"))


def dnc_for_user(*, user: AbstractBaseUser) -> QuerySet[DoNotCall]:
    return DoNotCall.objects.filter(team__memberships__user=user).annotate(user_role=_role(user)).select_related(
        "team", "created_by")


def dnc_imports_for_user(*, user: AbstractBaseUser) -> QuerySet[DncImport]:
    """Do-not-call imports of the user's teams (another team's is a 404), newest first."""
    return DncImport.objects.filter(team__memberships__user=user).order_by("-created_at", "-id")


def dnc_listed(*, user: AbstractBaseUser, search: str = "", team: int | None = None) -> QuerySet[DoNotCall]:
    """The do-not-call list as the page, the API and the exports show it (filters typed by
    ``DoNotCallFilters``: digits a number contains, one team), newest first."""
    qs = dnc_for_user(user=user).order_by("-created_at", "-id")
    if search:
        qs = qs.filter(number__contains=search)
    if team is not None:
        qs = qs.filter(team_id=team)
    return qs


DNC_CSV_HEADERS = ["number", "note", "team", "added_by", "added_at"]


def dnc_csv(entries: QuerySet[DoNotCall]) -> Iterator[str]:
    """Do-not-call entries as CSV text, streamed, through editor/common/csvsafe.py (a note such as
    ``=1+2`` comes out as text; the E.164 number stays a number)."""
    writer = SafeCsvWriter(DNC_CSV_HEADERS, phone_columns=["number"])
    yield writer.header_row()
    for entry in entries.iterator(chunk_size=2000):
        person = entry.created_by.get_username() if entry.created_by else ""
        yield writer.row([entry.number, entry.note, entry.team.name, person, entry.created_at.isoformat()])


def contacts_of(campaign: Campaign, *, status: str = "", number: str = "", answered: bool | None = None,
                reached: str = "", pressed: str = "") -> QuerySet[CampaignContact]:
    """A campaign's contacts; ``answered``, ``reached`` (a step id) and ``pressed`` (keys) filter on
    what happened on each contact's last call (docs/call-events.md)."""
    qs = campaign.contacts.select_related("last_call").order_by("id")
    if status:
        qs = qs.filter(status__in=[s for s in status.split(",") if s in ContactStatus.values])
    if number:
        qs = qs.filter(number__contains=number.strip()[:20])
    if answered is not None or reached or pressed:
        qs = qs.filter(outcome_filter("last_call__outcome__", answered=answered, reached=reached, pressed=pressed))
    return qs


def with_outcomes(contacts: list[CampaignContact]) -> list[CampaignContact]:
    """Each contact with ``outcome`` (its last call's, or None) and ``outcome_text``: one query."""
    outcomes = outcomes_for_calls([c.last_call_id for c in contacts if c.last_call_id])
    for contact in contacts:
        contact.outcome = outcomes.get(contact.last_call_id)  # type: ignore[attr-defined]
        contact.outcome_text = outcome_text(contact.outcome)  # type: ignore[attr-defined]
    return contacts


def current_rate(campaign: Campaign) -> float:
    """Calls started in the last minute (what the page calls the current rate, per minute)."""
    since = clock.real_now() - timedelta(seconds=60)
    return float(Call.objects.filter(campaign_link__contact__campaign_id=campaign.pk, claimed_at__gte=since).count())


def progress(campaign: Campaign) -> dict[str, Any]:
    """Counts per status, done share, current rate and an estimated finish, for the page and API."""
    counts = contact_counts(campaign)
    total = sum(counts.values())
    remaining = counts[ContactStatus.PENDING] + counts[ContactStatus.CALLING]
    done = total - remaining
    rate = current_rate(campaign) if campaign.status == CampaignStatus.RUNNING else 0.0
    finish: datetime | None = None
    left = ""
    waiting_for = None
    waiting: tuple[datetime, str] | None = None
    if campaign.status in (CampaignStatus.RUNNING, CampaignStatus.SCHEDULED) and remaining:
        pace = rate or float(campaign.calls_per_minute or 0)
        if campaign.calls_per_minute:
            pace = min(pace, float(campaign.calls_per_minute)) if pace else float(campaign.calls_per_minute)
        waiting = _next_window(campaign)
        waiting_for = waiting[0] if waiting else None
        if pace:
            # Calling resumes when the window opens: the estimate counts from then, not from now.
            now = clock.now()
            finish = (waiting_for or now) + timedelta(minutes=remaining / pace)
            left = words.time_left((finish - now).total_seconds())
    return {
        "counts": counts, "total": total, "done": done, "remaining": remaining,
        "percent": round(100 * done / total, 1) if total else 0.0,
        "rate_per_minute": rate, "estimated_finish": finish, "time_left": left,
        "next_window": waiting_for,
        "calling_starts": _calling_starts(campaign, waiting),
    }


def calling_starts_now(campaign: Campaign) -> str:
    """When the calling window is closed for every contact now, when calling starts, in words; else ""."""
    return _calling_starts(campaign, _next_window(campaign))


def _calling_starts(campaign: Campaign, waiting: tuple[datetime, str] | None) -> str:
    if waiting is None:
        return ""
    opens, zone_name = waiting
    return calling_starts(start=campaign.window_start, opens=opens, zone_name=zone_name, now=clock.now())


def _next_window(campaign: Campaign) -> tuple[datetime, str] | None:
    """When no contact zone's window is open now: when the first one opens, and in which zone (else None)."""
    now = clock.now()
    opens = []
    for zone in set(campaign.zones or []) | {""}:
        name = zone or campaign.timezone
        moment = next_open(now, name, campaign.window_start, campaign.window_end, campaign.weekdays)
        if moment is not None:
            opens.append((moment, name))
    if not opens or min(opens)[0] <= now:
        return None
    return min(opens)


def summary(campaign: Campaign, contacts: int | None = None) -> str:
    """The plan in plain words: the pace for what is left, or how long a finished campaign took."""
    if campaign.is_final:
        counts = contact_counts(campaign)
        total = sum(counts.values())
        took = (campaign.finished_at - campaign.started_at).total_seconds() if (
            campaign.started_at and campaign.finished_at) else None
        return finished_summary(cancelled=campaign.status == CampaignStatus.CANCELLED, total=total,
                                done=total - counts[ContactStatus.PENDING] - counts[ContactStatus.CALLING],
                                seconds=took)
    if contacts is None:
        contacts = campaign.contacts.filter(status__in=OPEN).count()
    return pacing_summary(contacts=contacts, calls_per_minute=campaign.calls_per_minute,
                          start=campaign.window_start, end=campaign.window_end, weekdays=campaign.weekdays)


def readiness(campaign: Campaign) -> dict[str, Any]:
    return {"missing_variables": missing_variables(campaign),
            "start_problems": start_problems(campaign) if campaign.status == CampaignStatus.DRAFT else []}


# --- results export --------------------------------------------------------------------------------

RESULT_HEADERS = ["line", "number", "status", "attempts", "note", "last_call_id", "last_call_status",
                  "response_status", "samespace_call_id", "error", "finished_at", "time_zone"]


def results_rows(campaign: Campaign, **filters: Any) -> Iterator[str]:
    """The per-contact results as CSV text, one row at a time (streamed; bounded memory), of the
    contacts ``contacts_of(campaign, **filters)`` selects (the results table's filters). Every cell
    goes through editor/common/csvsafe.py: a contact field such as ``=1+2`` comes out as text."""
    columns = list(campaign.columns or [])
    writer = SafeCsvWriter(RESULT_HEADERS + OUTCOME_CSV_HEADERS + columns, phone_columns=["number"])
    yield writer.header_row()
    contacts = contacts_of(campaign, **filters)
    batch: list[CampaignContact] = []
    for contact in contacts.iterator(chunk_size=2000):
        batch.append(contact)
        if len(batch) == CSV_BATCH:
            yield from _result_rows(campaign, with_outcomes(batch), columns, writer)
            batch = []
    if batch:
        yield from _result_rows(campaign, with_outcomes(batch), columns, writer)


CSV_BATCH = 500  # contacts per outcomes query


def _result_rows(campaign: Campaign, contacts: list[CampaignContact], columns: list[str],
                 writer: SafeCsvWriter) -> Iterator[str]:
    for contact in contacts:
        call = contact.last_call
        yield writer.row([
            contact.line or "", contact.number, contact.status, contact.attempts, contact.note,
            call.pk if call else "", call.status if call else "", (call.response_status or "") if call else "",
            call.samespace_call_id if call else "", call.error if call else "",
            contact.finished_at.isoformat() if contact.finished_at else "",
            contact.timezone or campaign.timezone,
            *outcome_csv_cells(contact.outcome),  # type: ignore[attr-defined]
            *[(contact.variables or {}).get(name, "") for name in columns],
        ])
