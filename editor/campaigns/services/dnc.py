"""The per-team do-not-call list: add, remove (its CSV import: services/dnc_imports.py).

A number on the list is never called: it is set aside when contacts are imported, skipped by
the dispatcher when it claims contacts, and checked again right before each POST
(``campaign_precheck``), so a number added while a campaign runs is not called again.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from editor.accounts.models import Team
from editor.campaigns.models import CampaignContact, CampaignStatus, ContactStatus, DoNotCall
from editor.campaigns.services.numbers import BadNumber, normalise_number
from editor.common.errors import InvalidFields

BATCH = 2000
NOTE = "On the do-not-call list: not called."


def _author(user: AbstractBaseUser | None) -> AbstractBaseUser | None:
    return user if user is not None and user.is_authenticated else None


def close_waiting(team: Team, numbers: set[str]) -> int:
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
    close_waiting(team, {e164})
    return entry


def dnc_remove(*, entry: DoNotCall) -> None:
    entry.delete()


__all__ = ["close_waiting", "dnc_add", "dnc_remove"]
