"""Reads for credentials and calls, always scoped to the teams a user belongs to."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet, Subquery
from django.utils import timezone

from editor.accounts.selectors import role_subquery
from editor.calls.models import Call, CallStatus, Credential


def _role(user: AbstractBaseUser) -> Subquery:
    return role_subquery(user=user)


def credentials_for_user(*, user: AbstractBaseUser) -> QuerySet[Credential]:
    return (
        Credential.objects.filter(team__memberships__user=user)
        .annotate(user_role=_role(user))
        .select_related("team")
        .order_by("team__name", "name")
    )


def calls_for_user(*, user: AbstractBaseUser) -> QuerySet[Call]:
    return (
        Call.objects.filter(team__memberships__user=user)
        .annotate(user_role=_role(user))
        .select_related("flow_version__flow", "credential", "team")
        .order_by("-created_at", "-id")
    )


class BadFilter(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadFilter(field, "Use a date like 2026-01-31.") from None


def _moment(value: str, field: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return timezone.make_aware(datetime.combine(_day(value, field), time.min))
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def filter_calls(qs: QuerySet[Call], params: Any) -> QuerySet[Call]:
    """Filters of ``GET /api/calls/`` and the calls page. Raises BadFilter for a malformed value.

    ``status`` (comma-separated), ``flow`` (id), ``credential`` (id), ``number``, ``ids``
    (comma-separated, for polling), ``date`` (a day in TIME_ZONE), ``created_after`` /
    ``created_before`` (a date or an ISO date-time).
    """
    statuses = [s for s in (params.get("status") or "").split(",") if s]
    if statuses:
        unknown = sorted(set(statuses) - set(CallStatus.values))
        if unknown:
            raise BadFilter("status", f"Unknown status {unknown[0]!r}; use {', '.join(CallStatus.values)}.")
        qs = qs.filter(status__in=statuses)
    for name, lookup in (("flow", "flow_version__flow_id"), ("credential", "credential_id")):
        value = params.get(name) or ""
        if value:
            if not value.isdigit() or len(value) > 18:
                raise BadFilter(name, "Use an id (a whole number).")
            qs = qs.filter(**{lookup: int(value)})
    ids = [i for i in (params.get("ids") or "").split(",") if i]
    if ids:
        if len(ids) > 200 or not all(i.isdigit() and len(i) <= 18 for i in ids):
            raise BadFilter("ids", "Use up to 200 comma-separated ids.")
        qs = qs.filter(pk__in=[int(i) for i in ids])
    number = (params.get("number") or "").strip()
    if number:
        qs = qs.filter(number__contains=number.replace(" ", ""))
    day = params.get("date") or ""
    if day:
        start = timezone.make_aware(datetime.combine(_day(day, "date"), time.min))
        qs = qs.filter(created_at__gte=start, created_at__lt=start + timedelta(days=1))
    if params.get("created_after"):
        qs = qs.filter(created_at__gte=_moment(params["created_after"], "created_after"))
    if params.get("created_before"):
        qs = qs.filter(created_at__lt=_moment(params["created_before"], "created_before"))
    return qs


def credentials_in(*, team_ids: list[int]) -> QuerySet[Credential]:
    return Credential.objects.filter(team_id__in=team_ids).order_by("name")


def credential_in_team(*, credential_id: int, team_id: int) -> Credential | None:
    return Credential.objects.filter(pk=credential_id, team_id=team_id).first()


def default_base_url() -> str:
    """The Samespace address a new credential starts with."""
    return Credential().base_url
