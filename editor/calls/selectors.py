"""Reads for credentials and calls, always scoped to the teams a user belongs to."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet, Subquery
from django.utils import timezone

from editor.accounts.selectors import role_subquery
from editor.calls.models import Call, Credential
from editor.common.csvsafe import SafeCsvWriter


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


def filter_calls(qs: QuerySet[Call], filters: dict[str, Any]) -> QuerySet[Call]:
    """Filters of ``GET /api/calls/`` and the calls page, already typed by ``CallFilters``
    (editor/calls/filters.py): ``status`` (a list), ``flow``, ``credential``, ``number``, ``ids`` (for
    polling), ``date`` (a day in TIME_ZONE), ``created_after`` / ``created_before`` (aware moments).
    """
    if filters.get("status"):
        qs = qs.filter(status__in=filters["status"])
    for name, lookup in (("flow", "flow_version__flow_id"), ("credential", "credential_id")):
        if filters.get(name) is not None:
            qs = qs.filter(**{lookup: filters[name]})
    if filters.get("ids"):
        qs = qs.filter(pk__in=filters["ids"])
    number = (filters.get("number") or "").replace(" ", "")
    if number:
        qs = qs.filter(number__contains=number)
    day = filters.get("date")
    if day:
        start = timezone.make_aware(datetime.combine(day, time.min))
        qs = qs.filter(created_at__gte=start, created_at__lt=start + timedelta(days=1))
    if filters.get("created_after"):
        qs = qs.filter(created_at__gte=filters["created_after"])
    if filters.get("created_before"):
        qs = qs.filter(created_at__lt=filters["created_before"])
    return qs


CALL_CSV_HEADERS = ["id", "created_at", "team", "flow", "version", "number", "status", "attempts", "response_status",
                    "samespace_call_id", "error", "credential", "variables"]


def calls_csv(calls: QuerySet[Call]) -> Iterator[str]:
    """``calls`` as CSV text, one row at a time (streamed, bounded memory), through
    editor/common/csvsafe.py: a flow name or contact field such as ``=1+2`` comes out as text."""
    writer = SafeCsvWriter(CALL_CSV_HEADERS, phone_columns=["number"])
    yield writer.header_row()
    for call in calls.iterator(chunk_size=2000):
        version = call.flow_version
        yield writer.row([
            call.pk, call.created_at.isoformat(), call.team.name, version.flow.name, version.number, call.number,
            call.status, call.attempt_count, call.response_status or "", call.samespace_call_id, call.error,
            call.credential.name if call.credential else "",
            json.dumps(call.variables, ensure_ascii=False, sort_keys=True) if call.variables else "",
        ])


def credentials_in(*, team_ids: list[int]) -> QuerySet[Credential]:
    return Credential.objects.filter(team_id__in=team_ids).order_by("name")


def credential_in_team(*, credential_id: int, team_id: int) -> Credential | None:
    return Credential.objects.filter(pk=credential_id, team_id=team_id).first()


def default_base_url() -> str:
    """The Samespace address a new credential starts with."""
    return Credential().base_url
