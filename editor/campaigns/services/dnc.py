"""The per-team do-not-call list: add, remove, CSV import.

A number on the list is never called: it is set aside when contacts are imported, skipped by
the dispatcher when it claims contacts, and checked again right before each POST
(``campaign_precheck``), so a number added while a campaign runs is not called again.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from editor.accounts.models import Team
from editor.campaigns.models import CampaignContact, CampaignStatus, ContactStatus, DoNotCall
from editor.campaigns.services.contacts import NUMBER_HEADERS, variable_name
from editor.campaigns.services.csvfile import BadFile, binary, read_csv
from editor.campaigns.services.numbers import BadNumber, normalise_number
from editor.common.errors import InvalidFields

BATCH = 2000
NOTE = "On the do-not-call list: not called."


def _author(user: AbstractBaseUser | None) -> AbstractBaseUser | None:
    return user if user is not None and user.is_authenticated else None


def _close_waiting(team: Team, numbers: set[str]) -> int:
    """Contacts of the team's unfinished campaigns still waiting for these numbers: never call them."""
    if not numbers:
        return 0
    return CampaignContact.objects.filter(
        campaign__team=team, number__in=numbers, status=ContactStatus.PENDING,
        campaign__status__in=(CampaignStatus.DRAFT, CampaignStatus.SCHEDULED, CampaignStatus.RUNNING,
                              CampaignStatus.PAUSED),
    ).update(status=ContactStatus.DO_NOT_CALL, note=NOTE, finished_at=timezone.now())


@transaction.atomic
def dnc_add(*, team: Team, number: str, user: AbstractBaseUser | None = None, note: str = "",
            region: str = "US") -> DoNotCall:
    """Add a number (any format phonenumbers reads with ``region``); adding it twice is harmless."""
    try:
        e164, _ = normalise_number(number if isinstance(number, str) else "", region)
    except BadNumber as exc:
        raise InvalidFields({"number": [str(exc)]}) from None
    entry, _ = DoNotCall.objects.get_or_create(team=team, number=e164,
                                               defaults={"note": (note or "")[:300], "created_by": _author(user)})
    _close_waiting(team, {e164})
    return entry


def dnc_remove(*, entry: DoNotCall) -> None:
    entry.delete()


def dnc_import(*, team: Team, upload: Any, number_column: str | None = None, region: str = "US",
               user: AbstractBaseUser | None = None) -> dict[str, Any]:
    """Import a CSV of numbers (an optional ``note`` column is kept). Returns the report."""
    text = read_csv(binary(upload))
    headers, rows = text.first, text.rest
    names = [variable_name(h) for h in headers]
    if number_column:
        index = next((i for i, n in enumerate(names) if n == variable_name(number_column)), None)
    else:
        index = next((i for i, n in enumerate(names) if n in NUMBER_HEADERS), 0 if len(headers) == 1 else None)
    if index is None:
        raise InvalidFields({"number_column": [f"Choose the column with the phone numbers ({', '.join(headers)})."]})
    note_index = next((i for i, n in enumerate(names) if n in ("note", "reason", "comment")), None)
    report: dict[str, Any] = {"rows": 0, "added": 0, "already": 0, "duplicates": 0, "rejected": 0, "empty": 0,
                              "rejected_rows": [], "contacts_closed": 0}
    author = _author(user)
    seen: set[str] = set()
    with transaction.atomic():
        batch: dict[str, str] = {}
        for row in rows:
            report["rows"] += 1
            if not row.problem and not any(cell.strip() for cell in row.cells):
                report["empty"] += 1
                continue
            raw = row.cells[index] if index < len(row.cells) else ""
            try:
                if row.problem:
                    raise BadNumber(row.problem)
                number, _ = normalise_number(raw, region)
            except BadNumber as exc:
                report["rejected"] += 1
                if len(report["rejected_rows"]) < settings.CONTACT_IMPORT_REPORT_ROWS:  # counts cover the rest
                    report["rejected_rows"].append({"line": row.line, "value": raw[:100], "reason": str(exc)})
                continue
            if number in seen:
                report["duplicates"] += 1
                continue
            seen.add(number)
            note = row.cells[note_index].strip()[:300] if note_index is not None and note_index < len(row.cells) else ""
            batch[number] = note
            if len(batch) >= BATCH:
                _store(team, batch, author, report)
                batch = {}
        if batch:
            _store(team, batch, author, report)
    return report


def _store(team: Team, batch: dict[str, str], author: AbstractBaseUser | None, report: dict[str, Any]) -> None:
    existing = set(DoNotCall.objects.filter(team=team, number__in=batch).values_list("number", flat=True))
    new = [DoNotCall(team=team, number=n, note=note, created_by=author)
           for n, note in batch.items() if n not in existing]
    DoNotCall.objects.bulk_create(new, ignore_conflicts=True)
    report["already"] += len(existing)
    report["added"] += len(batch) - len(existing)
    report["contacts_closed"] += _close_waiting(team, set(batch))


__all__ = ["BadFile", "dnc_add", "dnc_import", "dnc_remove"]
